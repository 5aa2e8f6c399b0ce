/*
 * Loaded by the H5P player inside its frame, after H5P's own scripts: H5P saves
 * the learner's resume state with its own jQuery, which knows nothing of Django's
 * CSRF protection, so its requests get the token of the lesson page here.
 */
(function () {
  'use strict';
  var host = window.frameElement
    ? window.frameElement.closest('[data-h5p-csrf]')
    : document.querySelector('[data-h5p-csrf]');
  if (host && window.H5P && window.H5P.jQuery) {
    window.H5P.jQuery.ajaxSetup({ headers: { 'X-CSRFToken': host.getAttribute('data-h5p-csrf') } });
  }
})();

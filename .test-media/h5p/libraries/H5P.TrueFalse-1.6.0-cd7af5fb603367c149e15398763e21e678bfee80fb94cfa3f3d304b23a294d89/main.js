
H5P.TrueFalse = (function ($) {
  function TinyTrueFalse(params, contentId) {
    H5P.EventDispatcher.call(this);
    this.params = params;
    this.contentId = contentId;
  }
  TinyTrueFalse.prototype = Object.create(H5P.EventDispatcher.prototype);
  TinyTrueFalse.prototype.constructor = TinyTrueFalse;
  TinyTrueFalse.prototype.attach = function ($container) {
    var self = this;
    $container.addClass('lms-tiny-true-false');
    $('<p class="lms-tiny-question">').text(self.params.question).appendTo($container);
    [['true', 'Đúng'], ['false', 'Sai']].forEach(function (choice) {
      $('<button type="button">').text(choice[1]).on('click', function () {
        self.answer(choice[0]);
      }).appendTo($container);
    });
  };
  TinyTrueFalse.prototype.answer = function (answer) {
    var right = answer === this.params.correct;
    var event = this.createXAPIEventTemplate('answered');
    event.setScoredResult(right ? 1 : 0, 1, this, true, right);
    event.data.statement.result.response = answer;
    this.trigger(event);
  };
  return TinyTrueFalse;
})(H5P.jQuery);

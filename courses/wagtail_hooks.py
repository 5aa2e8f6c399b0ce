from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.models import PageViewRestriction

from courses import permissions, videos


@hooks.register("on_serve_page", order=-10)
def hide_restricted_pages_from_signed_in_learners(callback):
    """A signed-in learner outside a page's groups gets 404, not a login page.

    Wagtail answers an unmet group restriction with a login redirect, which tells a
    signed-in person the page exists and sends them in a loop; for them the page
    simply is not there.
    """

    def inner(page, request, serve_args, serve_kwargs):
        if request.user.is_authenticated:
            for restriction in page.get_view_restrictions():
                if (
                    restriction.restriction_type == PageViewRestriction.GROUPS
                    and not restriction.accept_request(request)
                ):
                    raise Http404
        return callback(page, request, serve_args, serve_kwargs)

    return inner


@hooks.register("before_serve_document", order=100)
def serve_videos_to_editors_only(document, request):
    """A video's document address is for editors, who are sent where ranges work.

    Learners watch a video in its lesson (:func:`courses.views.lesson_video`),
    which checks their enrolment. Wagtail's own collection privacy has been
    checked before this hook (order 100). Wagtail's serving answers no byte
    range, and takes only a plain (not streamed) response from a hook, hence
    the redirect.
    """
    if not videos.is_video(document):
        return None
    if not permissions.can_preview_video(user=request.user, document=document):
        raise PermissionDenied
    return redirect(videos.video_url(document, lesson_id=None))

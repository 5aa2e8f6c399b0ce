from django.http import Http404
from wagtail import hooks
from wagtail.models import PageViewRestriction


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

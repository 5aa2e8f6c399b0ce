"""The frames' own host (``H5P_FRAME_ORIGIN``) answers for the frames only.

It is an alias of the site, so without this every page of the site would answer
there too, in the origin the packages' scripts run in: a script could read those
pages as its own. On that host only the frames, their files and the public
static files answer, and none of them sets a cookie; everything else is 404
before any session, cookie or page is touched.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotFound

FRAME_PATHS = ("/h5p/play/", "/h5p/libraries/")


def frame_host() -> str:
    return urlsplit(settings.H5P_FRAME_ORIGIN).netloc.lower()


class FrameHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.H5P_FRAME_ORIGIN or request.get_host().lower() != frame_host():
            return self.get_response(request)
        if not request.path.startswith((*FRAME_PATHS, settings.STATIC_URL)):
            return HttpResponseNotFound(
                b"Not found", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


# Headers the session, language and security middlewares give every response,
# which are about pages.
PAGE_HEADERS = (
    "Vary",
    "Content-Language",
    "Cross-Origin-Opener-Policy",
    "X-Frame-Options",
)


class GrantFileMiddleware:
    """A file a frame opens with its grant answers with the headers of a file.

    Such a file is the same for every learner and language and is no page, yet
    the middlewares below mark it as one (``Vary: Accept-Language, Cookie``, a
    language, an opener policy): some 200 bytes on each of the sixty files a
    lesson's player loads. Listed first in ``MIDDLEWARE``, this sees the
    response last and takes those headers off the responses the H5P views mark
    with ``grant_file``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "grant_file", False):
            for header in PAGE_HEADERS:
                response.headers.pop(header, None)
        return response

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

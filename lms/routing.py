"""Which page an address leads to, remembered by each process until content changes.

Wagtail finds the page of a URL by walking the page tree from the site's root:
the site, the root page and its specific page, then one query for each page down
the path, on every request, before the page itself does anything. Learners keep
opening the same lessons, so each process remembers the outcome of that walk for
the addresses it served (the site and the specific page, its parents attached
by the courses' routing) and hands it to Wagtail's own serve view, which takes a
route already found on the request (``Page.route_for_request``), with the sites'
root paths that every page link is made from (read from the cache otherwise).

What is remembered is keyed on the content version (:mod:`lms.content_version`),
which publishing, unpublishing, moving, deleting or saving a page, a view
restriction or a site changes: the first request after such a change forgets
every route of the process. Only routes that found a live page are kept, at most
``LMS_CONTENT_MEMO_SIZE`` of them (the least recently used go first); 0 keeps none.
Nothing in a route depends on who asks: who may see the page is decided for each
request by the page's own serve and Wagtail's hooks, as before.
"""

from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.views import serve as wagtail_serve

from lms.content_version import ContentMemo, content_version

routes = ContentMemo()


class PageRouteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        size = settings.LMS_CONTENT_MEMO_SIZE
        if (
            view_func is not wagtail_serve
            or request.method not in ("GET", "HEAD")
            or size <= 0
        ):
            return None
        path = view_kwargs.get("path", view_args[0] if view_args else "")
        # With Wagtail's i18n on, the root page is the one of the active language.
        key = (request.get_host(), request.get_port(), get_language(), path)
        version = content_version()
        entry = routes.get(version, key)
        if entry is not None:
            (
                request._wagtail_site,
                request._wagtail_route_for_request,
                request._wagtail_cached_site_root_paths,
            ) = entry
            return None
        route = Page.route_for_request(request, path)
        if route is not None:
            site = Site.find_for_request(request)
            routes.put(version, key, (site, route, Site.get_site_root_paths()), size)
        return None

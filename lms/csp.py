"""The Content-Security-Policy sent with every HTML page of the site.

The site's own pages run only scripts from its own origin: no inline script and
no inline event handler (``script-src 'self'``), so text a person or a package
managed to slip into a page cannot run. Their JavaScript lives in static files and
reads what it needs from ``data-`` attributes or ``json_script`` blocks, which
browsers never execute. No nonce is needed, which keeps whole pages cacheable
(:mod:`lms.pagecache`).

The Wagtail admin is the one exception for scripts: its panels and date widgets
write small inline scripts holding the ids of each form's fields, so neither a
hash nor a nonce fits them; under ``LMS_CSP_ADMIN_PREFIXES`` scripts may be
inline, and everything else stays as strict. Editors are trusted staff; what a
learner sees never comes through those addresses.

A view that sends its own policy (the H5P player's frame, a package's files)
keeps it. Styles may be inline (``style=`` attributes are common and cannot run
code); H5P frames come from the site or from ``H5P_FRAME_ORIGIN``; pictures may
also come from the object storage (``LMS_CSP_MEDIA_SOURCES``).
"""

from __future__ import annotations

from django.conf import settings

HEADER = "Content-Security-Policy"


def _join(directives: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def site_directives() -> dict[str, list[str]]:
    """The directives of the site's pages, as lists to extend or join."""
    frames = ["'self'"]
    if settings.H5P_FRAME_ORIGIN:
        frames.append(settings.H5P_FRAME_ORIGIN)
    media = list(settings.LMS_CSP_MEDIA_SOURCES)
    return {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *media],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'", "blob:", *media],
        "connect-src": ["'self'"],
        "frame-src": frames,
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }


def site_policy() -> str:
    return _join(site_directives())


def admin_policy() -> str:
    directives = site_directives()
    directives["script-src"] = ["'self'", "'unsafe-inline'"]
    return _join(directives)


class ContentSecurityPolicyMiddleware:
    """Add the site's policy to every HTML response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = tuple(settings.LMS_CSP_ADMIN_PREFIXES)
        self.origins = None

    def __call__(self, request):
        response = self.get_response(request)
        if HEADER in response:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        # Written once, and again only if the other origins are set anew.
        origins = (settings.H5P_FRAME_ORIGIN, tuple(settings.LMS_CSP_MEDIA_SOURCES))
        if self.origins != origins:
            self.site, self.admin = site_policy(), admin_policy()
            self.origins = origins
        admin = request.path.startswith(self.admin_prefixes)
        response[HEADER] = self.admin if admin else self.site
        return response

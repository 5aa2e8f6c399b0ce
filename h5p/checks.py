"""Deployment checks for the frames' own host (``H5P_FRAME_ORIGIN``).

There the frames keep an origin of their own (``allow-same-origin``): that is
safe only if the origin is not the site's and no cookie of the site reaches it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


COOKIE_DOMAINS = (
    "SESSION_COOKIE_DOMAIN",
    "CSRF_COOKIE_DOMAIN",
    "LANGUAGE_COOKIE_DOMAIN",
)


@register()
def frame_origin_check(app_configs, **kwargs) -> list[Error]:
    origin = settings.H5P_FRAME_ORIGIN
    if not origin:
        return []
    errors = []
    scheme, netloc = _origin(origin)
    host = urlsplit(origin).hostname or ""
    if scheme not in ("http", "https") or not host or urlsplit(origin).path:
        return [
            Error(
                "H5P_FRAME_ORIGIN must be an origin such as https://h5p.example.org.",
                id="h5p.E001",
            )
        ]
    site = settings.LMS_PUBLIC_BASE_URL
    if not site or _origin(site) == (scheme, netloc):
        errors.append(
            Error(
                "H5P_FRAME_ORIGIN must differ from the site's own address "
                "(LMS_PUBLIC_BASE_URL), which must be set: the frames would run "
                "packages as the site.",
                id="h5p.E002",
            )
        )
    for name in COOKIE_DOMAINS:
        domain = (getattr(settings, name, None) or "").lower().lstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            errors.append(
                Error(
                    f"{name} ({domain}) covers the H5P frames' host {host}: the "
                    "site's cookies would reach the packages' scripts.",
                    id="h5p.E003",
                )
            )
    allowed = [entry.lower() for entry in settings.ALLOWED_HOSTS]
    if (
        "*" not in allowed
        and host not in allowed
        and not any(entry.startswith(".") and host.endswith(entry) for entry in allowed)
    ):
        errors.append(
            Error(
                f"The H5P frames' host {host} must be in ALLOWED_HOSTS.",
                id="h5p.E004",
            )
        )
    return errors

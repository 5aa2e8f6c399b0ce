"""The version of the privacy notice in force, as every app reads it.

Consents record the version a person agreed to. The notice itself is a Wagtail
page of the ``privacy`` app, which sits above the apps that record consent: it
registers :func:`register_notice_version` from its ``AppConfig.ready()``. A site
with no published notice yet falls back to ``settings.LMS_PRIVACY_NOTICE_VERSION``.
"""

from collections.abc import Callable

from django.conf import settings

_provider: Callable[[], str | None] | None = None


def register_notice_version(provider: Callable[[], str | None]) -> None:
    """``provider`` answers the current version, or ``None`` when none is published."""
    global _provider
    _provider = provider


def notice_version_current() -> str:
    version = _provider() if _provider is not None else None
    return version or settings.LMS_PRIVACY_NOTICE_VERSION

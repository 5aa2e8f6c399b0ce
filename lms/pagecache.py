"""Whole pages kept for anonymous visitors, and the versions that retire them.

A QR poster sends a village to the same few pages in the same minute: the home
page, the catalogue, a course, a certificate's verification page. For a visitor
who is not signed in those pages are the same for everyone who reads the same
language, so :class:`PageCacheMiddleware` keeps the rendered response in the
shared cache (Redis in production) and answers the next visitor without touching
the database.

Only views that say so are kept (:func:`cache_for_visitors`), and only when
nothing in the response belongs to one person: no cookie is set (a CSRF token or
a session), no message was shown, nobody is signed in, the response is a plain
200 that does not ask to stay private. A request that carries a session or a
message cookie is never answered from the cache.

Nothing is kept past its content: each entry records the versions of what it was
built from (``pages``: every Wagtail page, image, site and view restriction; or
one certificate), and changing any of them bumps its version once the change is
committed, so an editor's publish shows at once. Every release bumps ``pages``
too (``migrate`` runs on each deploy). Entries also expire after
``LMS_PAGE_CACHE_SECONDS``; 0 turns the cache off.
"""

import hashlib
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpResponse
from django.utils.cache import cc_delim_re
from django.utils.module_loading import import_string
from django.utils.translation import get_language_from_request
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

PAGES = "pages"
CACHED_HEADER = "X-Page-Cache"
# Vary values whose variants the key already tells apart (the language comes from
# the cookie or Accept-Language; requests with a session or message cookie are
# never cached); a response that varies on anything else is not kept.
_HANDLED_VARY = {"accept-language", "cookie", "accept-encoding"}
_PRIVATE = ("private", "no-store", "no-cache")


def _timeout() -> int:
    return settings.LMS_PAGE_CACHE_SECONDS


def _version_key(namespace: str) -> str:
    return f"pagecache:version:{namespace}"


def _bump(namespace: str) -> None:
    cache.set(_version_key(namespace), uuid.uuid4().hex, timeout=None)


def version_bump(namespace: str = PAGES) -> None:
    """Retire everything built from ``namespace``: now, and again at the commit.

    A request that read the old rows before the change commits may still store
    them under the version of the moment; the second bump retires that entry.
    """
    _bump(namespace)
    transaction.on_commit(lambda: _bump(namespace))


def _versions(namespaces: Iterable[str], found: dict | None = None) -> dict:
    """The current version of each namespace, starting one where none is set."""
    keys = [_version_key(namespace) for namespace in namespaces]
    if found is None:
        found = cache.get_many(keys)
    versions = {}
    for key in keys:
        version = found.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            version = cache.get(key)
        versions[key] = version
    return versions


def cache_for_visitors(
    response: HttpResponse, *, refuse_if: str | None = None
) -> HttpResponse:
    """Let :class:`PageCacheMiddleware` keep ``response`` for anonymous visitors.

    The page is taken to be built from Wagtail's pages (the ``pages`` version)
    and whatever the view named with :func:`depends_on`. ``refuse_if`` is the
    dotted path of a check ``(request) -> bool`` that must still run before each
    visitor is answered from the cache (a rate limit, for instance): when it is
    true the view answers instead.
    """
    response.page_cache_refuse_if = refuse_if
    return response


def depends_on(request, namespace: str) -> None:
    """Say that the page being built reads what ``namespace`` versions.

    Call it before reading: a change committed after this read retires the entry.
    """
    versions = getattr(request, "page_cache_versions", None)
    if versions is not None:
        versions.update(_versions([namespace]))


def _cookie_free(request) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
    )


def _key(request) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    # Computed as LocaleMiddleware will, which runs later.
    language = get_language_from_request(request)
    place = f"{language}\n{request.scheme}\n{host}\n{request.get_full_path()}"
    return "pagecache:page:" + hashlib.sha256(place.encode()).hexdigest()


def _keepable(request, response) -> bool:
    if not hasattr(response, "page_cache_refuse_if"):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in _PRIVATE):
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
    return vary <= _HANDLED_VARY | {""}


class PageCacheMiddleware:
    """Answer anonymous GETs of pages marked by :func:`cache_for_visitors`.

    Placed right after WhiteNoise: a hit costs one cache round trip (the entry
    and the pages' version) when the page is built from pages alone, two when it
    also read something else (a certificate), and no middleware below it runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (_timeout() and request.method == "GET" and _cookie_free(request)):
            return self.get_response(request)
        key = _key(request)
        if key is None:
            return self.get_response(request)
        # The entry and the version of the pages, which nearly every entry is
        # built from, in one round trip.
        pages_key = _version_key(PAGES)
        found = cache.get_many([key, pages_key])
        entry = found.get(key)
        if entry is not None:
            response = self._answer(request, entry, found)
            if response is not None:
                return response
        # Read before rendering: a change committed meanwhile retires this entry.
        request.page_cache_versions = _versions([PAGES])
        response = self.get_response(request)
        if _keepable(request, response):
            self._keep(key, request, response)
        return response

    def _answer(self, request, entry, found: dict) -> HttpResponse | None:
        status, headers, content, versions, refuse_if = entry
        current = {name: found[name] for name in versions if name in found}
        missing = [name for name in versions if name not in found]
        if missing:
            current.update(cache.get_many(missing))
        if current != versions:
            return None
        if refuse_if and import_string(refuse_if)(request):
            return None
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response.headers[name] = value
        response[CACHED_HEADER] = "hit"
        return response

    def _keep(self, key, request, response) -> None:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() != "set-cookie"
        ]
        entry = (
            response.status_code,
            headers,
            response.content,
            request.page_cache_versions,
            response.page_cache_refuse_if,
        )
        cache.set(key, entry, _timeout())


# Fields that saving a draft revision writes on the live page row: the live
# content is unchanged.
_DRAFT_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "wagtail_admin_comments",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def _page_saved(sender, instance, update_fields=None, **kwargs) -> None:
    if isinstance(instance, Page) and not (
        update_fields and set(update_fields) <= _DRAFT_FIELDS
    ):
        version_bump()


def _page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        version_bump()


def _pages_changed(sender, **kwargs) -> None:
    version_bump()


def _released(sender, **kwargs) -> None:
    # A new release may render every page differently. migrate must still work
    # while the cache is unreachable; entries then expire by themselves.
    try:
        version_bump()
    except Exception:
        logger.warning(
            "The page cache could not be retired after migrate: pages cached "
            "before it expire within LMS_PAGE_CACHE_SECONDS.",
            exc_info=True,
        )


def signals_connect() -> None:
    """Bump ``pages`` on whatever changes a page a visitor sees."""
    uid = "lms.pagecache"
    post_save.connect(_page_saved, dispatch_uid=f"{uid}.page_saved")
    post_delete.connect(_page_deleted, dispatch_uid=f"{uid}.page_deleted")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(_pages_changed, dispatch_uid=f"{uid}.pages_changed")
    for model in (PageViewRestriction, Site, get_image_model(), get_document_model()):
        for signal in (post_save, post_delete):
            signal.connect(
                _pages_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}"
            )
    m2m_changed.connect(
        _pages_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid=f"{uid}.restriction_groups",
    )
    post_migrate.connect(_released, dispatch_uid=f"{uid}.released")

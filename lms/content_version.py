"""One number that changes whenever published content changes.

Anything cached from pages (a lesson's place in its course, a whole public page)
puts this number in its cache key, so publishing, unpublishing, moving or deleting
a page makes every such entry stale at once, in every process sharing the cache.
The app that owns the pages bumps it from Wagtail's signals.
"""

import time

from django.core.cache import cache

KEY = "lms:content-version"


def content_version() -> int:
    version = cache.get(KEY)
    if version is None:
        # A fresh cache (or an evicted key) starts from the clock, so it never comes
        # back to a number that older entries were stored under.
        cache.add(KEY, time.time_ns(), timeout=None)
        version = cache.get(KEY) or 0
    return version


def content_version_bump() -> None:
    try:
        cache.incr(KEY)
    except ValueError:
        cache.add(KEY, time.time_ns(), timeout=None)

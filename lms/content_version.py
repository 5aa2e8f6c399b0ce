"""One number that changes whenever published content changes.

Anything cached from pages (a lesson's place in its course, a whole public page)
puts this number in its cache key, so publishing, unpublishing, moving or deleting
a page makes every such entry stale at once, in every process sharing the cache.
The app that owns the pages bumps it from Wagtail's signals.

:class:`ContentMemo` keeps what a process read from pages in its own memory,
until the number moves.

A request reads the number from the cache once and keeps it until its response is
sent (one page asks for it from several places: its route, its course's outline,
the catalogue's address), unless the request itself changes content. Outside a
request (commands, tasks) every call reads the cache.
"""

import threading
import time
from collections import OrderedDict

from asgiref.local import Local
from django.core.cache import cache

KEY = "lms:content-version"

_request = Local()


def request_scope_open(**kwargs) -> None:
    _request.open = True
    _request.version = None


def request_scope_close(**kwargs) -> None:
    _request.open = False
    _request.version = None


def content_version() -> int:
    in_request = getattr(_request, "open", False)
    if in_request and _request.version is not None:
        return _request.version
    version = cache.get(KEY)
    if version is None:
        # A fresh cache (or an evicted key) starts from the clock, so it never comes
        # back to a number that older entries were stored under.
        cache.add(KEY, time.time_ns(), timeout=None)
        version = cache.get(KEY) or 0
    if in_request:
        _request.version = version
    return version


def content_version_bump() -> None:
    _request.version = None
    try:
        cache.incr(KEY)
    except ValueError:
        cache.add(KEY, time.time_ns(), timeout=None)


class ContentMemo:
    """What one process remembers from pages, forgotten when the content version
    moves: a bounded store, least recently used first out, safe across threads.
    What it keeps is shared by every request of the process, so it must be the
    same for everyone who asks (nothing of a person in it).
    """

    def __init__(self):
        self.version = None
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version, key):
        with self.lock:
            if self.version is None or version > self.version:
                self.version = version
                self.entries.clear()
                return None
            if version < self.version:
                # A request that read the number before it moved: it must not
                # bring back what the move retired.
                return None
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, version, key, entry, size: int) -> None:
        with self.lock:
            if version != self.version or size <= 0:
                return
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > size:
                self.entries.popitem(last=False)

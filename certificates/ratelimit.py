"""Slowing down people who guess certificate codes.

Scanning a real certificate always finds it, so only lookups that find nothing
(a malformed code or an unknown one) are counted, per client address. Past the
limit every lookup from that address is refused until the window ends.
"""

from allauth.account.adapter import get_adapter
from django.core.cache import cache

MISSES_ALLOWED = 20
WINDOW_SECONDS = 10 * 60


def _key(request) -> str:
    return f"certificates:lookup-misses:{get_adapter(request).get_client_ip(request)}"


def lookups_blocked(request) -> bool:
    return cache.get(_key(request), 0) >= MISSES_ALLOWED


def lookup_missed(request) -> None:
    key = _key(request)
    # add() starts the window only once; incr() keeps its expiry.
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)

"""Links to the pages staff work in, shown on a person's own pages.

Apps that have staff pages register a link with the check that decides who sees
it (certificates: "Issue and manage certificates" for those who may issue), so
the pages that show the links need not know those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class StaffLink:
    label: str
    url_name: str
    allowed: Callable[..., bool]


_links: dict[str, StaffLink] = {}


def register_staff_link(*, label: str, url_name: str, allowed: Callable) -> None:
    """Show a link to ``url_name`` to the people for whom ``allowed(user)`` is true."""
    _links[url_name] = StaffLink(label=label, url_name=url_name, allowed=allowed)


def staff_links(user) -> list[tuple[str, str]]:
    """``(label, url)`` of the staff pages ``user`` may open."""
    return [
        (str(link.label), reverse(link.url_name))
        for link in _links.values()
        if link.allowed(user)
    ]

"""Actions other apps offer on a household's page.

The teams' pages must not know the apps built on them (certificates: "Issue
certificates" to the household's residents), so those apps register an action
here from their ``AppConfig.ready()`` with the check that decides who sees it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class HouseholdAction:
    label: str
    url_name: str
    allowed: Callable[..., bool]


_actions: dict[str, HouseholdAction] = {}


def register_household_action(*, label, url_name: str, allowed: Callable) -> None:
    """Link to ``url_name`` (taking the household's id) where ``allowed(user,
    household)`` is true."""
    _actions[url_name] = HouseholdAction(
        label=label, url_name=url_name, allowed=allowed
    )


def household_actions(user, household) -> list[tuple[str, str]]:
    """``(label, url)`` of the actions ``user`` may take on ``household``."""
    return [
        (str(action.label), reverse(action.url_name, args=[household.pk]))
        for action in _actions.values()
        if action.allowed(user, household)
    ]

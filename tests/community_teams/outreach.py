"""Households and residents for ``tests.staff.staff_world``, and visit payloads."""

import datetime
import json
import uuid

from django.urls import reverse
from django.utils import timezone

from community_teams.figures import hamlet_figures_refresh
from community_teams.models import Household, Resident

SYNC_URL = reverse("team_sync")
# The tests' task backend refreshes a change's figures in process: at most this
# many queries (a savepoint, the lock, five counts, three reads of the stored
# rows, three upserts and three deletes), whatever the change's size.
FIGURES_REFRESH_QUERIES = 17


def household(hamlet, head="Nguyễn Văn Chủ", number="12", members=()):
    """A household whose head is its first resident, then ``members`` (name, year),
    on the roster and in the hamlet's figures as a roster import leaves it."""
    home = Household.objects.create(hamlet=hamlet, head_name=head, house_number=number)
    Resident.objects.create(household=home, full_name=head, birth_year=1970)
    for name, year in members:
        Resident.objects.create(household=home, full_name=name, birth_year=year)
    hamlet_figures_refresh([hamlet.pk])
    return home


def visit_item(home, *, skills=("vneid",), consent=True, **fields) -> dict:
    """A visit to ``home`` with every resident present, as a phone sends it."""
    item = {
        "uuid": str(uuid.uuid4()),
        "household": home.pk,
        "visited_on": timezone.localdate().isoformat(),
        "note": "",
        "attendees": [
            {
                "resident": resident.pk,
                "skills": [{"skill": code, "by_themselves": False} for code in skills],
                "consent": consent,
            }
            for resident in home.residents.all()
        ],
    }
    item.update(fields)
    return item


def send(client, *, visits=(), households=()):
    return client.post(
        SYNC_URL,
        json.dumps({"visits": list(visits), "households": list(households)}),
        content_type="application/json",
    )


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def skills_ensure() -> None:
    """The skills a migration adds, again: live-server tests flush every table."""
    from community_teams.models import Skill

    for order, code in enumerate(
        ("vneid", "dich-vu-cong", "thanh-toan", "an-toan-thong-tin"), start=1
    ):
        Skill.objects.get_or_create(code=code, defaults={"name": code, "order": order})

"""Retention: visits older than the configured years keep their figures and lose
what identifies people."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from community_teams.figures import (
    figures_recount,
    figures_stored,
    hamlet_figures_refresh,
)
from community_teams.models import Resident, Visit, VisitAttendee
from community_teams.retention import retention_cutoff
from lms.models import AuditEvent
from tests.community_teams.outreach import household, send, visit_item
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    world = staff_world()
    client.force_login(world.team_member)
    world.client = client
    return world


def visited(world, home, *, years_ago: float, note="", skills=("vneid",)):
    """A visit to ``home`` sent by the team member, dated ``years_ago``."""
    item = visit_item(home, skills=skills, note=note)
    assert send(world.client, visits=[item]).status_code == 200
    visit = Visit.objects.get(uuid=item["uuid"])
    day = timezone.localdate() - datetime.timedelta(days=round(365.25 * years_ago))
    Visit.objects.filter(pk=visit.pk).update(visited_on=day)
    hamlet_figures_refresh([home.hamlet_id])
    return visit


def retention(years=5) -> str:
    out = StringIO()
    call_command("visits_retention", "--years", str(years), stdout=out)
    return out.getvalue()


def test_old_visits_keep_their_figures_and_no_longer_name_anyone(world):
    old_home = household(world.kp1, head="Lê Văn Cũ", members=[("Lê Thị Con", 2001)])
    new_home = household(world.kp1, head="Trần Văn Mới", number="14")
    visited(
        world,
        old_home,
        years_ago=7,
        note="Ông Cũ đã cài VNeID",
        skills=("vneid", "thanh-toan"),
    )
    visited(world, old_home, years_ago=6, skills=("vneid",))
    recent = visited(world, new_home, years_ago=1, note="Anh Mới cần gặp lại")
    before = figures_stored([world.kp1.pk])

    printed = retention()

    assert "2 notes emptied" not in printed  # one old note, one recent one
    assert "1 notes emptied, 2 residents no longer named in them." in printed
    old_visits = Visit.objects.filter(household=old_home)
    assert set(old_visits.values_list("note", flat=True)) == {""}
    people = VisitAttendee.objects.filter(visit__in=old_visits).select_related(
        "resident"
    )
    assert {
        (a.resident.full_name, a.resident.erased_at is not None) for a in people
    } == {("", True)}
    # One stand-in per person, shared by their visits: each still counts once.
    assert people.values("resident").distinct().count() == 2
    # The roster keeps the people as the commune knows them.
    assert set(
        old_home.residents.filter(erased_at=None).values_list("full_name", flat=True)
    ) == {
        "Lê Văn Cũ",
        "Lê Thị Con",
    }
    recent.refresh_from_db()
    assert recent.note == "Anh Mới cần gặp lại"
    assert figures_recount([world.kp1.pk]) == before
    assert figures_stored([world.kp1.pk]) == before
    assert AuditEvent.objects.filter(subject="visit retention").count() == 1


def test_a_person_visited_again_keeps_their_old_visits_until_the_last_is_old(world):
    home = household(world.kp1, head="Phạm Văn Lại")
    visited(world, home, years_ago=8, note="Lần đầu")
    visited(world, home, years_ago=2)
    head = home.residents.get()

    retention()

    assert VisitAttendee.objects.filter(resident=head).count() == 2
    assert set(Visit.objects.values_list("note", flat=True)) == {""}


def test_a_second_run_finds_nothing_more_to_do(world):
    home = household(world.kp1, head="Đỗ Văn Hai")
    visited(world, home, years_ago=6, note="Ghi chú")
    retention()
    residents = Resident.objects.count()

    assert "0 notes emptied, 0 residents" in retention()
    assert Resident.objects.count() == residents
    assert AuditEvent.objects.filter(subject="visit retention").count() == 1


def test_a_shorter_period_reaches_more_visits(world):
    home = household(world.kp1, head="Vũ Văn Ba")
    visited(world, home, years_ago=4)
    assert "0 residents" in retention(5)
    assert "1 residents" in retention(3)


@pytest.mark.parametrize("years", ["0", "-1", "1000"])
def test_an_absurd_period_is_refused_and_nothing_changes(world, years):
    home = household(world.kp1, head="Hồ Văn Sai")
    visited(world, home, years_ago=30, note="Giữ")
    with pytest.raises(CommandError, match="between 1 and 100"):
        call_command("visits_retention", "--years", years, stdout=StringIO())
    assert Visit.objects.get().note == "Giữ"


def test_the_cutoff_of_29_february_falls_on_28_february():
    assert retention_cutoff(5, datetime.date(2028, 2, 29)) == datetime.date(2023, 2, 28)
    assert retention_cutoff(5, datetime.date(2026, 12, 1)) == datetime.date(2021, 12, 1)

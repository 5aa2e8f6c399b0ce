"""The summary tables of the teams' reach stay equal to a count of the raw rows.

After every kind of write that moves them — visits from a phone, the visit form,
a paper checklist, resends, corrections, households added, changed, merged,
imported, residents erased, a hamlet moved to another commune — the stored rows
equal :func:`community_teams.figures.figures_recount`, and that recount equals a
count made here in plain Python from the raw rows.
"""

import datetime
import io
import json
import random
import uuid
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_enqueued
from django_tasks_db.models import DBTaskResult

from community_teams import imports, services
from community_teams.figures import (
    FiguresRows,
    figures_kept,
    figures_recount,
    figures_stored,
    hamlet_figures_refresh,
    hamlets_changed,
)
from community_teams.models import (
    Guidance,
    HamletFigures,
    HamletMonthFigures,
    HamletSkillFigures,
    Household,
    Resident,
    RosterImport,
    Skill,
    Team,
    Visit,
)
from community_teams.selectors import hamlet_summary_count, reach_figures
from lms.models import Hamlet
from lms.models.users import Role
from lms.services import role_grant
from tests.community_teams.outreach import (
    FIGURES_REFRESH_QUERIES,
    SYNC_URL,
    days_ago,
    household,
    send,
    visit_item,
)
from tests.community_teams.rosters import roster_xlsx
from tests.factories import CommuneFactory
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


def month_of(day: str | datetime.date) -> datetime.date:
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return day.replace(day=1)


def counted_here(hamlet_ids) -> FiguresRows:
    """The figures counted in Python, row by row: what the grouped queries must find."""
    rows = FiguresRows()
    for hamlet in Hamlet.objects.filter(pk__in=hamlet_ids).select_related("commune"):
        place = {
            "commune_id": hamlet.commune_id,
            "province_id": hamlet.commune.province_id,
        }
        homes = list(Household.objects.filter(hamlet=hamlet))
        if not homes:
            continue
        people = list(Resident.objects.filter(household__hamlet=hamlet))
        visits = list(Visit.objects.filter(household__hamlet=hamlet))
        guidance = list(
            Guidance.objects.filter(
                attendee__visit__household__hamlet=hamlet
            ).select_related("attendee__visit")
        )
        first_visit, first_guided = {}, {}
        for visit in visits:
            day = first_visit.get(visit.household_id, visit.visited_on)
            first_visit[visit.household_id] = min(day, visit.visited_on)
        skills = defaultdict(lambda: (set(), set(), set()))
        for row in guidance:
            person, day = row.attendee.resident_id, row.attendee.visit.visited_on
            first_guided[person] = min(first_guided.get(person, day), day)
            guided, themselves, reached = skills[row.skill_id]
            guided.add(person)
            if row.by_themselves:
                themselves.add(person)
            reached.add(row.attendee.visit.household_id)
        rows.hamlets[hamlet.pk] = {
            **place,
            "households": len(homes),
            "households_reached": len(first_visit),
            "residents": sum(1 for person in people if person.erased_at is None),
            "residents_guided": len(first_guided),
            "visits": len(visits),
        }
        for skill_id, (guided, themselves, reached) in skills.items():
            rows.skills[(hamlet.pk, skill_id)] = {
                **place,
                "residents_guided": len(guided),
                "residents_self_capable": len(themselves),
                "households_reached": len(reached),
            }
        months = defaultdict(lambda: [0, 0, 0])
        for visit in visits:
            months[month_of(visit.visited_on)][0] += 1
        for day in first_visit.values():
            months[month_of(day)][1] += 1
        for day in first_guided.values():
            months[month_of(day)][2] += 1
        for month, (count, homes_first, people_first) in months.items():
            rows.months[(hamlet.pk, month)] = {
                **place,
                "visits": count,
                "households_first_reached": homes_first,
                "residents_guided_first": people_first,
            }
    return rows


def assert_fresh(*hamlets):
    ids = [hamlet.pk for hamlet in hamlets]
    stored = figures_stored(ids)
    assert stored == figures_recount(ids)
    assert stored == counted_here(ids)


@pytest.fixture
def world():
    world = staff_world()
    world.home = household(world.kp1, members=[("Nguyễn Thị Con", 1990)])
    world.other = household(world.kp1, head="Trần Văn Hai", number="14")
    # The member also works in the Sài Gòn team (it serves every hamlet there).
    role_grant(
        user=world.team_member, role=Role.TEAM_MEMBER, team=world.team_sg, by=None
    )
    world.sg_home = household(world.kp_sg, head="Lê Thị Năm", number="5")
    return world


@pytest.fixture
def member(client, world):
    client.force_login(world.team_member)
    return client


@pytest.fixture
def refreshes():
    """The figures' refreshes queued, each as the list of hamlet ids it names."""
    queued = []

    def receiver(sender, task_result, **kwargs):
        if task_result.task.name == "hamlet_figures_refresh_run":
            queued.append(task_result.args[0])

    task_enqueued.connect(receiver)
    yield queued
    task_enqueued.disconnect(receiver)


def figures(hamlet) -> HamletFigures:
    return HamletFigures.objects.get(hamlet=hamlet)


# Visits -----------------------------------------------------------------------------


def test_a_visit_from_the_phone_is_in_its_hamlet_s_figures_at_once(member, world):
    item = visit_item(world.home, skills=("vneid", "thanh-toan"))
    item["attendees"][0]["skills"][1]["by_themselves"] = True

    assert send(member, visits=[item]).json()["visits"][0]["status"] == 201

    row = figures(world.kp1)
    assert (row.commune_id, row.province_id) == (world.ben_thanh.pk, world.hcm.pk)
    assert (
        row.households,
        row.households_reached,
        row.residents,
        row.residents_guided,
        row.visits,
    ) == (2, 1, 3, 2, 1)
    skills = {
        s.skill.code: (
            s.residents_guided,
            s.residents_self_capable,
            s.households_reached,
        )
        for s in HamletSkillFigures.objects.filter(hamlet=world.kp1).select_related(
            "skill"
        )
    }
    assert skills == {"vneid": (2, 0, 1), "thanh-toan": (2, 1, 1)}
    month = HamletMonthFigures.objects.get(hamlet=world.kp1)
    assert month.month == timezone.localdate().replace(day=1)
    assert (
        month.visits,
        month.households_first_reached,
        month.residents_guided_first,
    ) == (1, 1, 2)
    assert_fresh(world.kp1, world.kp_sg)


def test_a_batch_to_two_hamlets_queues_one_refresh_of_both(member, world, refreshes):
    items = [
        visit_item(world.home),
        visit_item(world.other),
        visit_item(world.sg_home),
        visit_item(world.home, visited_on="2999-01-01"),
    ]

    answers = send(member, visits=items).json()["visits"]

    assert [answer["status"] for answer in answers] == [201, 201, 201, 400]
    assert refreshes == [sorted([world.kp1.pk, world.kp_sg.pk])]
    assert figures(world.kp1).visits == 2 and figures(world.kp_sg).visits == 1
    assert_fresh(world.kp1, world.kp_sg)


DATABASE_TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.backend.DatabaseBackend",
        "QUEUES": ["default", "certificates", "community_teams"],
    }
}
REFRESH_TASK = "community_teams.tasks.hamlet_figures_refresh_run"


def test_with_the_database_backend_a_batch_stores_one_task_for_the_worker(
    member, world, settings
):
    settings.TASKS = DATABASE_TASKS
    items = [visit_item(world.home), visit_item(world.other), visit_item(world.sg_home)]

    send(member, visits=items)

    (task,) = DBTaskResult.objects.filter(task_path=REFRESH_TASK)
    assert task.queue_name == "community_teams"
    assert task.args_kwargs["args"] == [sorted([world.kp1.pk, world.kp_sg.pk])]
    assert figures(world.kp1).visits == 0
    # What the worker then runs.
    hamlet_figures_refresh(*task.args_kwargs["args"])
    assert figures(world.kp1).visits == 2
    assert_fresh(world.kp1, world.kp_sg)


def test_a_change_rolled_back_queues_no_refresh(world, settings):
    settings.TASKS = DATABASE_TASKS

    with pytest.raises(RuntimeError), figures_kept():
        with figures_kept():
            hamlets_changed(world.kp1.pk)
        raise RuntimeError

    assert not DBTaskResult.objects.filter(task_path=REFRESH_TASK).exists()


def test_an_identical_resend_queues_nothing_and_counts_once(member, world, refreshes):
    item = visit_item(world.home)
    send(member, visits=[item])

    again = send(member, visits=[item]).json()["visits"]
    changed = send(member, visits=[{**item, "note": "khác"}]).json()["visits"]

    assert (again[0]["status"], changed[0]["status"]) == (201, 409)
    assert len(refreshes) == 1
    assert figures(world.kp1).visits == 1
    assert_fresh(world.kp1)


def test_a_correction_replaces_what_was_counted(member, world):
    item = visit_item(world.home, skills=("vneid", "thanh-toan"))
    send(member, visits=[item])
    visit = Visit.objects.get(uuid=item["uuid"])
    services.visit_review(
        by=world.team_leader, visit=visit, approve=False, comment="Sai ngày"
    )
    # Only the head was there, on another day, guided on VNeID alone.
    corrected = visit_item(
        world.home, uuid=item["uuid"], visited_on=days_ago(45), skills=("vneid",)
    )
    corrected["attendees"] = corrected["attendees"][:1]

    assert send(member, visits=[corrected]).json()["visits"][0]["status"] == 201

    assert figures(world.kp1).residents_guided == 1
    assert list(
        HamletSkillFigures.objects.filter(hamlet=world.kp1).values_list(
            "skill__code", flat=True
        )
    ) == ["vneid"]
    assert list(
        HamletMonthFigures.objects.filter(hamlet=world.kp1).values_list(
            "month", flat=True
        )
    ) == [month_of(days_ago(45))]
    assert_fresh(world.kp1)


def test_a_correction_that_names_another_household_moves_the_visit(member, world):
    item = visit_item(world.home)
    item["attendees"] = item["attendees"][:1]
    send(member, visits=[item])
    visit = Visit.objects.get(uuid=item["uuid"])
    services.visit_review(
        by=world.team_leader, visit=visit, approve=False, comment="Nhầm hộ"
    )

    corrected = visit_item(world.sg_home, uuid=item["uuid"])
    assert send(member, visits=[corrected]).json()["visits"][0]["status"] == 201

    visit.refresh_from_db()
    assert (visit.household, visit.team) == (world.sg_home, world.team_sg)
    assert figures(world.kp1).visits == 0 and figures(world.kp_sg).visits == 1
    assert_fresh(world.kp1, world.kp_sg)


def test_reviewing_a_visit_moves_no_figure(member, world, refreshes):
    first, second = visit_item(world.home), visit_item(world.other)
    send(member, visits=[first, second])
    refreshes.clear()

    for item, approve in ((first, True), (second, False)):
        services.visit_review(
            by=world.team_leader,
            visit=Visit.objects.get(uuid=item["uuid"]),
            approve=approve,
            comment="" if approve else "Thiếu người",
        )

    assert refreshes == []
    # Every visit received counts, as on the hamlet page, whatever its review.
    assert figures(world.kp1).visits == 2
    assert figures(world.kp1).visits == hamlet_summary_count(world.kp1).visits
    assert_fresh(world.kp1)


def test_the_visit_form_and_the_one_visit_address_keep_the_figures(member, world):
    head, child = world.home.residents.all()
    page = member.post(
        reverse("team_visit_new", args=[world.home.pk]),
        {
            "uuid": str(uuid.uuid4()),
            "visited_on": days_ago(0),
            f"present_{head.pk}": "on",
            f"skills_{head.pk}": ["vneid"],
            f"consent_{head.pk}": "yes",
        },
    )
    item = visit_item(world.other)
    put = member.put(
        reverse("team_visit_put", args=[item["uuid"]]),
        json.dumps(item),
        content_type="application/json",
    )

    assert (page.status_code, put.status_code) == (302, 201)
    assert figures(world.kp1).households_reached == 2
    assert_fresh(world.kp1)


def test_ticks_from_a_paper_checklist_are_counted(member, world):
    url = reverse("team_paper_entry", args=[world.kp1.pk])
    page = member.get(url)
    data = {"visited_on": page.context["today"]}
    ticks = []
    for _number, home, visit_uuid in page.context["rows"]:
        data[f"uuid_{home.pk}"] = str(visit_uuid)
        ticks.extend(f"{person.pk}:vneid" for person in home.residents.all())
    data["tick"] = ticks
    data["agreed"] = [tick.split(":")[0] for tick in ticks]

    assert member.post(url, data).status_code == 302

    assert (figures(world.kp1).visits, figures(world.kp1).residents_guided) == (2, 3)
    assert_fresh(world.kp1)


# Households and residents ------------------------------------------------------------


def new_household_item(hamlet, **fields):
    return {
        "uuid": str(uuid.uuid4()),
        "hamlet": hamlet.pk,
        "head_name": "Trần Văn Mới",
        "house_number": "7A",
        "residents": [
            {"uuid": str(uuid.uuid4()), "full_name": "Trần Văn Mới"},
            {"uuid": str(uuid.uuid4()), "full_name": "Phạm Thị Vợ"},
        ],
        **fields,
    }


def test_a_household_added_on_the_phone_and_sent_again_counts_once(member, world):
    item = new_household_item(world.kp1)

    send(member, households=[item])
    send(member, households=[item])

    assert (figures(world.kp1).households, figures(world.kp1).residents) == (3, 5)
    assert_fresh(world.kp1)


def test_changing_a_household_moves_no_figure_and_queues_nothing(
    member, world, refreshes
):
    before = figures_stored([world.kp1.pk])
    answer = member.post(
        SYNC_URL,
        json.dumps(
            {
                "household_changes": [
                    {
                        "uuid": str(uuid.uuid4()),
                        "household": world.home.pk,
                        "base_version": 1,
                        "house_number": "12B",
                    }
                ]
            }
        ),
        content_type="application/json",
    ).json()["household_changes"][0]
    services.household_update(
        by=world.commune_official,
        household=world.other,
        head_name="Trần Văn Hai",
        house_number="16",
        phone="",
    )

    assert answer["status"] == 201
    assert refreshes == []
    assert figures_stored([world.kp1.pk]) == before
    assert_fresh(world.kp1)


def test_merging_two_households_counts_one_with_every_visit(member, world):
    twin = household(world.kp1, members=[("Nguyễn Văn Út", 1995)])
    send(member, visits=[visit_item(world.home), visit_item(twin)])

    services.household_merge(by=world.team_leader, keep=world.home, other=twin)

    row = figures(world.kp1)
    assert (row.households, row.households_reached, row.visits) == (2, 1, 2)
    assert row.residents == 5
    assert_fresh(world.kp1)


def test_erasing_a_resident_leaves_the_guided_but_not_the_residents(member, world):
    send(member, visits=[visit_item(world.home)])
    head = world.home.residents.first()

    services.resident_erase(by=world.team_leader, resident=head)

    row = figures(world.kp1)
    assert (row.residents, row.residents_guided) == (2, 2)
    assert_fresh(world.kp1)


def test_a_roster_import_is_counted_when_saved(world):
    roster_import = imports.roster_import_create(
        by=world.commune_official,
        hamlet=world.kp1,
        name="danh-sach.xlsx",
        data=roster_xlsx(),
    )
    roster_import.refresh_from_db()
    assert figures(world.kp1).households == 2

    imports.roster_import_accept(by=world.commune_official, roster_import=roster_import)

    assert RosterImport.objects.get().status == RosterImport.Status.DONE
    assert (figures(world.kp1).households, figures(world.kp1).residents) == (5, 9)
    assert_fresh(world.kp1)


def test_a_hamlet_moved_to_another_province_takes_its_figures_along(world):
    elsewhere = CommuneFactory(code="00007", province=world.hanoi, name="Hoàn Kiếm")

    world.kp1.commune = elsewhere
    world.kp1.save()

    row = figures(world.kp1)
    assert (row.commune_id, row.province_id) == (elsewhere.pk, world.hanoi.pk)
    assert_fresh(world.kp1)


def test_rows_with_nothing_left_to_count_are_deleted(member, world):
    # No consent given: the ledger keeps what was said, and its visit.
    send(member, visits=[visit_item(world.sg_home, consent=False)])
    # Removed around the services, then counted again.
    Guidance.objects.filter(attendee__visit__household=world.sg_home).delete()
    Visit.objects.filter(household=world.sg_home).delete()
    Resident.objects.filter(household=world.sg_home).delete()
    Household.objects.filter(pk=world.sg_home.pk).delete()

    hamlet_figures_refresh([world.kp_sg.pk, 999_999_999])

    for model in (HamletFigures, HamletSkillFigures, HamletMonthFigures):
        assert not model.objects.filter(hamlet=world.kp_sg).exists()
    assert figures(world.kp1).households == 2


# Whatever the order -----------------------------------------------------------------


def _random_step(rng, world, state):
    """One write a team or a commune makes, chosen by ``rng``."""
    homes = list(
        Household.objects.filter(hamlet__in=[world.kp1, world.kp_sg]).order_by("pk")
    )
    kind = rng.choice(
        ["visit", "visit", "visit", "resend", "correct", "add", "erase", "merge"]
    )
    if kind in ("visit", "resend", "correct") and (kind == "visit" or state):
        if kind == "visit":
            home = rng.choice(homes)
            present = [
                person for person in home.residents.all() if person.erased_at is None
            ]
            if not present:
                return
            item = visit_item(
                home,
                skills=rng.sample(["vneid", "thanh-toan", "dich-vu-cong"], 2),
                visited_on=days_ago(rng.randint(0, 200)),
            )
            item["attendees"] = [
                {**attendee, "guardian": "Người giám hộ"}
                for attendee in item["attendees"]
                if attendee["resident"] in {p.pk for p in present}
            ][: rng.randint(1, 3)]
            item["attendees"][0]["skills"][0]["by_themselves"] = rng.random() < 0.5
            state.append(item)
        else:
            item = rng.choice(state)
        if kind == "correct":
            visit = Visit.objects.filter(uuid=item["uuid"]).first()
            if visit is None:
                return
            services.visit_review(
                by=world.superuser, visit=visit, approve=False, comment="Sửa lại"
            )
            item["visited_on"] = days_ago(rng.randint(0, 200))
            item["attendees"] = item["attendees"][:1]
        services.sync_batch(member=world.team_member, payload={"visits": [item]})
    elif kind == "add":
        hamlet = rng.choice([world.kp1, world.kp_sg])
        services.sync_batch(
            member=world.team_member,
            payload={"households": [new_household_item(hamlet)]},
        )
    elif kind == "erase":
        person = (
            Resident.objects.filter(household__in=homes, erased_at=None)
            .order_by("pk")
            .first()
        )
        if person is not None:
            services.resident_erase(by=world.superuser, resident=person)
    elif kind == "merge":
        same = [home for home in homes if home.hamlet_id == homes[-1].hamlet_id]
        if len(same) > 2:
            services.household_merge(by=world.superuser, keep=same[0], other=same[-1])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_figures_stay_right_whatever_the_writes_and_their_order(world, seed):
    rng = random.Random(seed)
    state = []
    for _step in range(25):
        _random_step(rng, world, state)
        assert figures_stored([world.kp1.pk, world.kp_sg.pk]) == figures_recount(
            [world.kp1.pk, world.kp_sg.pk]
        )
    assert_fresh(world.kp1, world.kp_sg)


# Reading them -----------------------------------------------------------------------


def test_the_figures_agree_with_the_hamlet_page(member, world):
    item = visit_item(world.home, skills=("vneid", "an-toan-thong-tin"))
    item["attendees"][1]["skills"][0]["by_themselves"] = True
    send(member, visits=[item, visit_item(world.other, visited_on=days_ago(40))])

    page = hamlet_summary_count(world.kp1)
    (reach,) = reach_figures(hamlet_ids=[world.kp1.pk]).values()

    assert (reach.households, reach.households_reached, reach.visits) == (
        page.households,
        page.reached,
        page.visits,
    )
    assert [
        (s.code, s.residents_guided, s.residents_self_capable) for s in reach.skills
    ] == [(s.skill.code, s.guided, s.by_themselves) for s in page.skills]


def test_reach_sums_by_commune_and_province_with_every_month_of_the_year(member, world):
    last_month = days_ago(35)
    send(
        member,
        visits=[
            visit_item(world.home),
            visit_item(world.home, visited_on=last_month),
            visit_item(world.sg_home),
        ],
    )
    year = timezone.localdate().year

    by_commune = reach_figures(province_ids=[world.hcm.pk], group_by="commune")
    (province,) = reach_figures(
        province_ids=[world.hcm.pk], group_by="province"
    ).values()

    assert sorted(by_commune) == [world.ben_thanh.pk, world.sai_gon.pk]
    ben_thanh = by_commune[world.ben_thanh.pk]
    assert (ben_thanh.households, ben_thanh.households_reached, ben_thanh.visits) == (
        2,
        1,
        2,
    )
    assert ben_thanh.households_reached_percent == 50
    assert (province.key, province.households, province.visits) == (world.hcm.pk, 3, 3)
    assert [month.month for month in province.months] == [
        datetime.date(year, number, 1) for number in range(1, 13)
    ]
    # The home was first reached last month, the other this month.
    sent = [days_ago(0), last_month, days_ago(0)]
    assert {m.month: m.visits for m in province.months if m.visits} == Counter(
        month_of(day) for day in sent if month_of(day).year == year
    )
    assert {
        m.month: m.households_first_reached
        for m in province.months
        if m.households_first_reached
    } == Counter(
        month_of(day) for day in (last_month, days_ago(0)) if month_of(day).year == year
    )
    vneid = next(skill for skill in province.skills if skill.code == "vneid")
    assert (vneid.residents_guided, vneid.households_reached) == (3, 2)
    assert [skill.code for skill in province.skills] == list(
        Skill.objects.filter(active=True).values_list("code", flat=True)
    )


def test_reach_narrows_to_every_place_given(world):
    assert reach_figures(hamlet_ids=[]) == {}
    assert reach_figures(commune_ids=[world.ba_dinh.pk]) == {}
    both = reach_figures(
        commune_ids=[world.ben_thanh.pk, world.sai_gon.pk],
        hamlet_ids=[world.kp1.pk],
        group_by="commune",
    )
    assert list(both) == [world.ben_thanh.pk]
    assert sorted(reach_figures()) == sorted([world.kp1.pk, world.kp_sg.pk])
    with pytest.raises(ValueError):
        reach_figures(group_by="district")


def _more_places(world, number: int) -> None:
    """Another commune of the province with a hamlet, a household and a visit."""
    commune = CommuneFactory(
        code=f"9{number:04d}", province=world.hcm, name=f"Phường {number}"
    )
    hamlet = Hamlet.objects.create(
        commune=commune, name=f"Khu phố {number}", kind=Hamlet.Kind.KHU_PHO
    )
    home = household(hamlet, head=f"Hộ {number}")
    team = Team.objects.create(name=f"Tổ {number}", commune=commune, hamlet=hamlet)
    role_grant(user=world.team_member, role=Role.TEAM_MEMBER, team=team, by=None)
    services.sync_batch(
        member=world.team_member, payload={"visits": [visit_item(home)]}
    )


def test_reach_costs_four_queries_however_many_places(world):
    with CaptureQueriesContext(connection) as few:
        reach_figures(province_ids=[world.hcm.pk], group_by="commune")
    for number in range(6):
        _more_places(world, number)

    with CaptureQueriesContext(connection) as many:
        reach = reach_figures(province_ids=[world.hcm.pk], group_by="commune")

    assert len(reach) == 8
    assert len(few) == len(many) == 4


def test_one_refresh_costs_the_same_queries_for_one_hamlet_or_many(world):
    for number in range(6):
        _more_places(world, number)
    hamlets = list(Hamlet.objects.values_list("pk", flat=True))
    HamletFigures.objects.all().delete()

    with CaptureQueriesContext(connection) as one:
        hamlet_figures_refresh(hamlets[:1])
    with CaptureQueriesContext(connection) as every:
        hamlet_figures_refresh(hamlets)

    assert len(every) <= FIGURES_REFRESH_QUERIES
    assert len(one) <= len(every)
    assert figures_stored(hamlets) == counted_here(hamlets)


# Rebuilding -------------------------------------------------------------------------


def test_the_rebuild_command_recounts_every_hamlet_and_says_how_far_it_is(
    member, world
):
    send(member, visits=[visit_item(world.home), visit_item(world.sg_home)])
    HamletFigures.objects.filter(hamlet=world.kp1).update(visits=99, households=0)
    HamletSkillFigures.objects.filter(hamlet=world.kp_sg).delete()
    HamletMonthFigures.objects.create(
        hamlet=world.thon_bd,
        commune=world.ba_dinh,
        province=world.hanoi,
        month=datetime.date(2020, 1, 1),
        visits=5,
    )
    out = io.StringIO()

    call_command("teams_figures_rebuild", stdout=out)

    assert "Hamlets counted: 3/3" in out.getvalue()
    assert "Figures rebuilt for 3 hamlets." in out.getvalue()
    assert not HamletMonthFigures.objects.filter(hamlet=world.thon_bd).exists()
    assert_fresh(world.kp1, world.kp_sg, world.thon_bd)

"""The sync API: what a member's phone sends when the signal returns."""

import json
import uuid

import pytest
from django.urls import reverse

from community_teams.models import Consent, Guidance, Household, Visit
from community_teams.services import visit_review
from tests.community_teams.outreach import (
    FIGURES_REFRESH_QUERIES,
    SYNC_URL,
    days_ago,
    household,
    send,
    visit_item,
)
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = staff_world()
    world.home = household(world.kp1, members=[("Nguyễn Thị Con", 2012)])
    return world


@pytest.fixture
def member(client, world):
    client.force_login(world.team_member)
    return client


def test_a_visit_is_stored_with_who_was_there_and_what_they_learnt(member, world):
    item = visit_item(world.home, skills=("vneid", "thanh-toan"))
    item["attendees"] = item["attendees"][:1]
    item["attendees"][0]["skills"][1]["by_themselves"] = True

    response = send(member, visits=[item])

    assert response.status_code == 200
    (answer,) = response.json()["visits"]
    assert answer["status"] == 201
    visit = Visit.objects.get(uuid=item["uuid"])
    assert visit.member == world.team_member
    assert visit.team == world.team_bt
    assert sorted(
        Guidance.objects.filter(attendee__visit=visit).values_list(
            "skill__code", "by_themselves"
        )
    ) == [("thanh-toan", True), ("vneid", False)]
    consent = Consent.objects.get(resident__household=world.home)
    assert consent.action == Consent.Action.GIVEN
    assert consent.recorded_by == world.team_member
    assert consent.policy_version


def test_an_identical_resend_is_accepted_once_with_the_same_answer(member, world):
    item = visit_item(world.home)
    item["attendees"][1]["guardian"] = "Nguyễn Văn Chủ"

    first = send(member, visits=[item]).json()
    # The phone may send the keys in another order and the people reversed.
    again = dict(reversed(item.items()))
    again["attendees"] = list(reversed(item["attendees"]))
    second = send(member, visits=[again]).json()

    assert first == second
    assert first["visits"][0]["status"] == 201
    assert Visit.objects.filter(uuid=item["uuid"]).count() == 1
    assert Consent.objects.filter(resident__household=world.home).count() == 2


def test_the_same_identifier_with_other_content_is_a_conflict(member, world):
    item = visit_item(world.home, skills=("vneid",))
    item["attendees"] = item["attendees"][:1]
    send(member, visits=[item])

    changed = {**item, "note": "Thêm ghi chú"}
    (answer,) = send(member, visits=[changed]).json()["visits"]

    assert answer["status"] == 409
    assert "already received with other content" in answer["error"]
    assert Visit.objects.get(uuid=item["uuid"]).note == ""


def test_a_visit_sent_back_for_correction_is_replaced_by_the_correction(member, world):
    item = visit_item(world.home)
    item["attendees"] = item["attendees"][:1]
    send(member, visits=[item])
    visit = Visit.objects.get(uuid=item["uuid"])
    visit_review(by=world.team_leader, visit=visit, approve=False, comment="Sai ngày")

    corrected = {**item, "visited_on": days_ago(1)}
    (answer,) = send(member, visits=[corrected]).json()["visits"]

    visit.refresh_from_db()
    assert answer["status"] == 201
    assert visit.visited_on.isoformat() == days_ago(1)
    assert visit.status == Visit.Status.RECEIVED


def test_two_members_logging_the_same_household_the_same_day_both_keep_theirs(
    client, world
):
    item_leader = visit_item(world.home)
    item_member = visit_item(world.home)
    for person, item in (
        (world.team_leader, item_leader),
        (world.team_member, item_member),
    ):
        item["attendees"] = item["attendees"][:1]
        client.force_login(person)
        assert send(client, visits=[item]).json()["visits"][0]["status"] == 201

    assert Visit.objects.filter(household=world.home).count() == 2


def test_a_batch_is_accepted_or_refused_visit_by_visit(member, world):
    good = visit_item(world.home)
    good["attendees"] = good["attendees"][:1]
    bad = visit_item(world.home, visited_on="2999-01-01")
    bad["attendees"][0]["consent"] = None
    bad["attendees"][1]["skills"] = [{"skill": "bay-may-bay"}]

    answers = send(member, visits=[bad, good]).json()["visits"]

    assert [answer["status"] for answer in answers] == [400, 201]
    errors = answers[0]["errors"]
    assert errors["visited_on"] == ["The visit date cannot be in the future."]
    assert "whether they agree" in errors["attendees[0].consent"][0]
    assert "bay-may-bay" in errors["attendees[1].skills"][0]
    assert Visit.objects.filter(uuid=good["uuid"]).exists()
    assert not Visit.objects.filter(uuid=bad["uuid"]).exists()


def test_a_minor_needs_a_guardian_to_consent(member, world):
    item = visit_item(world.home)

    (answer,) = send(member, visits=[item]).json()["visits"]

    assert answer["status"] == 400
    assert list(answer["errors"]) == ["attendees[1].guardian"]


def test_consent_is_never_assumed_and_refusing_later_withdraws_it(member, world):
    first = visit_item(world.home)
    first["attendees"] = first["attendees"][:1]
    send(member, visits=[first])
    later = visit_item(world.home, consent=False)
    later["attendees"] = later["attendees"][:1]
    send(member, visits=[later])

    assert list(
        Consent.objects.filter(resident__household=world.home)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    ) == [Consent.Action.GIVEN, Consent.Action.WITHDRAWN]


def test_a_household_added_offline_and_visited_in_the_same_batch(member, world):
    home_uuid, person_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    new_home = {
        "uuid": home_uuid,
        "hamlet": world.kp1.pk,
        "head_name": "Trần Văn Mới",
        "house_number": "7A",
        "phone": "0912 345 678",
        "residents": [
            {"uuid": person_uuid, "full_name": "Trần Văn Mới", "birth_year": 1980}
        ],
    }
    visit = {
        "uuid": str(uuid.uuid4()),
        "household": home_uuid,
        "visited_on": days_ago(0),
        "attendees": [
            {"resident": person_uuid, "skills": [{"skill": "vneid"}], "consent": True}
        ],
    }

    answers = send(member, households=[new_home], visits=[visit]).json()
    again = send(member, households=[new_home], visits=[visit]).json()

    assert answers == again
    assert answers["households"][0]["status"] == 201
    assert answers["visits"][0]["status"] == 201
    home = Household.objects.get(client_uuid=home_uuid)
    assert home.phone == "+84912345678"
    assert home.search_key == "tran van moi 7a"
    assert Visit.objects.get(uuid=visit["uuid"]).household == home


def _new_household(world) -> dict:
    return {
        "uuid": str(uuid.uuid4()),
        "hamlet": world.kp1.pk,
        "head_name": "Trần Văn Mới",
        "house_number": "7A",
        "phone": "0912 345 678",
        "residents": [
            {
                "uuid": str(uuid.uuid4()),
                "full_name": "Trần Văn Mới",
                "birth_year": 1980,
            },
            {"uuid": str(uuid.uuid4()), "full_name": "Lê Thị Vợ", "sex": "female"},
        ],
    }


def test_a_household_sent_again_unchanged_gets_the_first_answer(member, world):
    item = _new_household(world)
    first = send(member, households=[item]).json()["households"]
    # The phone may send the residents in another order, the number as typed.
    again = {
        **item,
        "phone": "+84912345678",
        "residents": list(reversed(item["residents"])),
    }
    url = reverse("team_household_put", args=[item["uuid"]])

    second = send(member, households=[again]).json()["households"]
    alone = member.put(url, json.dumps(again), content_type="application/json")

    assert first == second and first[0]["status"] == 201
    assert (
        alone.status_code == 201 and alone.json()["household"] == first[0]["household"]
    )
    home = Household.objects.get(client_uuid=item["uuid"])
    assert home.residents.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"house_number": "9"},
        {"phone": "0987 654 321"},
        {"head_name": "Trần Văn Khác"},
        {"residents": "one renamed"},
        {"residents": "one more"},
    ],
)
def test_a_household_sent_again_with_other_content_is_a_conflict(member, world, change):
    item = _new_household(world)
    (first,) = send(member, households=[item]).json()["households"]
    if change.get("residents") == "one renamed":
        residents = [dict(r) for r in item["residents"]]
        residents[1]["full_name"] = "Lê Thị Khác"
        change = {"residents": residents}
    elif change.get("residents") == "one more":
        extra = {"uuid": str(uuid.uuid4()), "full_name": "Trần Văn Con"}
        change = {"residents": [*item["residents"], extra]}
    url = reverse("team_household_put", args=[item["uuid"]])

    (answer,) = send(member, households=[{**item, **change}]).json()["households"]
    alone = member.put(
        url, json.dumps({**item, **change}), content_type="application/json"
    )

    assert answer["status"] == 409
    assert "already received with other content" in answer["error"]
    assert alone.status_code == 409 and alone.json()["ok"] is False
    home = Household.objects.get(client_uuid=item["uuid"])
    assert home.pk == first["household"]
    assert (home.head_name, home.house_number, home.phone) == (
        "Trần Văn Mới",
        "7A",
        "+84912345678",
    )
    assert sorted(home.residents.values_list("full_name", flat=True)) == [
        "Lê Thị Vợ",
        "Trần Văn Mới",
    ]
    assert Household.objects.filter(hamlet=world.kp1).count() == 2


@pytest.mark.parametrize(
    "key", ["resident", "civil_servant", "other_commune_official", "province_official"]
)
def test_people_outside_the_team_cannot_log_its_households(client, world, key):
    client.force_login(world.people[key])
    item = visit_item(world.home)
    item["attendees"] = item["attendees"][:1]

    (answer,) = send(client, visits=[item]).json()["visits"]

    assert answer["status"] == 400
    assert "household" in answer["errors"]
    assert not Visit.objects.exists()


def test_a_commune_official_sees_the_household_but_does_not_log_visits(client, world):
    client.force_login(world.commune_official)
    item = visit_item(world.home)
    item["attendees"] = item["attendees"][:1]

    # The phone asks in Vietnamese, as the site does by default.
    (answer,) = client.post(
        SYNC_URL,
        json.dumps({"visits": [item]}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    ).json()["visits"]

    assert answer["errors"]["household"] == [
        "Chỉ thành viên tổ phụ trách thôn, tổ dân phố này mới ghi lượt thăm."
    ]


def test_signed_out_phones_are_told_to_sign_in(client, world):
    response = send(client, visits=[visit_item(world.home)])

    assert response.status_code == 401
    assert "Sign in again" in response.json()["error"]


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"visits": 5}',
        b'{"visits": [1, null, "x"]}',
        b'{"visits": [{"uuid": "\\ud800", "household": 99999999999999999999999}]}',
        b'{"visits": [{"household": NaN, "note": "\\u0000"}]}',
        b'{"visits": [{"household": 1e400}]}',
        b"[" * 100000,
    ],
)
def test_malformed_input_gets_a_clear_answer_never_a_500(member, world, body):
    response = member.post(SYNC_URL, body, content_type="application/json")

    assert response.status_code in (200, 400)
    data = response.json()
    answers = data.get("visits", [])
    assert data.get("error") or all(answer["status"] == 400 for answer in answers)
    assert not Visit.objects.exists()


def test_households_that_are_not_objects_are_each_refused_never_a_500(member, world):
    response = member.post(
        SYNC_URL,
        json.dumps({"households": [1, "x", [2], {"hamlet": [3]}]}),
        content_type="application/json",
    )

    assert response.status_code == 200
    assert [a["status"] for a in response.json()["households"]] == [400] * 4
    assert Household.objects.count() == 1


def test_too_many_records_or_bytes_are_refused_whole(member, world):
    items = [visit_item(world.home) for _ in range(101)]

    assert send(member, visits=items).status_code == 400
    huge = member.post(
        SYNC_URL, b'{"visits": []}' + b" " * 1_100_000, content_type="application/json"
    )
    assert huge.status_code == 413


def test_one_visit_at_its_own_address_answers_with_its_status(member, world):
    item = visit_item(world.home)
    item["attendees"] = item["attendees"][:1]
    url = reverse("team_visit_put", args=[item["uuid"]])

    first = member.put(url, json.dumps(item), content_type="application/json")
    again = member.put(url, json.dumps(item), content_type="application/json")
    other = member.put(
        url, json.dumps({**item, "note": "khác"}), content_type="application/json"
    )

    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert first.json() == again.json()


def test_a_batch_of_twenty_costs_a_flat_number_of_queries(
    member, world, django_assert_max_num_queries
):
    homes = [household(world.kp1, head=f"Hộ {n}", number=str(n)) for n in range(20)]
    # The new visits are written together: a batch costs what one visit does,
    # and queues one refresh of the figures.
    items = [visit_item(home) for home in homes]
    with django_assert_max_num_queries(18 + FIGURES_REFRESH_QUERIES):
        answers = send(member, visits=items).json()

    assert [a["status"] for a in answers["visits"]] == [201] * 20


def test_the_phone_keeps_only_what_a_visit_needs_and_the_read_is_audited(member, world):
    from lms.models import AuditEvent

    roster = member.get(reverse("team_roster", args=[world.kp1.pk])).json()

    (home,) = roster["households"]
    assert home["head_name"] == "Nguyễn Văn Chủ"
    assert [r["minor"] for r in home["residents"]] == [False, True]
    assert set(home["residents"][0]) == {"id", "name", "birth_year", "minor"}
    assert AuditEvent.objects.get().action == AuditEvent.Action.EXPORT


def test_the_phone_s_outbox_reads_ok_and_a_message_in_words(member, world):
    item = visit_item(world.home)
    url = reverse("team_visit_put", args=[item["uuid"]])

    refused = member.post(url, json.dumps(item), content_type="application/json")

    assert refused.status_code == 400
    assert refused.json()["ok"] is False
    assert "guardian" in refused.json()["message"]

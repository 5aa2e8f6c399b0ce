"""Keeping the roster right: changes from phones, duplicates, erasure on request."""

import json
import uuid

import pytest
from django.urls import reverse

from community_teams.models import Household, HouseholdChange, Resident, Visit
from community_teams.selectors import household_list
from lms.models import AuditEvent
from tests.community_teams.outreach import SYNC_URL, household, send, visit_item
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = staff_world()
    world.home = household(world.kp1, head="Nguyễn Văn Đức", number="12")
    return world


def as_(client, person):
    client.force_login(person)
    return client


def change(home, base_version, **values):
    return {
        "uuid": str(uuid.uuid4()),
        "household": home.pk,
        "base_version": base_version,
        **values,
    }


def send_changes(client, *changes):
    response = client.post(
        SYNC_URL,
        json.dumps({"household_changes": list(changes)}),
        content_type="application/json",
    )
    return response.json()["household_changes"]


def test_a_change_made_on_the_current_version_is_applied(client, world):
    member = as_(client, world.team_member)

    (answer,) = send_changes(member, change(world.home, 1, phone="0912 345 678"))

    world.home.refresh_from_db()
    assert answer["status"] == 201
    assert (world.home.phone, world.home.version) == ("+84912345678", 2)


def test_a_change_made_on_a_stale_version_is_kept_as_a_conflict(client, world):
    member = as_(client, world.team_member)
    send_changes(member, change(world.home, 1, house_number="12A"))
    stale = change(world.home, 1, house_number="14")

    (answer,) = send_changes(member, stale)
    (again,) = send_changes(member, stale)

    world.home.refresh_from_db()
    assert answer["status"] == 202 and again == answer
    assert world.home.house_number == "12A"
    conflict = HouseholdChange.objects.get(uuid=stale["uuid"])
    assert conflict.status == HouseholdChange.Status.CONFLICT

    leader = as_(client, world.team_leader)
    page = leader.get(reverse("team_hamlet_checks", args=[world.kp1.pk]))
    assert "14" in page.content.decode()
    leader.post(
        reverse("team_hamlet_checks", args=[world.kp1.pk]),
        {"action": "take", "change": conflict.pk},
    )
    world.home.refresh_from_db()
    assert (world.home.house_number, world.home.version) == ("14", 3)
    # The phone that resends still gets the answer it got the first time.
    assert send_changes(as_(client, world.team_member), stale) == [answer]


def test_a_member_cannot_resolve_conflicts_or_merge(client, world):
    response = as_(client, world.team_member).get(
        reverse("team_hamlet_checks", args=[world.kp1.pk])
    )

    assert response.status_code == 403


@pytest.mark.parametrize(
    "key", ["resident", "other_commune_official", "province_official"]
)
def test_outsiders_do_not_reach_the_checks_or_the_erasure(client, world, key):
    client = as_(client, world.people[key])
    resident = world.home.residents.first()

    assert (
        client.get(reverse("team_hamlet_checks", args=[world.kp1.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("team_resident_erase", args=[resident.pk])).status_code
        == 404
    )
    resident.refresh_from_db()
    assert resident.full_name == "Nguyễn Văn Đức"


def test_possible_duplicates_are_flagged_and_merged_only_by_a_person(client, world):
    twin = household(world.kp1, head="Nguyen Van Duc", number="12")
    send(as_(client, world.team_member), visits=[visit_item(twin)])
    assert Household.objects.filter(hamlet=world.kp1).count() == 2

    leader = as_(client, world.team_leader)
    page = leader.get(reverse("team_hamlet_checks", args=[world.kp1.pk]))
    assert "Nguyen Van Duc" in page.content.decode()
    leader.post(
        reverse("team_hamlet_checks", args=[world.kp1.pk]),
        {"action": "merge", "group": [world.home.pk, twin.pk], "keep": world.home.pk},
    )

    assert list(Household.objects.filter(hamlet=world.kp1)) == [world.home]
    assert Visit.objects.get().household == world.home
    assert world.home.residents.count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CHANGE).exists()


def test_households_checked_as_different_are_no_longer_flagged(client, world):
    twin = household(world.kp1, head="Nguyễn Văn Đức", number="12")
    leader = as_(client, world.team_leader)

    leader.post(
        reverse("team_hamlet_checks", args=[world.kp1.pk]),
        {"action": "distinct", "group": [world.home.pk, twin.pk]},
    )

    page = leader.get(reverse("team_hamlet_checks", args=[world.kp1.pk]))
    assert "No possible duplicates." in page.content.decode()


def test_merging_needs_the_household_to_keep(client, world):
    twin = household(world.kp1, head="Nguyễn Văn Đức", number="12")

    response = as_(client, world.team_leader).post(
        reverse("team_hamlet_checks", args=[world.kp1.pk]),
        {"action": "merge", "group": [world.home.pk, twin.pk]},
        follow=True,
    )

    assert "Choose the household to keep." in response.content.decode()
    assert Household.objects.filter(hamlet=world.kp1).count() == 2


def test_erasing_a_resident_keeps_the_figures_without_the_name(client, world):
    send(as_(client, world.team_member), visits=[visit_item(world.home)])
    head = world.home.residents.get()
    official = as_(client, world.commune_official)

    official.post(reverse("team_resident_erase", args=[head.pk]))

    head.refresh_from_db()
    world.home.refresh_from_db()
    assert (head.full_name, head.birth_year, head.erased_at is not None) == (
        "",
        None,
        True,
    )
    assert world.home.head_name == ""
    hamlet_page = official.get(
        reverse("team_hamlet", args=[world.kp1.pk])
    ).content.decode()
    assert "1 of 1 households reached" in hamlet_page
    assert "Nguyễn Văn Đức" not in hamlet_page
    # An erased person is no longer counted among the hamlet's residents.
    assert "(of 0 residents)" in hamlet_page
    assert household_list(hamlet=world.kp1).get().resident_count == 0
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ERASE).count() == 1


def test_a_member_adds_a_missing_household_with_its_residents(client, world):
    member = as_(client, world.team_member)
    url = reverse("team_household_new", args=[world.kp1.pk])
    form = member.get(url).context
    data = {
        "uuid": form["household_uuid"],
        "head_name": "Lò Văn Mới",
        "house_number": "3",
        "name_0": "Lò Văn Mới",
        "uuid_0": form["rows"][0]["uuid"],
        "year_0": "1975",
        "name_1": "Lò Thị Nhỏ",
        "uuid_1": form["rows"][1]["uuid"],
        "year_1": "năm ngoái",
    }

    refused = member.post(url, data)
    data["year_1"] = "2015"
    added = member.post(url, data)
    again = member.post(url, data)

    assert refused.status_code == 200
    assert "birth year" in refused.content.decode()
    assert added.status_code == again.status_code == 302
    home = Household.objects.get(head_name="Lò Văn Mới")
    assert list(
        Resident.objects.filter(household=home).values_list("birth_year", flat=True)
    ) == [1975, 2015]


def put_change(client, item):
    return client.put(
        reverse("team_household_change_put", args=[item["uuid"]]),
        json.dumps(item),
        content_type="application/json",
    )


def test_the_phone_sends_a_correction_at_its_own_address(client, world):
    member = as_(client, world.team_member)
    roster = member.get(reverse("team_roster", args=[world.kp1.pk])).json()
    (seen,) = [home for home in roster["households"] if home["id"] == world.home.pk]
    item = change(world.home, seen["version"], head_name="Nguyễn Văn Đức Anh")

    response = put_change(member, item)
    again = put_change(member, item)

    world.home.refresh_from_db()
    assert response.status_code == 201
    assert response.json()["ok"] is True and response.json()["message"] == ""
    assert again.json() == response.json()
    assert world.home.head_name == "Nguyễn Văn Đức Anh" and world.home.version == 2
    roster = member.get(reverse("team_roster", args=[world.kp1.pk])).json()
    (seen,) = [home for home in roster["households"] if home["id"] == world.home.pk]
    assert (seen["head_name"], seen["version"]) == ("Nguyễn Văn Đức Anh", 2)


def test_a_correction_on_an_old_version_says_the_leader_decides(client, world):
    member = as_(client, world.team_member)
    put_change(member, change(world.home, 1, house_number="12A"))

    response = put_change(member, change(world.home, 1, house_number="14"))

    world.home.refresh_from_db()
    assert response.status_code == 202
    assert response.json()["ok"] is True
    assert "kept for the team leader to decide" in response.json()["message"]
    assert world.home.house_number == "12A"


def test_a_correction_resent_with_other_content_is_refused(client, world):
    member = as_(client, world.team_member)
    item = change(world.home, 1, house_number="12A")
    put_change(member, item)

    response = put_change(member, {**item, "house_number": "99"})

    world.home.refresh_from_db()
    assert response.status_code == 409
    assert response.json()["ok"] is False
    assert world.home.house_number == "12A"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"head_name": ""}, "head_name"),
        ({"phone": "12"}, "phone"),
        ({}, ""),
        ({"base_version": 0, "house_number": "5"}, "base_version"),
        ({"household": 2**63, "house_number": "5"}, "household"),
    ],
    ids=["no-head", "bad-phone", "nothing", "no-version", "absurd-id"],
)
def test_a_wrong_correction_is_refused_field_by_field_and_changes_nothing(
    client, world, values, field
):
    member = as_(client, world.team_member)
    item = {**change(world.home, 1), **values}

    response = put_change(member, item)

    world.home.refresh_from_db()
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["message"]
    assert (world.home.head_name, world.home.version) == ("Nguyễn Văn Đức", 1)


def test_a_household_of_another_team_cannot_be_corrected(client, world):
    other_hamlet_home = household(world.kp_sg, head="Trần Văn Bình", number="3")
    member = as_(client, world.team_member)

    response = put_change(member, change(other_hamlet_home, 1, house_number="4"))

    other_hamlet_home.refresh_from_db()
    assert response.status_code == 400
    assert "household" in response.json()["errors"]
    assert other_hamlet_home.house_number == "3"

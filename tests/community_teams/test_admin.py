"""The "Teams" screens: officials create and keep the teams of their communes."""

import datetime

import pytest
from django.urls import reverse

from community_teams.models import Team
from lms.models import Hamlet
from tests.staff import NO_ACCESS, staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return staff_world()


def signed_in(client, user):
    client.force_login(user)
    return client


def team_data(commune, **fields) -> dict:
    data = {
        "commune": commune.code,
        "name": "Tổ CNTS ấp mới",
        "hamlet": "",
        "decision_number": "125/QĐ-UBND",
        "decision_date": "2025-07-15",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("key", [*NO_ACCESS, "other_commune_official"])
def test_people_who_do_not_cover_ben_thanh_cannot_touch_its_teams(client, world, key):
    client = signed_in(client, world.people[key])
    edit = reverse("teams:edit", args=[world.team_bt.pk])
    delete = reverse("teams:delete", args=[world.team_bt.pk])

    listing = client.get(reverse("teams:index"))
    responses = [
        client.get(edit),
        client.post(edit, team_data(world.ben_thanh, name="Đổi tên")),
        client.get(delete),
        client.post(delete),
    ]
    added = client.post(reverse("teams:add"), team_data(world.ben_thanh))

    assert world.team_bt.name not in listing.content.decode()
    assert all(response.status_code in (302, 403, 404) for response in responses)
    # Officials elsewhere get the form back with an error; others are sent away.
    assert added.status_code in (200, 302, 403)
    world.team_bt.refresh_from_db()
    assert world.team_bt.name == "Tổ CNTS khu phố 1"
    assert not Team.objects.filter(name="Tổ CNTS ấp mới").exists()


def test_commune_official_sees_only_the_teams_of_their_commune(client, world):
    page = (
        signed_in(client, world.commune_official)
        .get(reverse("teams:index"))
        .content.decode()
    )

    assert world.team_bt.name in page
    assert world.team_sg.name not in page and world.team_bd.name not in page


def test_province_official_sees_the_teams_of_the_province(client, world):
    page = (
        signed_in(client, world.province_official)
        .get(reverse("teams:index"))
        .content.decode()
    )

    assert world.team_bt.name in page and world.team_sg.name in page
    assert world.team_bd.name not in page


def test_commune_official_creates_a_team_with_its_decision(client, world):
    response = signed_in(client, world.commune_official).post(
        reverse("teams:add"), team_data(world.ben_thanh, hamlet=world.kp1.pk)
    )

    assert response.status_code == 302
    team = Team.objects.get(name="Tổ CNTS ấp mới")
    assert team.commune == world.ben_thanh and team.hamlet == world.kp1
    assert team.decision_number == "125/QĐ-UBND"
    assert team.decision_date == datetime.date(2025, 7, 15)


def test_province_official_creates_a_team_in_any_commune_of_the_province(client, world):
    response = signed_in(client, world.province_official).post(
        reverse("teams:add"), team_data(world.sai_gon)
    )

    assert response.status_code == 302
    assert Team.objects.get(name="Tổ CNTS ấp mới").commune == world.sai_gon


def test_a_teams_hamlet_must_be_in_its_commune(client, world):
    response = signed_in(client, world.province_official).post(
        reverse("teams:add"), team_data(world.sai_gon, hamlet=world.kp1.pk)
    )

    assert response.status_code == 200
    assert "This hamlet is not in the team" in response.content.decode()
    assert not Team.objects.filter(name="Tổ CNTS ấp mới").exists()


@pytest.mark.parametrize(
    ("key", "commune", "hamlet"),
    [
        ("commune_official", "sai_gon", None),
        ("commune_official", "ben_thanh", "kp_sg"),
        ("province_official", "ba_dinh", None),
        ("province_official", "sai_gon", "thon_bd"),
    ],
)
def test_a_place_outside_ones_own_is_a_form_error(client, world, key, commune, hamlet):
    fields = {"hamlet": getattr(world, hamlet).pk} if hamlet else {}
    response = signed_in(client, world.people[key]).post(
        reverse("teams:add"), team_data(getattr(world, commune), **fields)
    )

    assert response.status_code == 200
    assert "that you cover" in response.content.decode()
    assert not Team.objects.filter(name="Tổ CNTS ấp mới").exists()


def test_the_same_team_twice_is_a_form_error_not_a_second_team(client, world):
    client = signed_in(client, world.commune_official)

    client.post(reverse("teams:add"), team_data(world.ben_thanh))
    again = client.post(reverse("teams:add"), team_data(world.ben_thanh))

    assert again.status_code == 200
    assert "already exists" in again.content.decode()
    assert Team.objects.filter(name="Tổ CNTS ấp mới").count() == 1


@pytest.mark.parametrize(
    "fields",
    [
        {"hamlet": "99999999999999999999999"},
        {"hamlet": "abc"},
        {"commune": "x" * 100},
        {"decision_date": "31/02/2025"},
        {"decision_date": "99999-01-01"},
        {"name": ""},
    ],
)
def test_bad_team_input_is_a_form_error(client, world, fields):
    data = team_data(world.ben_thanh)
    data.update(fields)

    response = signed_in(client, world.commune_official).post(
        reverse("teams:add"), data
    )

    assert response.status_code == 200
    assert "error" in response.content.decode()


def test_a_team_whose_people_hold_roles_cannot_be_deleted(client, world):
    response = signed_in(client, world.commune_official).post(
        reverse("teams:delete", args=[world.team_bt.pk])
    )

    assert response.status_code == 302
    assert Team.objects.filter(pk=world.team_bt.pk).exists()
    assert world.team_leader.roles.filter(team=world.team_bt).exists()
    followed = signed_in(client, world.commune_official).get(response["Location"])
    assert "withdraw their roles first" in followed.content.decode()


def test_a_team_without_role_holders_is_deleted(client, world):
    response = signed_in(client, world.province_official).post(
        reverse("teams:delete", args=[world.team_sg.pk])
    )

    assert response.status_code == 302
    assert not Team.objects.filter(pk=world.team_sg.pk).exists()


def test_a_team_keeps_its_hamlet_in_its_commune_wherever_it_is_saved(world):
    from django.core.exceptions import ValidationError

    team = Team(name="Tổ lạc chỗ", commune=world.sai_gon, hamlet=world.kp1)

    with pytest.raises(ValidationError, match="not in the team"):
        team.full_clean()
    assert Hamlet.objects.filter(pk=world.kp1.pk).exists()


def test_the_teams_list_queries_stay_flat_as_teams_grow(
    client, world, django_assert_max_num_queries
):
    client = signed_in(client, world.province_official)
    client.get(reverse("teams:index"))

    def queries() -> int:
        with django_assert_max_num_queries(30) as captured:
            assert client.get(reverse("teams:index")).status_code == 200
        return len(captured)

    few = queries()
    for number in range(30):
        hamlet = Hamlet.objects.create(
            commune=world.sai_gon, name=f"Ấp {number}", kind=Hamlet.Kind.AP
        )
        Team.objects.create(
            name=f"Tổ CNTS ấp {number}", commune=world.sai_gon, hamlet=hamlet
        )

    assert queries() == few


def test_a_member_is_given_the_team_role_with_their_organisation(client, world):
    official = signed_in(client, world.commune_official)

    official.post(
        reverse("roles:add"),
        {
            "person": world.candidate.pk,
            "role": "team_member",
            "team": world.team_bt.pk,
            "organisation": "youth_union",
        },
    )

    assignment = world.candidate.roles.get()
    assert (assignment.team, assignment.organisation) == (world.team_bt, "youth_union")
    listing = official.get(reverse("teams:index")).content.decode()
    assert "Đỗ Văn Trưởng" in listing

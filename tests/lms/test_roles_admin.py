"""The "Roles" screens of the Wagtail admin, tried from every role.

Province officials (and superusers) see and manage the roles of their places,
commune officials the team roles of their commune; everyone else is refused.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from lms.models import RoleAssignment, RoleChange
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import UserFactory
from tests.staff import NO_ACCESS, OUTSIDERS, staff_world

pytestmark = pytest.mark.django_db

INDEX = "roles:index"
ADD = "roles:add"
RECORD = "role_changes:index"


@pytest.fixture
def world():
    return staff_world()


def signed_in(client, user):
    client.force_login(user)
    return client


def refused(response) -> bool:
    """The admin answers a refusal with 403 or by sending the person away."""
    if response.status_code == 403:
        return True
    if response.status_code != 302:
        return False
    # To the login page or the admin's home, never on into the screen asked for.
    target = urlsplit(response["Location"]).path
    return target in (reverse("account_login"), reverse("wagtailadmin_home"))


def listed(response) -> str:
    return response.content.decode()


def grant_data(**fields) -> dict:
    data = {
        "person": "",
        "contact": "",
        "role": "",
        "province": "",
        "commune": "",
        "team": "",
    }
    data.update({key: str(value) for key, value in fields.items()})
    return data


def assignment_of(world, key: str) -> RoleAssignment:
    return RoleAssignment.objects.get(user=world.people[key])


# Who gets in


@pytest.mark.parametrize("key", NO_ACCESS)
def test_people_without_an_official_role_are_refused_every_roles_screen(
    client, world, key
):
    client = signed_in(client, world.people[key])
    withdraw = reverse("roles:delete", args=[assignment_of(world, "team_member").pk])
    before = RoleAssignment.objects.count()

    responses = [
        client.get(reverse(INDEX)),
        client.get(reverse(ADD)),
        client.post(
            reverse(ADD),
            grant_data(
                person=world.candidate.pk,
                role=Role.TEAM_MEMBER,
                team=world.team_bt.pk,
            ),
        ),
        client.get(withdraw),
        client.post(withdraw),
        client.get(reverse(RECORD)),
    ]

    assert all(refused(response) for response in responses), [
        response.status_code for response in responses
    ]
    assert RoleAssignment.objects.count() == before


@pytest.mark.parametrize("key", NO_ACCESS)
def test_the_roles_menu_is_not_shown_to_people_without_an_official_role(
    client, world, key
):
    user = world.people[key]
    if key in ("editor", "team_leader"):
        # Editors use the admin for courses, team leaders for their households;
        # the roles are not theirs.
        response = signed_in(client, user).get(reverse("wagtailadmin_home"))
        assert response.status_code == 200
        assert reverse(INDEX) not in listed(response)
    else:
        response = signed_in(client, user).get(reverse("wagtailadmin_home"))
        assert response.status_code == 302


def test_officials_reach_the_admin_through_their_role_alone(client, world):
    official = world.commune_official
    assert official.groups.filter(name="Officials").exists()
    assert not official.is_staff and not official.is_superuser

    home = signed_in(client, official).get(reverse("wagtailadmin_home"))

    assert home.status_code == 200
    page = listed(home)
    assert reverse(INDEX) in page
    assert reverse("hamlets:index") in page
    assert reverse("teams:index") in page


# Who sees what


def test_province_official_sees_every_role_of_the_province_and_nothing_else(
    client, world
):
    page = listed(signed_in(client, world.province_official).get(reverse(INDEX)))

    for key in [
        "province_official",
        "commune_official",
        "other_commune_official",
        "team_leader",
        "team_member",
    ]:
        assert world.people[key].full_name in page, key
    for key in ["other_province_official", "resident", "civil_servant", "editor"]:
        assert world.people[key].full_name not in page, key


def test_commune_official_sees_only_the_team_roles_of_their_commune(client, world):
    role_grant(user=world.far_away, role=Role.TEAM_MEMBER, team=world.team_sg, by=None)

    page = listed(signed_in(client, world.commune_official).get(reverse(INDEX)))

    assert world.team_leader.full_name in page
    assert world.team_member.full_name in page
    for key in ["province_official", "commune_official", "other_commune_official"]:
        assert world.people[key].full_name not in page, key
    assert world.far_away.full_name not in page


@pytest.mark.parametrize("key", OUTSIDERS)
def test_officials_of_other_places_do_not_see_ben_thanh_roles(client, world, key):
    page = listed(signed_in(client, world.people[key]).get(reverse(INDEX)))

    assert world.team_leader.full_name not in page
    assert world.commune_official.full_name not in page


def test_superuser_sees_every_role(client, world):
    page = listed(signed_in(client, world.superuser).get(reverse(INDEX)))

    for key in ["other_province_official", "editor", "resident", "team_member"]:
        assert world.people[key].full_name in page, key


def test_roles_list_filters_by_role_and_commune(client, world):
    client = signed_in(client, world.province_official)

    leaders = listed(client.get(reverse(INDEX), {"role": Role.TEAM_LEADER}))
    sai_gon = listed(client.get(reverse(INDEX), {"commune": world.sai_gon.code}))

    assert world.team_leader.full_name in leaders
    assert world.team_member.full_name not in leaders
    assert world.other_commune_official.full_name in sai_gon
    assert world.commune_official.full_name not in sai_gon
    assert world.team_leader.full_name not in sai_gon


def test_roles_list_commune_filter_offers_only_the_viewers_communes(client, world):
    page = listed(signed_in(client, world.commune_official).get(reverse(INDEX)))

    assert f'value="{world.ben_thanh.code}"' in page
    assert f'value="{world.sai_gon.code}"' not in page
    assert f'value="{world.ba_dinh.code}"' not in page


@pytest.mark.parametrize(
    "query", ["pham van phuong", "PHẠM", "0912340002", "0912 340 002", "+84912340002"]
)
def test_roles_list_searches_by_name_without_accents_and_by_phone(client, world, query):
    page = listed(
        signed_in(client, world.province_official).get(reverse(INDEX), {"q": query})
    )

    assert world.commune_official.full_name in page
    assert world.team_leader.full_name not in page


def test_roles_list_searches_by_email(client, world):
    role_grant(user=world.candidate, role=Role.TEAM_MEMBER, team=world.team_bt, by=None)

    page = listed(
        signed_in(client, world.commune_official).get(
            reverse(INDEX), {"q": "tuyet@example"}
        )
    )

    assert world.candidate.full_name in page
    assert world.team_member.full_name not in page


@pytest.mark.parametrize(
    "params",
    [
        {"p": "99999999999999999999999"},
        {"p": "abc"},
        {"commune": "x" * 50},
        {"commune": "99999999999999999999"},
        {"role": "superhero"},
        {"ordering": "password"},
        {"q": "%00"},
    ],
)
def test_roles_list_survives_nonsense_parameters(client, world, params):
    response = signed_in(client, world.province_official).get(reverse(INDEX), params)

    assert response.status_code in (200, 404)


def test_roles_list_queries_stay_flat_as_roles_grow(
    client, world, django_assert_max_num_queries
):
    client = signed_in(client, world.province_official)
    searched = {"q": "thanh vien", "commune": world.ben_thanh.code}
    client.get(reverse(INDEX))  # the session and the admin's first-visit lookups

    def queries(params: dict) -> int:
        with django_assert_max_num_queries(20) as captured:
            assert client.get(reverse(INDEX), params).status_code == 200
        return len(captured)

    def add_members(numbers):
        for number in numbers:
            person = UserFactory(full_name=f"Thành Viên {number}")
            team = world.team_bt if number % 2 else world.team_sg
            role_grant(user=person, role=Role.TEAM_MEMBER, team=team, by=None)

    add_members(range(2))
    few = queries({}), queries(searched)
    add_members(range(2, 80))
    many = queries({}), queries(searched)

    assert many == few


def test_roles_list_is_paginated(client, world):
    for number in range(25):
        person = UserFactory(full_name=f"Thành Viên {number:02d}")
        role_grant(user=person, role=Role.TEAM_MEMBER, team=world.team_bt, by=None)
    client = signed_in(client, world.commune_official)

    first = listed(client.get(reverse(INDEX), {"ordering": "user__full_name"}))
    second = listed(
        client.get(reverse(INDEX), {"ordering": "user__full_name", "p": "2"})
    )

    shown_first = set(re.findall(r"Thành Viên \d\d", first))
    shown_second = set(re.findall(r"Thành Viên \d\d", second))
    assert shown_first and shown_second
    assert not shown_first & shown_second
    assert len(shown_first | shown_second) + 2 >= 25


# Granting


def test_province_official_appoints_a_commune_official(client, world):
    client = signed_in(client, world.province_official)

    response = client.post(
        reverse(ADD),
        grant_data(
            person=world.candidate.pk,
            role=Role.COMMUNE_OFFICIAL,
            commune=world.sai_gon.code,
        ),
    )

    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=world.candidate, role=Role.COMMUNE_OFFICIAL, commune=world.sai_gon
    ).exists()
    change = RoleChange.objects.get(user=world.candidate)
    assert change.action == RoleChange.Action.GRANTED
    assert change.by == world.province_official
    assert change.commune == world.sai_gon and change.province == world.hcm
    assert change.via == RoleChange.Via.ADMIN
    followed = listed(client.get(response["Location"]))
    assert "now holds Commune official" in followed
    world.candidate.refresh_from_db()
    assert world.candidate.groups.filter(name="Officials").exists()


def test_the_new_commune_official_can_use_the_admin_at_once(client, world):
    signed_in(client, world.province_official).post(
        reverse(ADD),
        grant_data(
            person=world.candidate.pk,
            role=Role.COMMUNE_OFFICIAL,
            commune=world.sai_gon.code,
        ),
    )

    page = signed_in(client, world.candidate).get(reverse("teams:index"))

    assert page.status_code == 200
    assert world.team_sg.name in listed(page)
    assert world.team_bt.name not in listed(page)


def test_commune_official_gives_team_roles_in_their_commune(client, world):
    client = signed_in(client, world.commune_official)

    response = client.post(
        reverse(ADD),
        grant_data(
            person=world.candidate.pk, role=Role.TEAM_LEADER, team=world.team_bt.pk
        ),
    )

    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=world.candidate, role=Role.TEAM_LEADER, team=world.team_bt
    ).exists()


def test_commune_official_is_offered_only_team_roles(client, world):
    page = listed(signed_in(client, world.commune_official).get(reverse(ADD)))

    assert f'value="{Role.TEAM_MEMBER}"' in page
    assert f'value="{Role.TEAM_LEADER}"' in page
    assert f'value="{Role.COMMUNE_OFFICIAL}"' not in page
    assert f'value="{Role.PROVINCE_OFFICIAL}"' not in page
    assert f'value="{Role.CONTENT_EDITOR}"' not in page


def test_only_superusers_are_offered_the_content_editor_role(client, world):
    official = listed(signed_in(client, world.province_official).get(reverse(ADD)))
    superuser = listed(signed_in(client, world.superuser).get(reverse(ADD)))

    assert f'value="{Role.CONTENT_EDITOR}"' not in official
    assert f'value="{Role.CONTENT_EDITOR}"' in superuser


def test_province_official_cannot_make_a_content_editor(client, world):
    response = signed_in(client, world.province_official).post(
        reverse(ADD),
        grant_data(person=world.candidate.pk, role=Role.CONTENT_EDITOR),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in listed(response)
    assert not world.candidate.roles.exists()


def test_superuser_makes_a_content_editor_who_can_then_edit(client, world):
    response = signed_in(client, world.superuser).post(
        reverse(ADD),
        grant_data(person=world.candidate.pk, role=Role.CONTENT_EDITOR),
    )

    assert response.status_code == 302
    world.candidate.refresh_from_db()
    assert world.candidate.is_staff
    assert world.candidate.groups.filter(name="Editors").exists()


@pytest.mark.parametrize(
    ("key", "fields"),
    [
        # A commune official gives no role outside the teams of their commune.
        ("commune_official", {"role": Role.TEAM_MEMBER, "team": "team_sg"}),
        ("commune_official", {"role": Role.TEAM_MEMBER, "team": "team_bd"}),
        ("commune_official", {"role": Role.COMMUNE_OFFICIAL, "commune": "ben_thanh"}),
        ("commune_official", {"role": Role.PROVINCE_OFFICIAL, "province": "hcm"}),
        # An official of the neighbouring commune reaches nothing in Bến Thành.
        ("other_commune_official", {"role": Role.TEAM_LEADER, "team": "team_bt"}),
        # A province official gives nothing in another province.
        ("province_official", {"role": Role.TEAM_MEMBER, "team": "team_bd"}),
        ("province_official", {"role": Role.COMMUNE_OFFICIAL, "commune": "ba_dinh"}),
        ("province_official", {"role": Role.PROVINCE_OFFICIAL, "province": "hanoi"}),
        ("other_province_official", {"role": Role.TEAM_LEADER, "team": "team_bt"}),
        (
            "other_province_official",
            {"role": Role.COMMUNE_OFFICIAL, "commune": "ben_thanh"},
        ),
    ],
)
def test_a_place_outside_ones_own_gives_a_form_error(client, world, key, fields):
    places = {
        name: getattr(world, value).pk
        for name, value in fields.items()
        if name != "role"
    }
    response = signed_in(client, world.people[key]).post(
        reverse(ADD),
        grant_data(person=world.candidate.pk, role=fields["role"], **places)
        | {"contact": ""},
    )

    assert response.status_code == 200
    page = listed(response)
    assert "error" in page
    assert "This place is not one you cover" in page or "Select a valid choice" in page
    assert not world.candidate.roles.exists()
    assert not RoleChange.objects.filter(user=world.candidate).exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"person": "99999999999999999999999"},
        {"person": "-1"},
        {"person": "abc"},
        {"team": "99999999999999999999999"},
        {"team": "abc"},
        {"commune": "99999"},
        {"commune": "x" * 300},
        {"province": "zz"},
        {"role": "superhero"},
        {"contact": "not a phone"},
        {"contact": "0912 000 000 000 000"},
        {"contact": "nobody@example.vn"},
        {"contact": "x" * 300},
    ],
)
def test_bad_input_gives_a_form_error_not_a_500(client, world, fields):
    data = grant_data(
        person=world.candidate.pk, role=Role.TEAM_MEMBER, team=world.team_bt.pk
    )
    if "contact" in fields:
        data["person"] = ""
    data.update(fields)

    response = signed_in(client, world.commune_official).post(reverse(ADD), data)

    assert response.status_code == 200
    assert "error" in listed(response)
    assert not world.candidate.roles.exists()


def test_a_person_outside_ones_places_is_refused_and_not_named(client, world):
    response = signed_in(client, world.commune_official).post(
        reverse(ADD),
        grant_data(
            person=world.far_away.pk, role=Role.TEAM_MEMBER, team=world.team_bt.pk
        ),
    )

    page = listed(response)
    assert response.status_code == 200
    assert "Choose someone from the list" in page
    assert world.far_away.full_name not in page
    assert not world.far_away.roles.exists()


@pytest.mark.parametrize("contact", ["0977 000 111", "+84977000111", "XA@example.vn"])
def test_someone_from_elsewhere_is_found_by_exact_phone_or_email(
    client, world, contact
):
    response = signed_in(client, world.commune_official).post(
        reverse(ADD),
        grant_data(contact=contact, role=Role.TEAM_MEMBER, team=world.team_bt.pk),
    )

    assert response.status_code == 302
    assert world.far_away.roles.filter(team=world.team_bt).exists()


def test_an_unknown_phone_number_says_to_sign_up_first(client, world):
    response = signed_in(client, world.commune_official).post(
        reverse(ADD),
        grant_data(
            contact="0911 111 111", role=Role.TEAM_MEMBER, team=world.team_bt.pk
        ),
    )

    assert response.status_code == 200
    assert "Ask them to sign up first" in listed(response)


def test_a_role_without_its_place_asks_for_it(client, world):
    response = signed_in(client, world.province_official).post(
        reverse(ADD),
        grant_data(person=world.candidate.pk, role=Role.COMMUNE_OFFICIAL),
    )

    assert response.status_code == 200
    assert "Choose where this role applies" in listed(response)


def test_granting_twice_is_idempotent(client, world):
    client = signed_in(client, world.commune_official)
    data = grant_data(
        person=world.candidate.pk, role=Role.TEAM_MEMBER, team=world.team_bt.pk
    )

    first = client.post(reverse(ADD), data)
    second = client.post(reverse(ADD), data)

    assert first.status_code == second.status_code == 302
    assert world.candidate.roles.count() == 1
    assert RoleChange.objects.filter(user=world.candidate).count() == 1
    assert "already holds" in listed(client.get(second["Location"]))


# Withdrawing


def test_withdrawing_asks_first_then_withdraws_on_the_record(client, world):
    client = signed_in(client, world.commune_official)
    member = assignment_of(world, "team_member")
    url = reverse("roles:delete", args=[member.pk])

    confirmation = client.get(url)
    assert RoleAssignment.objects.filter(pk=member.pk).exists()
    withdrawn = client.post(url)

    assert confirmation.status_code == 200
    assert "Yes, withdraw" in listed(confirmation)
    assert world.team_member.full_name in listed(confirmation)
    assert withdrawn.status_code == 302
    assert not RoleAssignment.objects.filter(pk=member.pk).exists()
    change = RoleChange.objects.get(
        user=world.team_member, action=RoleChange.Action.WITHDRAWN
    )
    assert change.by == world.commune_official
    assert change.team == world.team_bt and change.commune == world.ben_thanh


def test_withdrawing_twice_is_idempotent(client, world):
    client = signed_in(client, world.commune_official)
    url = reverse("roles:delete", args=[assignment_of(world, "team_member").pk])

    first = client.post(url)
    second = client.post(url)

    assert first.status_code == second.status_code == 302
    assert (
        RoleChange.objects.filter(
            user=world.team_member, action=RoleChange.Action.WITHDRAWN
        ).count()
        == 1
    )
    assert "not held any more" in listed(client.get(second["Location"]))


def test_withdrawing_the_last_official_role_closes_the_admin(client, world):
    assignment = assignment_of(world, "commune_official")
    signed_in(client, world.province_official).post(
        reverse("roles:delete", args=[assignment.pk])
    )

    world.commune_official.refresh_from_db()
    assert not world.commune_official.groups.filter(name="Officials").exists()
    home = signed_in(client, world.commune_official).get(reverse("wagtailadmin_home"))
    assert home.status_code == 302


@pytest.mark.parametrize(
    ("key", "target"),
    [
        ("commune_official", "other_commune_official"),
        ("commune_official", "province_official"),
        ("other_commune_official", "team_member"),
        ("other_province_official", "team_member"),
        ("other_province_official", "commune_official"),
        ("province_official", "other_province_official"),
    ],
)
def test_a_role_outside_ones_places_cannot_be_withdrawn(client, world, key, target):
    client = signed_in(client, world.people[key])
    assignment = assignment_of(world, target)
    url = reverse("roles:delete", args=[assignment.pk])

    shown = client.get(url)
    posted = client.post(url)

    assert shown.status_code == 404
    assert posted.status_code == 302
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not RoleChange.objects.filter(action=RoleChange.Action.WITHDRAWN).exists()


@pytest.mark.parametrize("pk", ["99999999999999999999999", "0"])
def test_withdrawing_an_absurd_id_is_not_a_500(client, world, pk):
    client = signed_in(client, world.province_official)

    assert client.get(f"/admin/roles/delete/{pk}/").status_code == 404
    assert client.post(f"/admin/roles/delete/{pk}/").status_code in (302, 404)


# The record


def test_the_record_shows_grants_and_withdrawals_to_those_who_manage_them(
    client, world
):
    signed_in(client, world.commune_official).post(
        reverse("roles:delete", args=[assignment_of(world, "team_member").pk])
    )

    own = listed(signed_in(client, world.commune_official).get(reverse(RECORD)))
    province = listed(signed_in(client, world.province_official).get(reverse(RECORD)))
    elsewhere = listed(
        signed_in(client, world.other_commune_official).get(reverse(RECORD))
    )

    assert world.team_member.full_name in own
    assert "Withdrawn" in own and world.commune_official.full_name in own
    assert world.team_member.full_name in province
    assert world.commune_official.full_name in province  # their own appointment
    assert world.team_member.full_name not in elsewhere
    # A commune official reads the team roles of their commune only.
    assert world.other_commune_official.full_name not in own


def test_the_record_cannot_be_changed_in_the_admin(client, world):
    change = RoleChange.objects.first()
    client = signed_in(client, world.superuser)

    for path in [
        f"/admin/role_changes/edit/{change.pk}/",
        f"/admin/role_changes/delete/{change.pk}/",
        "/admin/role_changes/new/",
    ]:
        assert client.get(path).status_code == 404
        assert client.post(path).status_code == 404
    assert RoleChange.objects.filter(pk=change.pk).exists()


def test_the_record_is_append_only(world):
    change = RoleChange.objects.first()

    with pytest.raises(TypeError):
        change.save()
    with pytest.raises(TypeError):
        change.delete()
    with pytest.raises(TypeError):
        RoleChange.objects.filter(pk=change.pk).update(user_name="x")
    with pytest.raises(TypeError):
        RoleChange.objects.all().delete()


def test_the_record_says_when_a_role_came_from_the_command_line(client, world):
    page = listed(signed_in(client, world.superuser).get(reverse(RECORD)))

    assert "Server command line" in page


# Choosers


def test_the_person_chooser_lists_only_people_of_ones_places(client, world):
    client = signed_in(client, world.commune_official)

    everyone = client.get(reverse("person_chooser:choose"))
    found = client.get(reverse("person_chooser:choose_results"), {"q": "anh tuyet"})

    assert everyone.status_code == 200
    body = everyone.json()["html"]
    assert world.candidate.full_name in body
    assert world.far_away.full_name not in body
    assert world.candidate.full_name in listed(found)
    assert world.team_leader.full_name not in listed(found)


def test_the_person_chooser_gives_out_nobody_outside_ones_places(client, world):
    client = signed_in(client, world.commune_official)

    mine = client.get(reverse("person_chooser:chosen", args=[world.candidate.pk]))
    theirs = client.get(reverse("person_chooser:chosen", args=[world.far_away.pk]))
    nonsense = client.get(reverse("person_chooser:chosen", args=["abc"]))

    assert mine.status_code == 200
    assert world.candidate.full_name in mine.json()["result"]["title"]
    assert theirs.status_code == 404
    assert nonsense.status_code == 404


@pytest.mark.parametrize("nonsense", [str(2**63), "9" * 25, "-1", "abc"])
def test_choosing_several_with_ids_no_row_can_have_gives_only_the_real_ones(
    client, world, nonsense
):
    client = signed_in(client, world.commune_official)

    response = client.get(
        reverse("person_chooser:chosen_multiple"),
        {"id": [nonsense, world.candidate.pk]},
    )

    assert response.status_code == 200
    (chosen,) = response.json()["result"]
    assert chosen["id"] == str(world.candidate.pk)


@pytest.mark.parametrize("key", NO_ACCESS)
def test_choosers_offer_nothing_to_people_without_an_official_role(client, world, key):
    client = signed_in(client, world.people[key])
    for name in ["person_chooser", "commune_chooser", "hamlet_chooser", "team_chooser"]:
        response = client.get(reverse(f"{name}:choose"))
        if response.status_code == 200:
            body = response.json()["html"]
            assert world.candidate.full_name not in body
            assert world.ben_thanh.name not in body
            assert world.team_bt.name not in body
        else:
            assert refused(response)


def test_the_team_chooser_lists_the_teams_one_keeps(client, world):
    body = (
        signed_in(client, world.province_official)
        .get(reverse("team_chooser:choose"))
        .json()["html"]
    )

    assert world.team_bt.name in body and world.team_sg.name in body
    assert world.team_bd.name not in body


# In Vietnamese


def test_the_roles_screens_speak_vietnamese(client, world):
    client = signed_in(client, world.province_official)
    with_language = {"HTTP_ACCEPT_LANGUAGE": "vi"}
    client.cookies["django_language"] = "vi"
    profile = UserProfile.get_for_user(world.province_official)
    profile.preferred_language = "vi"
    profile.save()

    # The admin switches the thread to Vietnamese; give the next test English back.
    with translation.override("en"):
        index = listed(client.get(reverse(INDEX), **with_language))
        add = listed(client.get(reverse(ADD), **with_language))

    assert "Giao vai trò" in index
    assert "Địa bàn" in index and "Thu hồi" in index
    assert "Cán bộ xã/phường" in index
    assert "Hoặc số điện thoại hoặc email của họ" in add
    assert "Tỉnh/thành phố (với cán bộ tỉnh)" in add


def test_officials_group_only_opens_the_admin(world):
    group = Group.objects.get(name="Officials")

    assert list(group.permissions.values_list("codename", flat=True)) == [
        "access_admin"
    ]

"""``role_grant`` and ``role_withdraw``: every change on the record, access with it."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from lms.models import RoleAssignment, RoleChange
from lms.models.users import Role
from lms.services import role_grant, role_withdraw
from tests.factories import UserFactory
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return staff_world()


def test_a_grant_records_who_when_what_and_where(world):
    role_grant(
        user=world.candidate,
        role=Role.TEAM_LEADER,
        team=world.team_bt,
        by=world.commune_official,
    )

    change = RoleChange.objects.get(user=world.candidate)
    assert change.action == RoleChange.Action.GRANTED
    assert change.role == Role.TEAM_LEADER
    assert change.by == world.commune_official
    assert change.by_name == "Phạm Văn Phường"
    assert change.user_name == "Nguyễn Thị Ánh Tuyết"
    assert change.team == world.team_bt and change.team_name == world.team_bt.name
    assert (change.commune, change.province) == (world.ben_thanh, world.hcm)
    assert change.at is not None


def test_a_withdrawal_is_recorded_once(world):
    kwargs = {"user": world.team_member, "role": Role.TEAM_MEMBER}

    first = role_withdraw(**kwargs, team=world.team_bt, by=world.province_official)
    second = role_withdraw(**kwargs, team=world.team_bt, by=world.province_official)

    assert (first, second) == (True, False)
    assert not world.team_member.roles.exists()
    change = RoleChange.objects.get(
        user=world.team_member, action=RoleChange.Action.WITHDRAWN
    )
    assert change.by == world.province_official


@pytest.mark.parametrize(
    ("key", "role", "place"),
    [
        ("commune_official", Role.TEAM_MEMBER, {"team": "team_sg"}),
        ("commune_official", Role.COMMUNE_OFFICIAL, {"commune": "ben_thanh"}),
        ("other_province_official", Role.TEAM_LEADER, {"team": "team_bt"}),
        ("province_official", Role.CONTENT_EDITOR, {}),
        ("team_leader", Role.TEAM_MEMBER, {"team": "team_bt"}),
        ("editor", Role.CONTENT_EDITOR, {}),
        ("resident", Role.RESIDENT, {}),
    ],
)
def test_the_services_refuse_whoever_does_not_cover_the_place(world, key, role, place):
    scope = {name: getattr(world, value) for name, value in place.items()}

    with pytest.raises(ValidationError):
        role_grant(user=world.candidate, role=role, **scope, by=world.people[key])
    assert not world.candidate.roles.exists()
    assert not RoleChange.objects.filter(user=world.candidate).exists()


def test_withdrawal_is_refused_outside_ones_places_too(world):
    with pytest.raises(ValidationError):
        role_withdraw(
            user=world.commune_official,
            role=Role.COMMUNE_OFFICIAL,
            commune=world.ben_thanh,
            by=world.other_province_official,
        )
    assert world.commune_official.roles.exists()


def test_the_admin_opens_with_the_first_official_role_and_closes_with_the_last(
    world,
):
    person = world.candidate
    role_grant(
        user=person, role=Role.COMMUNE_OFFICIAL, commune=world.ben_thanh, by=None
    )
    role_grant(user=person, role=Role.COMMUNE_OFFICIAL, commune=world.sai_gon, by=None)
    assert person.has_perm("wagtailadmin.access_admin")

    role_withdraw(
        user=person, role=Role.COMMUNE_OFFICIAL, commune=world.ben_thanh, by=None
    )
    person = type(person).objects.get(pk=person.pk)  # permissions are cached
    assert person.has_perm("wagtailadmin.access_admin")

    role_withdraw(
        user=person, role=Role.COMMUNE_OFFICIAL, commune=world.sai_gon, by=None
    )
    person = type(person).objects.get(pk=person.pk)
    assert not person.has_perm("wagtailadmin.access_admin")
    assert not person.groups.filter(name="Officials").exists()


def test_the_officials_group_is_made_when_a_site_has_none(world):
    Group.objects.filter(name="Officials").delete()

    role_grant(
        user=world.candidate,
        role=Role.PROVINCE_OFFICIAL,
        province=world.hcm,
        by=None,
    )

    assert world.candidate.groups.filter(name="Officials").exists()


def test_a_team_member_does_not_open_the_admin_a_team_leader_does(world):
    # A leader keeps the team's household list in the admin; a member works on
    # the teams' own pages only.
    assert not world.team_member.has_perm("wagtailadmin.access_admin")
    assert not world.team_member.groups.exists()
    assert world.team_leader.has_perm("wagtailadmin.access_admin")

    role_withdraw(
        user=world.team_leader, role=Role.TEAM_LEADER, team=world.team_bt, by=None
    )
    leader = type(world.team_leader).objects.get(pk=world.team_leader.pk)
    assert not leader.has_perm("wagtailadmin.access_admin")


def test_withdrawing_the_editor_role_closes_the_admin(world):
    editor = world.editor
    assert editor.is_staff

    role_withdraw(user=editor, role=Role.CONTENT_EDITOR, by=world.superuser)

    editor.refresh_from_db()
    assert not editor.is_staff
    assert not editor.groups.filter(name="Editors").exists()


def test_a_scope_that_does_not_fit_the_role_is_refused(world):
    with pytest.raises(ValidationError):
        role_grant(
            user=world.candidate,
            role=Role.TEAM_MEMBER,
            commune=world.ben_thanh,
            by=world.superuser,
        )
    with pytest.raises(ValidationError):
        role_grant(user=world.candidate, role="superhero", by=None)
    assert not RoleChange.objects.filter(user=world.candidate).exists()


def test_deleting_an_account_records_the_roles_it_loses(world):
    person = UserFactory(full_name="Người Sẽ Rời Đi")
    role_grant(user=person, role=Role.TEAM_MEMBER, team=world.team_bt, by=None)

    person.delete()

    withdrawn = RoleChange.objects.get(
        user_name="Người Sẽ Rời Đi", action=RoleChange.Action.WITHDRAWN
    )
    assert withdrawn.via == RoleChange.Via.ACCOUNT_DELETED
    assert withdrawn.user is None
    assert withdrawn.team == world.team_bt
    granted = RoleChange.objects.get(
        user_name="Người Sẽ Rời Đi", action=RoleChange.Action.GRANTED
    )
    assert granted.user is None  # the record stays, unlinked


def test_a_team_with_role_holders_cannot_vanish_off_the_record(world):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        world.team_bt.delete()
    assert RoleAssignment.objects.filter(team=world.team_bt).exists()

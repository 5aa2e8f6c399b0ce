import pytest
from django.core.exceptions import ValidationError

from community_teams.models import Team
from lms import permissions
from lms.models import Commune, RoleAssignment, User
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import CommuneFactory, ProvinceFactory, UserFactory

pytestmark = pytest.mark.django_db


class Resident:
    """A stand-in object that lives in one commune and team, like a household."""

    def __init__(self, commune: Commune, team: Team | None = None, owner=None):
        self.commune, self.team, self.owner = commune, team, owner

    def scope(self):
        return permissions.Scope(
            province_id=self.commune.province_id,
            commune_id=self.commune.code,
            team_id=self.team.pk if self.team else None,
            owner_id=self.owner.pk if self.owner else None,
        )


@pytest.fixture
def places():
    hcm = ProvinceFactory(code="79", name="Hồ Chí Minh")
    hanoi = ProvinceFactory(code="01", name="Hà Nội", kind="thanh-pho")
    ben_thanh = CommuneFactory(code="26734", province=hcm, name="Bến Thành")
    sai_gon = CommuneFactory(code="26740", province=hcm, name="Sài Gòn")
    ba_dinh = CommuneFactory(code="00004", province=hanoi, name="Ba Đình")
    team_a = Team.objects.create(name="Tổ CNTS khu phố 1", commune=ben_thanh)
    team_b = Team.objects.create(name="Tổ CNTS khu phố 2", commune=ben_thanh)
    return locals()


def test_team_member_sees_only_own_team(places):
    member = UserFactory()
    role_grant(user=member, role=Role.TEAM_MEMBER, team=places["team_a"], by=None)
    mine = Resident(places["ben_thanh"], places["team_a"])
    other_team = Resident(places["ben_thanh"], places["team_b"])
    assert permissions.can_view(member, mine)
    assert not permissions.can_view(member, other_team)


def test_commune_official_sees_the_commune_not_the_neighbour(places):
    official = UserFactory()
    role_grant(
        user=official, role=Role.COMMUNE_OFFICIAL, commune=places["ben_thanh"], by=None
    )
    assert permissions.can_view(
        official, Resident(places["ben_thanh"], places["team_b"])
    )
    assert not permissions.can_view(official, Resident(places["sai_gon"]))


def test_province_official_sees_every_commune_of_the_province_only(places):
    official = UserFactory()
    role_grant(
        user=official, role=Role.PROVINCE_OFFICIAL, province=places["hcm"], by=None
    )
    assert permissions.can_view(official, Resident(places["sai_gon"]))
    assert not permissions.can_view(official, Resident(places["ba_dinh"]))


def test_resident_sees_only_their_own_record(places):
    resident = UserFactory()
    role_grant(user=resident, role=Role.RESIDENT, by=None)
    assert permissions.can_view(resident, Resident(places["ben_thanh"], owner=resident))
    assert not permissions.can_view(resident, Resident(places["ben_thanh"]))


def test_anonymous_sees_nothing(places):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_view(AnonymousUser(), Resident(places["ben_thanh"]))


def test_scope_filter_limits_a_queryset(places):
    official = UserFactory(commune=places["sai_gon"])
    role_grant(
        user=official, role=Role.COMMUNE_OFFICIAL, commune=places["ben_thanh"], by=None
    )
    inside = UserFactory(commune=places["ben_thanh"])
    UserFactory(commune=places["ba_dinh"])
    visible = User.objects.filter(permissions.scope_filter(official, commune="commune"))
    assert list(visible) == [inside]
    nobody = UserFactory()
    assert not User.objects.filter(permissions.scope_filter(nobody, commune="commune"))


def test_role_grant_is_idempotent_and_checks_scope(places):
    person = UserFactory()
    role_grant(user=person, role=Role.TEAM_LEADER, team=places["team_a"], by=None)
    role_grant(user=person, role=Role.TEAM_LEADER, team=places["team_a"], by=None)
    assert RoleAssignment.objects.filter(user=person).count() == 1
    with pytest.raises(ValidationError):
        role_grant(user=person, role=Role.COMMUNE_OFFICIAL, by=None)


def test_a_person_can_hold_several_roles(places):
    person = UserFactory()
    role_grant(user=person, role=Role.RESIDENT, by=None)
    role_grant(user=person, role=Role.TEAM_LEADER, team=places["team_a"], by=None)
    role_grant(user=person, role=Role.CIVIL_SERVANT, by=None)
    assert set(person.roles.values_list("role", flat=True)) == {
        Role.RESIDENT,
        Role.TEAM_LEADER,
        Role.CIVIL_SERVANT,
    }


def test_roles_are_read_once_per_request(places, django_assert_num_queries):
    official = UserFactory()
    role_grant(
        user=official, role=Role.COMMUNE_OFFICIAL, commune=places["ben_thanh"], by=None
    )
    official = User.objects.get(pk=official.pk)  # as a request loads it

    with django_assert_num_queries(1):
        assert permissions.has_role(official, Role.COMMUNE_OFFICIAL)
        assert not permissions.has_role(official, Role.PROVINCE_OFFICIAL)
        assert permissions.user_reach(official).commune_ids == {"26734"}


def test_a_granted_role_counts_at_once(places):
    person = UserFactory()
    assert not permissions.has_role(person, Role.TEAM_LEADER)

    role_grant(user=person, role=Role.TEAM_LEADER, team=places["team_a"], by=None)

    assert permissions.has_role(person, Role.TEAM_LEADER)

"""Who may give which role where: the Python rule and the SQL rule agree.

``may_manage_role`` decides a single grant; ``role_assignments_managed_by``
selects the rows of the roles list. Tried for every viewer against every role in
every place, they must give the same answer.
"""

import pytest

from lms import permissions
from lms.models import RoleAssignment
from lms.models.users import Role
from lms.services import role_grant
from tests.factories import UserFactory
from tests.staff import staff_world

pytestmark = pytest.mark.django_db

VIEWERS = [
    "superuser",
    "province_official",
    "other_province_official",
    "commune_official",
    "other_commune_official",
    "team_leader",
    "team_member",
    "resident",
    "civil_servant",
    "editor",
    "nobody",
]


@pytest.fixture
def every_role_everywhere():
    world = staff_world()
    scopes = [
        (Role.PROVINCE_OFFICIAL, {"province": world.hcm}),
        (Role.PROVINCE_OFFICIAL, {"province": world.hanoi}),
        *(
            (Role.COMMUNE_OFFICIAL, {"commune": commune})
            for commune in (world.ben_thanh, world.sai_gon, world.ba_dinh)
        ),
        *(
            (role, {"team": team})
            for role in (Role.TEAM_LEADER, Role.TEAM_MEMBER)
            for team in (world.team_bt, world.team_sg, world.team_bd)
        ),
        (Role.RESIDENT, {}),
        (Role.CIVIL_SERVANT, {}),
        (Role.CONTENT_EDITOR, {}),
    ]
    for role, scope in scopes:
        role_grant(user=UserFactory(), role=role, **scope, by=None)
    return world


@pytest.mark.parametrize("key", VIEWERS)
def test_the_list_holds_exactly_the_roles_one_may_withdraw(every_role_everywhere, key):
    viewer = every_role_everywhere.people[key]
    listed = set(
        permissions.role_assignments_managed_by(viewer).values_list("pk", flat=True)
    )

    for assignment in RoleAssignment.objects.select_related("team__commune"):
        allowed = permissions.may_manage_role(
            viewer,
            role=assignment.role,
            team=assignment.team,
            commune=assignment.commune,
            province=assignment.province,
        )
        assert allowed == (assignment.pk in listed), (key, str(assignment))


@pytest.mark.parametrize(
    ("key", "roles"),
    [
        ("superuser", set(Role.values)),
        (
            "province_official",
            {
                Role.PROVINCE_OFFICIAL,
                Role.COMMUNE_OFFICIAL,
                Role.TEAM_LEADER,
                Role.TEAM_MEMBER,
            },
        ),
        ("commune_official", {Role.TEAM_LEADER, Role.TEAM_MEMBER}),
        ("team_leader", set()),
        ("team_member", set()),
        ("resident", set()),
        ("civil_servant", set()),
        ("editor", set()),
        ("nobody", set()),
    ],
)
def test_roles_one_may_give(every_role_everywhere, key, roles):
    viewer = every_role_everywhere.people[key]

    assert set(permissions.roles_grantable_by(viewer)) == roles
    for role in Role.values:
        if role not in roles:
            assert not any(
                permissions.may_manage_role(viewer, role=role, **scope)
                for scope in [
                    {"province": every_role_everywhere.hcm},
                    {"commune": every_role_everywhere.ben_thanh},
                    {"team": every_role_everywhere.team_bt},
                    {},
                ]
            )


def test_the_record_shows_the_changes_of_the_roles_one_manages(every_role_everywhere):
    world = every_role_everywhere
    for key in VIEWERS:
        viewer = world.people[key]
        managed = permissions.role_assignments_managed_by(viewer)
        visible = permissions.role_changes_visible_to(viewer)
        # Every role in the list has its grant in the record, and nothing else is.
        granted = {
            (change.user_id, change.role)
            for change in visible.filter(action="granted", user__isnull=False)
        }
        assert granted == set(managed.values_list("user_id", "role")), key

"""``role_grant_many``: an unscoped role given to many people at once, as
``role_grant`` gives it to one, in a few queries."""

import pytest
from django.core.exceptions import ValidationError

from lms.models import RoleAssignment, RoleChange
from lms.models.users import Role
from lms.services import role_grant, role_grant_many
from lms.text import fold
from tests.factories import UserFactory
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return staff_world()


def test_each_person_gets_the_role_once_and_a_record_of_it(world):
    people = UserFactory.create_batch(3)
    role_grant(user=people[0], role=Role.CIVIL_SERVANT, by=None)

    given = role_grant_many(
        users=[*people, people[1]], role=Role.CIVIL_SERVANT, by=None
    )

    assert sorted(user.pk for user in given) == sorted(p.pk for p in people[1:])
    for person in people:
        assert RoleAssignment.objects.get(user=person, role=Role.CIVIL_SERVANT)
        (change,) = RoleChange.objects.filter(user=person, role=Role.CIVIL_SERVANT)
        assert change.action == RoleChange.Action.GRANTED
        assert change.user_name == person.full_name
        assert change.via == RoleChange.Via.COMMAND
    # The roles list finds the grant by the person's name without accents.
    many = RoleChange.objects.get(user=people[1])
    assert many.search_key == fold(people[1].full_name)
    assert role_grant_many(users=people, role=Role.CIVIL_SERVANT, by=None) == []
    assert RoleChange.objects.filter(role=Role.CIVIL_SERVANT).count() == 4


def test_the_number_of_queries_does_not_grow_with_the_people(
    world, django_assert_max_num_queries
):
    people = UserFactory.create_batch(60)

    with django_assert_max_num_queries(8):
        role_grant_many(users=people, role=Role.CIVIL_SERVANT, by=None)

    assert RoleAssignment.objects.filter(role=Role.CIVIL_SERVANT).count() == 61


@pytest.mark.parametrize("role", [Role.PROVINCE_OFFICIAL, Role.TEAM_LEADER])
def test_roles_with_a_scope_are_given_one_by_one(world, role):
    with pytest.raises(ValidationError) as refused:
        role_grant_many(users=[world.candidate], role=role, by=None)

    assert refused.value.code == "not_many"
    assert not world.candidate.roles.exists()


def test_an_official_may_not_give_an_unscoped_role(world):
    with pytest.raises(ValidationError) as refused:
        role_grant_many(
            users=[world.candidate], role=Role.CIVIL_SERVANT, by=world.province_official
        )

    assert refused.value.code == "not_allowed"
    assert not world.candidate.roles.exists()

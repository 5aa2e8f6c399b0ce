"""A hamlet's figures count who signed up through the team and finished online."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from community_teams.models import SignupReferral
from community_teams.selectors import hamlet_summary
from courses.models import Enrollment
from courses.services import enrollment_create, lesson_complete
from tests.certificates.helpers import qr_payload
from tests.community_teams.test_poster import as_, poster_url, sign_up_through
from tests.factories import UserFactory, add_course
from tests.staff import staff_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return staff_world()


def test_a_resident_brought_by_the_poster_who_finishes_online_is_counted(
    world, course, lessons, tmp_path, django_capture_on_commit_callbacks
):
    leader = as_(world.team_leader)
    poster = leader.get(poster_url(world.team_bt, world.kp1))
    path = "/" + qr_payload(poster.content, tmp_path).split("/", 3)[3]
    resident = Client()
    account = sign_up_through(resident, path)
    hamlet_url = reverse("team_hamlet", args=[world.kp1.pk])

    before = leader.get(hamlet_url).content.decode()
    assert "1 resident signed up through the team; 0 of them finished" in before

    enrollment = enrollment_create(user=account, course=course)
    # Completion is announced once its transaction commits, as in production.
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            lesson_complete(enrollment=enrollment, lesson=lesson)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None

    summary = hamlet_summary(world.kp1)
    assert (summary.signed_up, summary.finished_online) == (1, 1)
    after = leader.get(hamlet_url).content.decode()
    assert "1 resident signed up through the team; 1 of them finished a course" in (
        after
    )
    assert hamlet_summary(world.kp_sg).signed_up == 0


def referred(world, course, count: int, *, finished: int) -> None:
    for number in range(count):
        person = UserFactory(full_name=f"Người {number}")
        SignupReferral.objects.create(user=person, team=world.team_bt, hamlet=world.kp1)
        Enrollment.objects.create(
            user=person,
            course=course,
            completed_at=timezone.now() if number < finished else None,
        )


@pytest.mark.parametrize(("count", "finished"), [(1, 1), (40, 25)])
def test_the_hamlet_summary_costs_seven_queries_however_many_signed_up(
    world, course, django_assert_num_queries, count, finished
):
    referred(world, course, count, finished=finished)
    # Someone brought to another hamlet and someone who signed up alone.
    other = UserFactory()
    SignupReferral.objects.create(user=other, team=world.team_sg, hamlet=world.kp_sg)
    UserFactory()

    with django_assert_num_queries(7):
        summary = hamlet_summary(world.kp1)

    assert (summary.signed_up, summary.finished_online) == (count, finished)


def test_two_finished_courses_count_the_person_once(world, catalogue, course):
    second = add_course(catalogue, title="Thanh toán không dùng tiền mặt")
    person = UserFactory()
    SignupReferral.objects.create(user=person, team=world.team_bt, hamlet=world.kp1)
    for each in (course, second):
        Enrollment.objects.create(user=person, course=each, completed_at=timezone.now())

    summary = hamlet_summary(world.kp1)

    assert (summary.signed_up, summary.finished_online) == (1, 1)

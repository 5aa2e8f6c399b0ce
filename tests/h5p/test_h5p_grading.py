"""Grading methods, pass marks, and what a passed activity does to completion."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courses import completion
from courses.assessments import assessment_kinds
from courses.models import Enrollment, LessonProgress
from h5p.models import GradingMethod, H5PResult
from h5p.services import grade_compute, h5p_activity_regrade

from .activities import (
    activity_create,
    answer_true_false,
    place_activity,
    send,
    statement,
)
from .packages import multi_choice, true_false

pytestmark = pytest.mark.django_db

# A multiple choice with two right answers among four, one point per right answer:
# nothing right, both right, one right.
ATTEMPTS = [("1", 0), ("0[,]2", 2), ("0", 1)]


def complete(client, lesson):
    return client.post(reverse("lesson_complete", args=[lesson.pk]), follow=True)


def status(user, lesson):
    return (
        LessonProgress.objects.filter(enrollment__user=user, lesson=lesson)
        .values_list("status", flat=True)
        .first()
    )


def test_the_h5p_kind_is_registered_once():
    assert [kind.block_type for kind in assessment_kinds()].count("h5p") == 1


@pytest.mark.parametrize(
    ("method", "grade", "passed"),
    [
        (GradingMethod.BEST, Decimal("100"), True),
        (GradingMethod.LAST, Decimal("50"), False),
        (GradingMethod.FIRST, Decimal("0"), False),
        (GradingMethod.AVERAGE, Decimal("50"), False),
    ],
)
def test_grading_methods(learner, user, lessons, method, grade, passed):
    activity = activity_create(multi_choice(), grading_method=method, pass_mark=80)
    lesson = place_activity(lessons[0], activity)
    for response, claimed in ATTEMPTS:
        reply = send(
            learner,
            lesson,
            activity,
            statement(activity, response=response, raw=claimed, maximum=2),
        )
        assert reply.status_code == 200

    result = H5PResult.objects.get(user=user, activity=activity)
    assert (result.grade, result.passed, result.attempt_count) == (grade, passed, 3)


def test_the_average_is_rounded_to_hundredths():
    thirds = H5PResult(
        attempt_count=3,
        first_percent=Decimal("100"),
        last_percent=Decimal("0"),
        best_percent=Decimal("100"),
        percent_total=Decimal("100"),
    )
    assert grade_compute(GradingMethod.AVERAGE, thirds) == Decimal("33.33")
    assert grade_compute(GradingMethod.BEST, H5PResult()) is None


def test_the_pass_mark_is_inclusive(learner, user, lessons):
    activity = activity_create(multi_choice(), pass_mark=50)
    lesson = place_activity(lessons[0], activity)
    send(learner, lesson, activity, statement(activity, response="0", raw=1, maximum=2))
    assert H5PResult.objects.get(user=user).passed


def test_changing_the_rules_grades_results_again_and_can_complete(
    learner, user, course, lessons
):
    activity = activity_create(multi_choice(), pass_mark=100)
    for lesson in lessons:
        complete(learner, lesson)
    enrollment = Enrollment.objects.get(user=user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=None)
    lesson = place_activity(lessons[0], activity)
    send(learner, lesson, activity, statement(activity, response="0", raw=1, maximum=2))
    assert not H5PResult.objects.get(user=user).passed

    activity.pass_mark = 50
    activity.save()
    assert h5p_activity_regrade(activity=activity) == 1

    assert H5PResult.objects.get(user=user).passed
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


def test_a_lesson_with_a_required_activity_completes_only_once_it_is_passed(
    learner, user, lessons
):
    activity = activity_create(true_false(), title="Mã OTP")
    lesson = place_activity(lessons[0], activity)
    learner.get(lesson.url)

    response = complete(learner, lesson)
    assert "Pass the activity “Mã OTP” to complete this lesson." in (
        response.content.decode()
    )
    assert status(user, lesson) == LessonProgress.Status.OPENED

    answer_true_false(learner, lesson, activity, "true")
    complete(learner, lesson)
    assert status(user, lesson) == LessonProgress.Status.OPENED

    answer_true_false(learner, lesson, activity, "false")
    complete(learner, lesson)
    assert status(user, lesson) == LessonProgress.Status.COMPLETED


def test_an_optional_activity_does_not_block(learner, user, lessons):
    activity = activity_create(true_false())
    lesson = place_activity(lessons[0], activity, required=False)

    complete(learner, lesson)

    assert status(user, lesson) == LessonProgress.Status.COMPLETED


def test_passing_the_last_missing_activity_completes_the_course_at_once(
    learner, user, course, lessons
):
    first, second, third = lessons
    complete(learner, first)
    activity = activity_create(true_false())
    place_activity(first, activity)
    complete(learner, second)
    complete(learner, third)
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.completed_at is None
    assert not completion.course_requirements_met(enrollment)

    response = answer_true_false(learner, first, activity, "false")

    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert response.json()["course_completed"] is True
    assert (
        "Congratulations! You have completed this course."
        in (response.json()["message"])
    )


def test_a_failed_activity_does_not_complete_the_course(learner, user, course, lessons):
    first, second, third = lessons
    complete(learner, first)
    activity = activity_create(true_false())
    place_activity(first, activity)
    complete(learner, second)
    complete(learner, third)

    answer_true_false(learner, first, activity, "true")

    assert Enrollment.objects.get(user=user, course=course).completed_at is None

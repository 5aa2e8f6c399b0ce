"""A required quiz blocks its lesson until passed; passing can complete the course."""

import pytest
from django.urls import reverse

from courses import completion
from courses.assessments import assessment_kinds
from courses.models import Enrollment, LessonProgress
from quizzes.models import Attempt
from tests.quizzes.factories import QuizFactory, add_question, place_quiz
from tests.quizzes.helpers import (
    right_answers,
    start,
    submit_url,
    wrong_answers,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def complete(client, lesson):
    return client.post(reverse("lesson_complete", args=[lesson.pk]), follow=True)


def status(user, lesson):
    return (
        LessonProgress.objects.filter(enrollment__user=user, lesson=lesson)
        .values_list("status", flat=True)
        .first()
    )


def test_the_quiz_kind_is_registered_once():
    assert [kind.block_type for kind in assessment_kinds()].count("quiz") == 1


def test_lesson_with_a_required_quiz_cannot_be_completed_until_passed(
    learner, user, quiz, quiz_lesson
):
    learner.get(quiz_lesson.url)
    response = complete(learner, quiz_lesson)
    assert f"Pass the quiz “{quiz.title}” to complete this lesson." in (
        response.content.decode()
    )
    assert status(user, quiz_lesson) == LessonProgress.Status.OPENED

    attempt = start(learner, quiz, quiz_lesson)
    learner.post(submit_url(attempt), wrong_answers(attempt))
    complete(learner, quiz_lesson)
    assert status(user, quiz_lesson) == LessonProgress.Status.OPENED

    attempt = start(learner, quiz, quiz_lesson)
    learner.post(submit_url(attempt), right_answers(attempt))
    complete(learner, quiz_lesson)
    assert status(user, quiz_lesson) == LessonProgress.Status.COMPLETED


def test_an_optional_quiz_does_not_block(learner, user, lessons):
    quiz = QuizFactory()
    add_question(quiz)
    lesson = place_quiz(lessons[0], quiz, required=False)
    complete(learner, lesson)
    assert status(user, lesson) == LessonProgress.Status.COMPLETED
    assert (
        "Required to complete the lesson"
        not in learner.get(lesson.url).content.decode()
    )


def test_passing_the_last_missing_quiz_completes_the_course_at_once(
    learner, user, course, lessons, quiz
):
    # Every lesson was completed before an editor added a required quiz.
    for lesson in lessons[:2]:
        complete(learner, lesson)
    last = lessons[2]
    learner.get(last.url)
    complete(learner, last)
    enrollment = Enrollment.objects.get(user=user, course=course)
    enrollment.completed_at = None
    enrollment.save()
    place_quiz(last, quiz)
    assert not completion.course_requirements_met(enrollment)

    attempt = start(learner, quiz, last)
    response = learner.post(submit_url(attempt), right_answers(attempt), follow=True)

    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert "Congratulations! You have completed this course." in (
        response.content.decode()
    )


def test_course_waits_for_a_required_quiz_in_a_completed_lesson(
    learner, user, course, lessons, quiz
):
    first, second, third = lessons
    complete(learner, first)
    place_quiz(first, quiz)
    complete(learner, second)
    complete(learner, third)

    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.completed_at is None

    attempt = start(learner, quiz, first)
    learner.post(submit_url(attempt), right_answers(attempt))
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None


def test_a_failed_quiz_does_not_complete_the_course(learner, user, course, lessons):
    quiz = QuizFactory(pass_mark=100)
    add_question(quiz)
    first, second, third = lessons
    for lesson in lessons:
        complete(learner, lesson)
    enrollment = Enrollment.objects.get(user=user, course=course)
    Enrollment.objects.filter(pk=enrollment.pk).update(completed_at=None)
    place_quiz(third, quiz)

    attempt = start(learner, quiz, third)
    learner.post(submit_url(attempt), wrong_answers(attempt))

    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    assert Attempt.objects.get().passed is False


def test_a_required_quiz_in_an_optional_lesson_blocks_only_that_lesson(
    learner, user, course, lessons, quiz
):
    first, second, third = lessons
    third.is_required = False
    third.save()
    place_quiz(third, quiz)
    complete(learner, first)
    complete(learner, second)
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.completed_at is not None
    complete(learner, third)
    assert status(user, third) != LessonProgress.Status.COMPLETED


def test_a_deleted_quiz_no_longer_blocks(learner, user, lessons):
    quiz = QuizFactory()
    add_question(quiz)
    lesson = place_quiz(lessons[0], quiz)
    quiz.delete()
    complete(learner, lesson)
    assert status(user, lesson) == LessonProgress.Status.COMPLETED


def test_completing_too_early_takes_the_learner_to_the_quiz_with_the_reason(
    learner, quiz, quiz_lesson
):
    """The lesson opens at the quiz, and the message stands beside it."""
    learner.get(quiz_lesson.url)
    response = learner.post(reverse("lesson_complete", args=[quiz_lesson.pk]))

    anchor = f"quiz-{quiz.pk}"
    assert response["Location"] == f"{quiz_lesson.url}?pending={anchor}#{anchor}"
    page = learner.get(response["Location"]).content.decode()
    quiz_section = page[page.index(f'id="{anchor}"') :]
    message = f"Pass the quiz “{quiz.title}” to complete this lesson."
    assert message in quiz_section[: quiz_section.index("</section>")]

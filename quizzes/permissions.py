"""Who may take a quiz, and from where.

A learner takes a quiz from a lesson: the lesson must be live, hold the quiz in
its body, belong to a course the learner is enrolled in, and be unlocked for
them. Everything a learner does with an attempt goes through :func:`lesson_access`
(to start) or :func:`learner_attempts` (to see or submit their own).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lms.models import Enrollment
from quizzes.models import Attempt


class QuizRefused(PermissionDenied):
    """The learner may not take this quiz here; ``message`` says what to do."""

    def __init__(self, message: str, *, course=None):
        super().__init__(message)
        self.message = message
        self.course = course


def lesson_holds_quiz(lesson, quiz_id: int) -> bool:
    return any(
        block.get("type") == "quiz"
        and (block.get("value") or {}).get("quiz") == quiz_id
        for block in lesson.body.raw_data
    )


def lesson_access(*, user, lesson, quiz_id: int) -> Enrollment:
    """The learner's enrolment, if they may take quiz ``quiz_id`` in ``lesson``.

    Raises :class:`QuizRefused` otherwise.
    """
    from courses.models import CoursePage
    from lms import selectors

    if not user.is_authenticated:
        raise QuizRefused(_("Log in to take this quiz."))
    course = (
        CoursePage.objects.live().filter(path=lesson.path[: -lesson.steplen]).first()
    )
    if course is None or not lesson.live or not lesson_holds_quiz(lesson, quiz_id):
        raise QuizRefused(_("This quiz is not part of this lesson."))
    state = selectors.lesson_state(lesson=lesson, course=course, user=user)
    if state.enrollment is None:
        raise QuizRefused(_("Enrol in the course to take this quiz."), course=course)
    if state.locked:
        raise QuizRefused(
            _("Complete the earlier lessons of the course before taking this quiz."),
            course=course,
        )
    return state.enrollment


def learner_attempts(user) -> QuerySet[Attempt]:
    """The attempts ``user`` may see and submit: their own."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    return Attempt.objects.filter(user=user)

"""Who may take a quiz, and from where.

A learner takes a quiz from a lesson: the lesson must be live, hold the quiz in
its body, belong to a course the learner is enrolled in, and be unlocked for
them. Everything a learner does with an attempt goes through :func:`lesson_access`
(to start) or :func:`learner_attempts` (to see or submit their own).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from courses import selectors
from courses.models import CoursePage, Enrollment
from quizzes.models import Attempt

BLOCK_TYPE = "quiz"


class QuizRefused(PermissionDenied):
    """The learner may not take this quiz here; ``message`` says what to do."""

    def __init__(self, message: str, *, course=None):
        super().__init__(message)
        self.message = message
        self.course = course


def lesson_access(*, user, lesson, quiz_id: int, for_later: bool = False) -> Enrollment:
    """The learner's enrolment, if they may take quiz ``quiz_id`` in ``lesson``.

    With ``for_later`` (a phone keeping the quiz page of a lesson still locked, to
    answer it once the lessons before are completed there) the lesson may be
    locked: the answers meet this check again when they arrive.

    Raises :class:`QuizRefused` otherwise.
    """
    if not user.is_authenticated:
        raise QuizRefused(_("Log in to take this quiz."))
    access = selectors.lesson_access(user=user, lesson_id=lesson.pk)
    if (
        access is None
        or not access.live
        or access.course_id is None
        or not access.shows(BLOCK_TYPE, quiz_id)
    ):
        raise QuizRefused(_("This quiz is not part of this lesson."))
    if access.enrollment is None:
        raise QuizRefused(
            _("Enrol in the course to take this quiz."), course=_course(access)
        )
    if not access.unlocked and not for_later:
        raise QuizRefused(
            _("Complete the earlier lessons of the course before taking this quiz."),
            course=_course(access),
        )
    return access.enrollment


def _course(access):
    return CoursePage.objects.filter(pk=access.course_id).first()


def learner_attempts(user) -> QuerySet[Attempt]:
    """The attempts ``user`` may see and submit: their own."""
    if not user.is_authenticated:
        return Attempt.objects.none()
    return Attempt.objects.filter(user=user)

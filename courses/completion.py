"""Extension points for what "complete" means.

A lesson is complete when the learner marks it so and nothing blocks it; a course is
complete when every required lesson is complete and every course requirement holds.
Other apps (quizzes: "required assessments passed") register their own checks here
instead of this app importing them, and add what they show beside a learner's
courses on "My learning" (certificates: the download link) or below them
(certificates: those given for training in person).
"""

from collections.abc import Callable
from dataclasses import dataclass

import django.dispatch

# Called with (enrollment, lesson); returns a message saying what is still needed,
# or None when the lesson may be completed.
LessonBlocker = Callable[..., str | None]
# Called with (enrollment); returns True when the course requirement holds.
CourseRequirement = Callable[..., bool]

# Called with (user=, enrollments=); returns {enrollment id: value} for the
# enrolments it has something to show for.
LearningExtra = Callable[..., dict]

_lesson_blockers: list[LessonBlocker] = []
_course_requirements: list[CourseRequirement] = []
_learning_extras: dict[str, tuple[LearningExtra, str]] = {}
# Called with (user=); returns what to show below the courses, or something false.
LearningSection = Callable[..., object]
_learning_sections: dict[str, tuple[LearningSection, str, bool]] = {}

# Sent once, after the transaction that completed a course commits.
# Arguments: enrollment.
course_completed = django.dispatch.Signal()


def register_lesson_blocker(func: LessonBlocker) -> LessonBlocker:
    if func not in _lesson_blockers:
        _lesson_blockers.append(func)
    return func


def register_course_requirement(func: CourseRequirement) -> CourseRequirement:
    if func not in _course_requirements:
        _course_requirements.append(func)
    return func


def lesson_blockers(enrollment, lesson) -> list[str]:
    return [msg for func in _lesson_blockers if (msg := func(enrollment, lesson))]


def course_requirements_met(enrollment) -> bool:
    return all(func(enrollment) for func in _course_requirements)


def register_learning_extra(name: str, func: LearningExtra, template: str) -> None:
    """Show ``template`` beside each course on "My learning" that ``func`` answers for.

    The template receives the value ``func`` returned for that enrolment as ``value``
    and the row as ``row``. ``func`` is called once per page with every enrolment,
    so it should cost one query.
    """
    _learning_extras[name] = (func, template)


@dataclass(frozen=True)
class LearningExtraValue:
    template: str
    value: object
    first: bool = False


def learning_extras(*, user, enrollments) -> dict[int, list[LearningExtraValue]]:
    by_enrollment: dict[int, list[LearningExtraValue]] = {}
    for func, template in _learning_extras.values():
        for enrollment_id, value in func(user=user, enrollments=enrollments).items():
            by_enrollment.setdefault(enrollment_id, []).append(
                LearningExtraValue(template=template, value=value)
            )
    return by_enrollment


def register_learning_section(
    name: str, func: LearningSection, template: str, *, first: bool = False
) -> None:
    """Show ``template`` on "My learning" when ``func`` has something to show:
    below the courses, or above them when ``first`` (what a person must do).

    The template receives what ``func(user=user)`` returned as ``value``; ``func``
    is called once per page, so it should cost a few queries.
    """
    _learning_sections[name] = (func, template, first)


def learning_sections(*, user) -> list[LearningExtraValue]:
    shown = []
    for func, template, first in _learning_sections.values():
        value = func(user=user)
        if value:
            shown.append(
                LearningExtraValue(template=template, value=value, first=first)
            )
    return shown

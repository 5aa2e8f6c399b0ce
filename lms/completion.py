"""Extension points for what "complete" means.

A lesson is complete when the learner marks it so and nothing blocks it; a course is
complete when every required lesson is complete and every course requirement holds.
Other apps (quizzes: "required assessments passed") register their own checks here
instead of this app importing them.
"""

from collections.abc import Callable

import django.dispatch

# Called with (enrollment, lesson); returns a message saying what is still needed,
# or None when the lesson may be completed.
LessonBlocker = Callable[..., str | None]
# Called with (enrollment); returns True when the course requirement holds.
CourseRequirement = Callable[..., bool]

_lesson_blockers: list[LessonBlocker] = []
_course_requirements: list[CourseRequirement] = []

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

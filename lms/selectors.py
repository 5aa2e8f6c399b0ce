"""Reads of learning records: what a learner sees of a course and of their progress."""

import json
from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import Q
from wagtail.models import Page

from lms.models import Enrollment, LessonProgress


@dataclass
class LessonItem:
    lesson: object
    status: str | None  # None, "opened" or "completed"
    locked: bool

    @property
    def completed(self) -> bool:
        return self.status == LessonProgress.Status.COMPLETED


@dataclass
class CourseState:
    """A course as one learner sees it: enrolment, lessons with status, progress."""

    enrollment: Enrollment | None
    lessons: list[LessonItem] = field(default_factory=list)

    @property
    def required_total(self) -> int:
        return sum(1 for item in self.lessons if item.lesson.is_required)

    @property
    def required_done(self) -> int:
        return sum(
            1 for item in self.lessons if item.lesson.is_required and item.completed
        )

    @property
    def percent(self) -> int:
        if self.enrollment and self.enrollment.completed_at:
            return 100
        total = self.required_total
        return round(100 * self.required_done / total) if total else 0

    @property
    def resume_item(self) -> LessonItem | None:
        """Where to continue: the resume point if unfinished, else the first open."""
        if self.enrollment and self.enrollment.last_lesson_id:
            for item in self.lessons:
                if (
                    item.lesson.pk == self.enrollment.last_lesson_id
                    and not item.completed
                ):
                    return item
        for item in self.lessons:
            if not item.completed and not item.locked:
                return item
        return None


def _lesson_items(course, enrollment: Enrollment | None) -> list[LessonItem]:
    from courses.selectors import lesson_list

    lessons = list(lesson_list(course=course))
    statuses = {}
    if enrollment is not None:
        statuses = dict(enrollment.lesson_progress.values_list("lesson_id", "status"))
    items = []
    blocked = False
    for lesson in lessons:
        status = statuses.get(lesson.pk)
        items.append(LessonItem(lesson=lesson, status=status, locked=blocked))
        # In a sequential course a lesson opens once every earlier required one is done.
        if course.sequential and lesson.is_required and status != "completed":
            blocked = True
    return items


@dataclass(frozen=True)
class LessonAccess:
    """What one query tells of a lesson and a learner's place in its course.

    ``blocks`` is the lesson body's raw StreamField data. ``enrollment`` is the
    learner's enrolment in the live course holding the lesson (None when not
    enrolled, or the course is not live), loaded with ``pk``, ``user_id`` and
    ``course_id`` only. ``unlocked`` (never without an enrolment) follows the rule
    of :func:`_lesson_items`: in a sequential course a lesson opens once every
    earlier live required lesson is completed.
    """

    live: bool
    blocks: list
    enrollment: Enrollment | None
    unlocked: bool


@cache
def _lesson_access_sql() -> str:
    from courses.models import CoursePage, LessonPage

    tables = {
        "page": Page._meta.db_table,
        "lesson": LessonPage._meta.db_table,
        "course": CoursePage._meta.db_table,
        "enrollment": Enrollment._meta.db_table,
        "progress": LessonProgress._meta.db_table,
    }
    # Siblings of a lesson are the pages of its depth whose paths sort between
    # its course's path and its own (materialised paths of a fixed step).
    return """
        SELECT p.live, l.body, e.id, e.course_id, c.sequential AND EXISTS (
            SELECT 1 FROM {page} ep
            INNER JOIN {lesson} el ON el.page_ptr_id = ep.id
            WHERE ep.depth = p.depth AND ep.path > cp.path AND ep.path < p.path
              AND ep.live = %s AND el.is_required = %s
              AND NOT EXISTS (
                SELECT 1 FROM {progress} lp
                WHERE lp.enrollment_id = e.id AND lp.lesson_id = ep.id
                  AND lp.status = %s
              )
        )
        FROM {lesson} l
        INNER JOIN {page} p ON p.id = l.page_ptr_id
        LEFT JOIN {page} cp
          ON cp.path = substr(p.path, 1, length(p.path) - %s) AND cp.live = %s
        LEFT JOIN {course} c ON c.page_ptr_id = cp.id
        LEFT JOIN {enrollment} e ON e.course_id = c.page_ptr_id AND e.user_id = %s
        WHERE l.page_ptr_id = %s
    """.format(**tables)


def lesson_access(*, user, lesson_id: int) -> LessonAccess | None:
    """The lesson ``lesson_id`` as ``user`` may use it, in one query; None if absent.

    For paths that check access on every request (an H5P player's statements and
    files) and need no outline. Written in SQL because building the equivalent
    ORM queries costs several times more than running them.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _lesson_access_sql(),
            [
                True,
                True,
                LessonProgress.Status.COMPLETED,
                Page.steplen,
                True,
                user.pk if user.is_authenticated else None,
                lesson_id,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    live, body, enrollment_id, course_id, blocked = row
    enrollment = None
    if enrollment_id is not None:
        enrollment = Enrollment.from_db(
            connection.alias,
            ["id", "user_id", "course_id"],
            [enrollment_id, user.pk, course_id],
        )
    blocks = json.loads(body) if isinstance(body, str | bytes) else body
    return LessonAccess(
        live=bool(live),
        blocks=blocks or [],
        enrollment=enrollment,
        unlocked=enrollment is not None and not blocked,
    )


def course_state(*, course, user) -> CourseState:
    enrollment = None
    if user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, course_id=course.pk).first()
    return CourseState(enrollment=enrollment, lessons=_lesson_items(course, enrollment))


@dataclass
class LessonState(CourseState):
    current: LessonItem | None = None
    previous: LessonItem | None = None
    next: LessonItem | None = None

    @property
    def locked(self) -> bool:
        return self.current is None or self.current.locked

    @property
    def position(self) -> int:
        return self.lessons.index(self.current) + 1 if self.current else 0


def lesson_state(*, lesson, course, user) -> LessonState:
    """The course state seen from one lesson, with its neighbours."""
    base = course_state(course=course, user=user)
    state = LessonState(enrollment=base.enrollment, lessons=base.lessons)
    for index, item in enumerate(state.lessons):
        if item.lesson.pk == lesson.pk:
            state.current = item
            state.previous = state.lessons[index - 1] if index else None
            state.next = (
                state.lessons[index + 1] if index + 1 < len(state.lessons) else None
            )
    return state


@dataclass
class LearningRow:
    enrollment: Enrollment
    required_total: int
    required_done: int
    certificate: object | None = None

    @property
    def percent(self) -> int:
        if self.enrollment.completed_at:
            return 100
        if not self.required_total:
            return 0
        return round(100 * self.required_done / self.required_total)


def my_learning(*, user) -> list[LearningRow]:
    """Every enrolment of ``user`` with progress and certificate, in 4 queries."""
    from certificates.selectors import learner_certificates
    from courses.models import LessonPage

    enrollments = list(
        Enrollment.objects.filter(user=user, course__live=True)
        .select_related("course", "course__cover_image", "last_lesson")
        .order_by("completed_at", "-last_activity_at")
    )
    if not enrollments:
        return []
    by_path = {e.course.path: e for e in enrollments}
    steplen = LessonPage.steplen
    paths = Q()
    for path in by_path:
        paths |= Q(path__startswith=path)
    required_by_course: dict[int, set[int]] = {e.course_id: set() for e in enrollments}
    for pk, path in (
        LessonPage.objects.live()
        .filter(
            paths, is_required=True, depth__in={e.course.depth + 1 for e in enrollments}
        )
        .values_list("pk", "path")
    ):
        course_enrollment = by_path.get(path[:-steplen])
        if course_enrollment:
            required_by_course[course_enrollment.course_id].add(pk)
    done: dict[int, set[int]] = {e.pk: set() for e in enrollments}
    for enrollment_id, lesson_id in LessonProgress.objects.filter(
        enrollment__in=enrollments, status=LessonProgress.Status.COMPLETED
    ).values_list("enrollment_id", "lesson_id"):
        done[enrollment_id].add(lesson_id)
    completed = [e.course_id for e in enrollments if e.completed_at]
    certificates = (
        learner_certificates(user=user, course_ids=completed) if completed else {}
    )
    return [
        LearningRow(
            enrollment=e,
            required_total=len(required_by_course[e.course_id]),
            required_done=len(required_by_course[e.course_id] & done[e.pk]),
            certificate=certificates.get(e.course_id),
        )
        for e in enrollments
    ]

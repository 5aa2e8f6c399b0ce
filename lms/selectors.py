"""Reads of learning records: what a learner sees of a course and of their progress."""

from dataclasses import dataclass, field

from django.db.models import Q

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


def lesson_is_unlocked(*, enrollment: Enrollment, lesson, sequential: bool) -> bool:
    """The unlocking rule of :func:`_lesson_items` for one lesson, in one query.

    For paths that check access on every request (an H5P player's statements) and
    need no outline: in a sequential course a lesson opens once every earlier live
    required lesson is completed.
    """
    from courses.models import LessonPage

    if not sequential:
        return True
    done = LessonProgress.objects.filter(
        enrollment=enrollment, status=LessonProgress.Status.COMPLETED
    ).values("lesson_id")
    return not (
        LessonPage.objects.filter(
            live=True,
            path__startswith=lesson.path[: -lesson.steplen],
            depth=lesson.depth,
            path__lt=lesson.path,
            is_required=True,
        )
        .exclude(pk__in=done)
        .exists()
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

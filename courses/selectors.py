"""Reads of the course catalogue and of learners' records in it."""

from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, FilteredRelation, Q, QuerySet
from wagtail.documents import get_document_model

from courses import completion, videos
from courses.assessments import assessment_kinds
from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    LessonPage,
    LessonProgress,
    Topic,
)
from lms.content_version import ContentMemo, content_version
from lms.text import fold

COURSES_PER_PAGE = 12
# How long a lesson's place in its course is kept at most; publishing drops it at once.
GATE_SECONDS = 600


def course_list(*, topic: str = "", query: str = "") -> QuerySet[CoursePage]:
    """Live, public courses, optionally of one topic, matching every folded word."""
    qs = CoursePage.objects.live().public().select_related("cover_image")
    if topic:
        qs = qs.filter(topic=topic)
    for word in fold(query).split():
        qs = qs.filter(search_text__contains=word)
    return qs.order_by("path")


def course_page(
    *, parent: CourseIndexPage, topic: str, query: str, page: str | None
) -> PaginatorPage:
    qs = course_list(topic=topic, query=query).descendant_of(parent)
    return Paginator(qs, COURSES_PER_PAGE).get_page(page)


def course_index_first() -> CourseIndexPage | None:
    return CourseIndexPage.objects.live().first()


# The catalogue's address as this process last read it.
_catalogue = ContentMemo()


def catalogue_url() -> str:
    """The address of the course catalogue ("/" when there is none).

    Every page links to it, so each process reads it once per change of
    published content.
    """
    version = content_version()
    url = _catalogue.get(version, "url")
    if url is None:
        index = course_index_first()
        url = (index.url if index else None) or "/"
        _catalogue.put(version, "url", url, 1)
    return url


def topic_summary() -> list[dict]:
    """Each topic with the number of live courses in it, in the order of the choices."""
    counts = dict(
        CoursePage.objects.live()
        .public()
        .values_list("topic")
        .annotate(n=Count("id"))
        .values_list("topic", "n")
    )
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Topic.choices
        if counts.get(value)
    ]


def lesson_list(*, course: CoursePage) -> QuerySet[LessonPage]:
    """The live lessons of a course in the order editors arranged them."""
    return (
        LessonPage.objects.live().child_of(course).defer_streamfields().order_by("path")
    )


# Learning records -----------------------------------------------------------------


def locked_lessons(
    outline: Sequence[tuple[int, bool]], *, sequential: bool, completed: Set[int]
) -> set[int]:
    """The lessons of ``outline`` a learner cannot open yet: the unlock rule.

    ``outline`` lists a course's live lessons in order as ``(id, is_required)``;
    ``completed`` holds the ids of the lessons the learner has completed. In a
    sequential course a lesson opens once every earlier required lesson is
    completed; in any other course every lesson is open. Every read and write that
    depends on a lesson being open comes here (through :func:`course_state`,
    :func:`lesson_access` or :func:`lesson_unlocked`).
    """
    locked: set[int] = set()
    if not sequential:
        return locked
    blocked = False
    for lesson_id, is_required in outline:
        if blocked:
            locked.add(lesson_id)
        if is_required and lesson_id not in completed:
            blocked = True
    return locked


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


# The live lessons of each course as this process last read them.
_outlines = ContentMemo()


def course_outline(course: CoursePage) -> tuple[LessonPage, ...]:
    """:func:`lesson_list` as a tuple, read once per process until content
    changes (the same for every learner; not to be changed by the caller)."""
    version = content_version()
    lessons = _outlines.get(version, course.pk)
    if lessons is None:
        lessons = tuple(lesson_list(course=course))
        _outlines.put(version, course.pk, lessons, settings.LMS_CONTENT_MEMO_SIZE)
    return lessons


def _lesson_items(course, enrollment: Enrollment | None) -> list[LessonItem]:
    lessons = course_outline(course)
    statuses = {}
    if enrollment is not None:
        statuses = dict(enrollment.lesson_progress.values_list("lesson_id", "status"))
    completed = {
        pk
        for pk, status in statuses.items()
        if status == LessonProgress.Status.COMPLETED
    }
    locked = locked_lessons(
        [(lesson.pk, lesson.is_required) for lesson in lessons],
        sequential=course.sequential,
        completed=completed,
    )
    return [
        LessonItem(
            lesson=lesson, status=statuses.get(lesson.pk), locked=lesson.pk in locked
        )
        for lesson in lessons
    ]


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

    @property
    def earlier_to_complete(self) -> list[LessonItem]:
        """The required lessons before this one still to complete, while it is
        locked: the lessons whose completion opens it (see :func:`locked_lessons`)."""
        if self.current is None or not self.current.locked:
            return []
        earlier = self.lessons[: self.lessons.index(self.current)]
        return [
            item for item in earlier if item.lesson.is_required and not item.completed
        ]


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


@dataclass(frozen=True)
class LessonGate:
    """What deciding whether a learner may use a lesson needs, alike for everyone.

    ``course_id`` is the live course holding the lesson (None when the lesson is
    not in a live course); ``outline`` its live lessons as :func:`locked_lessons`
    takes them; ``shown`` the ``(block type, id)`` of what the lesson body shows
    that a learner fetches apart from the page (quizzes, H5P activities, videos).
    Kept in the cache until a page is published, unpublished, moved or deleted
    (:mod:`lms.content_version`).
    """

    live: bool
    course_id: int | None
    sequential: bool
    outline: tuple[tuple[int, bool], ...]
    shown: frozenset[tuple[str, int]]


# Blocks whose target a learner fetches apart from the page: (block type, key).
VIDEO_BLOCK = ("video", "video_file")


def _targets_shown(raw_blocks) -> frozenset[tuple[str, int]]:
    keys = dict([VIDEO_BLOCK])
    keys.update({kind.block_type: kind.target_key for kind in assessment_kinds()})
    shown = set()
    for block in raw_blocks or ():
        if not isinstance(block, dict) or block.get("type") not in keys:
            continue
        target = (block.get("value") or {}).get(keys[block["type"]])
        if isinstance(target, int):
            shown.add((block["type"], target))
    return frozenset(shown)


_NO_LESSON = "absent"


def _lesson_gate(lesson_id: int) -> LessonGate | None:
    key = f"courses:lesson-gate:{content_version()}:{lesson_id}"
    gate = cache.get(key)
    if gate is None:
        gate = _lesson_gate_load(lesson_id) or _NO_LESSON
        cache.set(key, gate, GATE_SECONDS)
    return None if gate == _NO_LESSON else gate


def _lesson_gate_load(lesson_id: int) -> LessonGate | None:
    lesson = LessonPage.objects.filter(pk=lesson_id).first()
    if lesson is None:
        return None
    course = (
        CoursePage.objects.live()
        .filter(path=lesson.path[: -lesson.steplen])
        .only("pk", "sequential")
        .first()
    )
    outline = ()
    if course is not None:
        outline = tuple(lesson_list(course=course).values_list("pk", "is_required"))
    return LessonGate(
        live=lesson.live,
        course_id=course.pk if course else None,
        sequential=bool(course and course.sequential),
        outline=outline,
        shown=_targets_shown(lesson.body.raw_data),
    )


@dataclass(frozen=True)
class LessonAccess:
    """A lesson as one learner may use it, from :func:`lesson_access`.

    ``course_id`` is the live course holding the lesson (None if there is none);
    ``enrollment`` the learner's enrolment in it (None when not enrolled), loaded
    with ``pk``, ``user_id`` and ``course_id`` only; ``unlocked`` is never true
    without it.
    """

    live: bool
    course_id: int | None
    enrollment: Enrollment | None
    unlocked: bool
    shown: frozenset[tuple[str, int]]

    def shows(self, block_type: str, target_id: int) -> bool:
        """Whether the lesson body shows ``target_id`` in a block of that type."""
        return (block_type, target_id) in self.shown


def _completed_lessons(*, user_id: int, course_id: int) -> tuple[int | None, set[int]]:
    """The learner's enrolment id in the course and the lessons they completed."""
    rows = (
        Enrollment.objects.filter(user_id=user_id, course_id=course_id)
        .annotate(
            done=FilteredRelation(
                "lesson_progress",
                condition=Q(lesson_progress__status=LessonProgress.Status.COMPLETED),
            )
        )
        .values_list("pk", "done__lesson_id")
    )
    enrollment_id = None
    completed = set()
    for pk, lesson_id in rows:
        enrollment_id = pk
        if lesson_id is not None:
            completed.add(lesson_id)
    return enrollment_id, completed


def lesson_access(*, user, lesson_id: int) -> LessonAccess | None:
    """The lesson ``lesson_id`` as ``user`` may use it; None if there is no such lesson.

    For paths that check access on every request (quiz and H5P submissions, H5P
    files): the lesson's place in its course comes from the cache, the learner's
    enrolment and completed lessons from one query.
    """
    gate = _lesson_gate(lesson_id)
    if gate is None:
        return None
    enrollment = None
    unlocked = False
    if user.is_authenticated and gate.course_id is not None:
        enrollment_id, completed = _completed_lessons(
            user_id=user.pk, course_id=gate.course_id
        )
        if enrollment_id is not None:
            enrollment = Enrollment(
                pk=enrollment_id, user_id=user.pk, course_id=gate.course_id
            )
            unlocked = gate.live and lesson_id not in locked_lessons(
                gate.outline, sequential=gate.sequential, completed=completed
            )
    return LessonAccess(
        live=gate.live,
        course_id=gate.course_id,
        enrollment=enrollment,
        unlocked=unlocked,
        shown=gate.shown,
    )


def lesson_unlocked(*, enrollment: Enrollment, lesson_id: int) -> bool:
    """Whether the lesson is live, in the enrolment's course and open to its learner."""
    gate = _lesson_gate(lesson_id)
    if gate is None or not gate.live or gate.course_id != enrollment.course_id:
        return False
    _enrollment_id, completed = _completed_lessons(
        user_id=enrollment.user_id, course_id=enrollment.course_id
    )
    return lesson_id not in locked_lessons(
        gate.outline, sequential=gate.sequential, completed=completed
    )


@dataclass
class LearningRow:
    enrollment: Enrollment
    required_total: int
    required_done: int
    extras: list = field(default_factory=list)

    @property
    def percent(self) -> int:
        if self.enrollment.completed_at:
            return 100
        if not self.required_total:
            return 0
        return round(100 * self.required_done / self.required_total)


def my_learning(*, user) -> list[LearningRow]:
    """Every enrolment of ``user`` with progress, in 3 queries and one per extra.

    Each row carries what other apps show about the course
    (:func:`courses.completion.learning_extras`, e.g. the certificate).
    """
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
    extras = completion.learning_extras(user=user, enrollments=enrollments)
    return [
        LearningRow(
            enrollment=e,
            required_total=len(required_by_course[e.course_id]),
            required_done=len(required_by_course[e.course_id] & done[e.pk]),
            extras=extras.get(e.pk, []),
        )
        for e in enrollments
    ]


def lesson_videos(*, lesson_ids: list[int]) -> list[dict]:
    """The uploaded videos of the given lessons, in their order, each with where the
    lesson plays it and its size: ``[{"lesson": id, "url": ..., "size": bytes}]``.

    Two queries: the lessons' bodies and the documents they name.
    """
    named: list[tuple[int, int]] = []
    bodies = dict(
        LessonPage.objects.filter(pk__in=lesson_ids).values_list("pk", "body")
    )
    for lesson_id in lesson_ids:
        body = bodies.get(lesson_id)
        for block in body.raw_data if body is not None else ():
            value = block.get("value") or {}
            if block.get("type") == "video" and isinstance(
                value.get("video_file"), int
            ):
                named.append((lesson_id, value["video_file"]))
    documents = get_document_model().objects.in_bulk({pk for _l, pk in named})
    found = []
    for lesson_id, document_id in named:
        document = documents.get(document_id)
        if document is None or not videos.is_video(document):
            continue
        found.append(
            {
                "lesson": lesson_id,
                "url": videos.video_url(document, lesson_id=lesson_id),
                "size": document.file_size or 0,
            }
        )
    return found

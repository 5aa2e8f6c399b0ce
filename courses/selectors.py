"""Reads of the course catalogue."""

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet

from courses.models import CourseIndexPage, CoursePage, LessonPage, Topic
from lms.text import fold

COURSES_PER_PAGE = 12


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

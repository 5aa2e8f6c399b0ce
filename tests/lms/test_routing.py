"""A learner's lesson is found without walking the page tree again, and every
change an editor makes to the tree shows at once (lms/routing.py)."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from courses.models import LessonPage
from tests.factories import add_course

pytestmark = pytest.mark.django_db


def _tables_read(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return status, [query["sql"] for query in queries.captured_queries]


def test_a_lesson_opened_again_reads_no_site_and_no_page_of_its_path(learner, lessons):
    lesson = lessons[0]
    assert learner.get(lesson.url).status_code == 200

    status, queries = _tables_read(learner, lesson.url)

    assert status == 200
    tables = [sql.split(" FROM ")[1].split()[0] for sql in queries]
    # The account, the enrolment, the learner's progress: no site, no page of
    # the path, no view restriction, no outline of the course.
    assert tables == ['"lms_user"', '"courses_enrollment"', '"courses_lessonprogress"']


def test_an_unpublished_lesson_is_gone_at_once(learner, lessons):
    lesson = lessons[0]
    assert learner.get(lesson.url).status_code == 200

    lesson.unpublish()

    assert learner.get(lesson.url).status_code == 404


def test_a_lesson_added_to_the_course_counts_in_its_outline_at_once(
    learner, course, lessons
):
    assert "Lesson 1 of 3" in learner.get(lessons[0].url).content.decode()

    added = LessonPage(title="Bài mới: Cổng dịch vụ công", slug="bai-moi")
    course.add_child(instance=added)
    added.save_revision().publish()

    assert "Lesson 1 of 4" in learner.get(lessons[0].url).content.decode()


def test_a_renamed_lesson_answers_at_its_new_address_only(learner, lessons):
    lesson = lessons[0]
    old_url = lesson.url
    assert learner.get(old_url).status_code == 200

    lesson.slug = "bai-moi"
    lesson.save_revision().publish()
    lesson.refresh_from_db()

    assert learner.get(old_url).status_code == 404
    assert lesson.url.endswith("/bai-moi/")
    assert learner.get(lesson.url).status_code == 200


def test_a_new_group_restriction_hides_a_course_at_once(learner, course):
    assert learner.get(course.url).status_code == 200

    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Công chức"))

    assert learner.get(course.url).status_code == 404


def test_a_lifted_restriction_shows_the_course_again_at_once(learner, user, course):
    group = Group.objects.create(name="Công chức")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    assert learner.get(course.url).status_code == 404

    restriction.delete()

    assert learner.get(course.url).status_code == 200


def test_a_learner_joining_the_group_sees_the_restricted_course(learner, user, course):
    group = Group.objects.create(name="Công chức")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    assert learner.get(course.url).status_code == 404

    user.groups.add(group)

    assert learner.get(course.url).status_code == 200


def test_with_room_for_one_route_each_lesson_is_still_its_own(
    settings, learner, catalogue
):
    settings.LMS_CONTENT_MEMO_SIZE = 1
    course = add_course(catalogue, title="Khoá tự do", sequential=False)
    learner.post(reverse("enroll", args=[course.pk]))

    for _round in range(2):
        for lesson in course.get_children().live().specific():
            page = learner.get(lesson.url).content.decode()
            assert f"<h1>{lesson.title}</h1>" in page


def test_two_courses_with_lessons_of_the_same_name_keep_their_own(learner, catalogue):
    first = add_course(catalogue, title="Khoá thứ nhất", sequential=False)
    second = add_course(catalogue, title="Khoá thứ hai", sequential=False)
    for course in (first, second):
        learner.post(reverse("enroll", args=[course.pk]))

    for course in (first, second, first):
        lesson = course.get_children().live().first()
        page = learner.get(lesson.url).content.decode()
        assert course.title in page


def test_a_quiz_renamed_by_an_editor_shows_its_new_title_in_the_lesson_at_once(
    learner, lessons
):
    from tests.quizzes.factories import place_quiz, quiz_with_questions

    quiz = quiz_with_questions(title="Nhận biết tin nhắn lừa đảo")
    lesson = place_quiz(lessons[0], quiz)
    assert "Nhận biết tin nhắn lừa đảo" in learner.get(lesson.url).content.decode()

    quiz.title = "Nhận biết cuộc gọi lừa đảo"
    quiz.save()

    assert "Nhận biết cuộc gọi lừa đảo" in learner.get(lesson.url).content.decode()

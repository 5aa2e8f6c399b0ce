import pytest
from django.urls import reverse

from courses.models import Enrollment, LessonProgress
from tests.factories import add_course

pytestmark = pytest.mark.django_db


def lessons_of(course):
    return list(course.get_children().live().specific().order_by("path"))


def test_course_page_offers_enrolment_to_a_signed_in_learner(learner_client, course):
    response = learner_client.get(course.url)
    assert response.status_code == 200
    assert reverse("enroll", args=[course.pk]) in response.content.decode()


def test_second_enrolment_is_idempotent(learner_client, user, course):
    url = reverse("enroll", args=[course.pk])
    first = learner_client.post(url)
    second = learner_client.post(url)
    assert first.status_code == second.status_code == 302
    assert Enrollment.objects.filter(user=user, course=course).count() == 1


def test_enrolment_needs_post(learner_client, course):
    response = learner_client.get(reverse("enroll", args=[course.pk]))
    assert response.status_code == 405


def test_enrolling_in_an_unpublished_course_is_refused(learner_client, user, catalogue):
    draft = add_course(catalogue, title="Bản nháp", live=False)
    response = learner_client.post(reverse("enroll", args=[draft.pk]), follow=True)
    assert not Enrollment.objects.filter(user=user).exists()
    assert "not open for enrolment" in response.content.decode()


def test_unpublished_course_is_404_for_learners(learner_client, catalogue):
    draft = add_course(catalogue, title="Bản nháp", live=False)
    assert learner_client.get("/khoa-hoc/ban-nhap/").status_code == 404
    assert draft.slug == "ban-nhap"


def test_locked_lesson_is_refused_until_earlier_ones_are_done(learner_client, course):
    learner_client.post(reverse("enroll", args=[course.pk]))
    first, second, _third = lessons_of(course)
    response = learner_client.get(second.url)
    assert response.status_code == 403
    assert "still locked" in response.content.decode()
    learner_client.post(reverse("lesson_complete", args=[first.pk]))
    assert learner_client.get(second.url).status_code == 200


def test_reading_every_lesson_completes_the_course(learner_client, user, course):
    learner_client.post(reverse("enroll", args=[course.pk]))
    for lesson in lessons_of(course):
        assert learner_client.get(lesson.url).status_code == 200
        learner_client.post(reverse("lesson_complete", args=[lesson.pk]))
    enrollment = Enrollment.objects.get(user=user, course=course)
    assert enrollment.completed_at is not None
    page = learner_client.get(reverse("my_learning")).content.decode()
    assert 'value="100"' in page
    assert course.title in page


def test_resume_point_is_the_last_opened_lesson(learner_client, user, course):
    learner_client.post(reverse("enroll", args=[course.pk]))
    first, second, _third = lessons_of(course)
    learner_client.post(reverse("lesson_complete", args=[first.pk]))
    learner_client.get(second.url)
    enrollment = Enrollment.objects.get(user=user)
    assert enrollment.last_lesson_id == second.pk
    page = learner_client.get(course.url).content.decode()
    assert "Continue where you left off" in page
    assert second.url in page
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 2


def test_anonymous_visitor_is_sent_to_login_from_a_lesson(client, course):
    lesson = lessons_of(course)[0]
    response = client.get(lesson.url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_search_finds_courses_without_accents(client, catalogue):
    add_course(catalogue, title="Thanh toán không dùng tiền mặt", topic="cashless")
    add_course(catalogue, title="Dịch vụ công trực tuyến")
    page = client.get(catalogue.url, {"q": "dich vu cong"}).content.decode()
    assert "Dịch vụ công trực tuyến" in page
    assert "Thanh toán không dùng tiền mặt" not in page


@pytest.mark.parametrize("lesson_count", [3, 50])
def test_lesson_page_queries_stay_flat(
    learner_client, catalogue, lesson_count, django_assert_num_queries
):
    course = add_course(
        catalogue, title=f"Khoá {lesson_count}", lessons=lesson_count, sequential=False
    )
    learner_client.post(reverse("enroll", args=[course.pk]))
    lesson = lessons_of(course)[-1]
    learner_client.get(lesson.url)
    # The account, the enrolment, the progress: the route and the course's
    # outline are remembered (lms/routing.py, courses.selectors.course_outline).
    with django_assert_num_queries(3):
        assert learner_client.get(lesson.url).status_code == 200


def test_course_restricted_to_a_group_is_404_for_other_learners(learner_client, course):
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    civil_servants = Group.objects.create(name="Civil servants")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(civil_servants)
    assert learner_client.get(course.url).status_code == 404
    response = learner_client.post(reverse("enroll", args=[course.pk]), follow=True)
    assert "not open for enrolment" in response.content.decode()


def test_officials_find_the_certificate_screens_from_my_learning(client, site_tree):
    from lms.models.users import Role
    from lms.services import role_grant
    from tests.factories import CommuneFactory, UserFactory

    official = UserFactory()
    role_grant(
        user=official, role=Role.COMMUNE_OFFICIAL, commune=CommuneFactory(), by=None
    )
    resident = UserFactory()
    manage_url = reverse("certificates:manage")
    client.force_login(resident)
    assert manage_url not in client.get(reverse("my_learning")).content.decode()
    client.force_login(official)
    assert manage_url in client.get(reverse("my_learning")).content.decode()


@pytest.mark.parametrize("sequential", [True, False])
def test_the_access_check_agrees_with_the_course_outline_in_one_query(
    learner_client, user, catalogue, sequential, django_assert_num_queries
):
    from courses import selectors

    course = add_course(
        catalogue, title="Khoá bốn bài", lessons=4, sequential=sequential
    )
    learner_client.post(reverse("enroll", args=[course.pk]))
    lessons = lessons_of(course)
    learner_client.post(reverse("lesson_complete", args=[lessons[0].pk]))
    enrollment = Enrollment.objects.get(user=user, course=course)
    outline = selectors.course_state(course=course, user=user).lessons
    verdicts = []
    for lesson in lessons:
        selectors.lesson_access(user=user, lesson_id=lesson.pk)
        # The lesson's place in its course is cached; the learner's part is one query.
        with django_assert_num_queries(1):
            access = selectors.lesson_access(user=user, lesson_id=lesson.pk)
        assert access.enrollment == enrollment
        assert access.live
        verdicts.append(access.unlocked)
    assert verdicts == [not item.locked for item in outline]
    assert verdicts == ([True, True, False, False] if sequential else [True] * 4)


def test_the_unlock_rule_skips_optional_and_draft_lessons_and_other_courses(
    learner_client, user, catalogue
):
    """Earlier lessons count only when live, required and in the same course."""
    from courses import selectors

    add_course(catalogue, title="Khoá trước, chưa học", lessons=3)
    course = add_course(catalogue, title="Khoá năm bài", lessons=5)
    lessons = lessons_of(course)
    optional, draft = lessons[1], lessons[2]
    optional.is_required = False
    optional.save()
    draft.unpublish()
    learner_client.post(reverse("enroll", args=[course.pk]))
    learner_client.post(reverse("lesson_complete", args=[lessons[0].pk]))

    outline = selectors.course_state(course=course, user=user).lessons
    verdicts = {
        item.lesson.pk: selectors.lesson_access(
            user=user, lesson_id=item.lesson.pk
        ).unlocked
        for item in outline
    }

    assert verdicts == {item.lesson.pk: not item.locked for item in outline}
    assert [verdicts[lesson.pk] for lesson in (lessons[0], optional, *lessons[3:])] == [
        True,
        True,
        True,
        False,
    ]
    assert not selectors.lesson_access(user=user, lesson_id=draft.pk).live


def test_the_access_check_sees_no_enrolment_in_another_course_or_a_draft(
    learner_client, user, catalogue
):
    from courses import selectors

    enrolled = add_course(catalogue, title="Khoá đã ghi danh", lessons=2)
    other = add_course(catalogue, title="Khoá khác", lessons=2)
    learner_client.post(reverse("enroll", args=[enrolled.pk]))
    access = selectors.lesson_access(user=user, lesson_id=lessons_of(other)[0].pk)
    assert access.enrollment is None
    assert not access.unlocked

    first = lessons_of(enrolled)[0]
    assert selectors.lesson_access(user=user, lesson_id=first.pk).unlocked
    enrolled.unpublish()
    access = selectors.lesson_access(user=user, lesson_id=first.pk)
    assert access.enrollment is None
    assert not access.unlocked
    assert selectors.lesson_access(user=user, lesson_id=10**9) is None


def test_publishing_a_change_reaches_the_access_check_at_once(
    learner_client, user, catalogue
):
    """Making lesson 1 optional in the admin opens lesson 2 for a learner at once."""
    from courses import selectors

    course = add_course(catalogue, title="Khoá ba bài", lessons=3)
    learner_client.post(reverse("enroll", args=[course.pk]))
    first, second, _third = lessons_of(course)
    assert not selectors.lesson_access(user=user, lesson_id=second.pk).unlocked

    first.is_required = False
    first.save_revision().publish()

    assert selectors.lesson_access(user=user, lesson_id=second.pk).unlocked


def test_saving_a_draft_keeps_what_is_cached(
    user, catalogue, django_assert_num_queries
):
    from courses import selectors

    course = add_course(catalogue, title="Khoá nháp", lessons=2)
    first = lessons_of(course)[0]
    selectors.lesson_access(user=user, lesson_id=first.pk)
    first.title = "Bài một (bản nháp)"
    first.save_revision()
    # Only the learner's own part is read again, not the lesson's place.
    with django_assert_num_queries(1):
        selectors.lesson_access(user=user, lesson_id=first.pk)


def test_the_service_refuses_to_complete_a_locked_lesson(user, catalogue):
    """Any caller (a command, a task, an offline sync) meets the unlock rule."""
    from django.core.exceptions import ValidationError

    from courses import services

    course = add_course(catalogue, title="Khoá tuần tự", lessons=3, sequential=True)
    enrollment = services.enrollment_create(user=user, course=course)
    third = lessons_of(course)[2]
    with pytest.raises(ValidationError) as refused:
        services.lesson_complete(enrollment=enrollment, lesson=third)
    assert refused.value.error_list[0].code == "lesson_locked"
    assert not LessonProgress.objects.filter(enrollment=enrollment).exists()

import pytest
from django.urls import reverse

from courses import services
from tests.browser.helpers import horizontal_overflow, unlabelled_fields
from tests.factories import UserFactory
from tests.quizzes.helpers import required_quizzes_pass

pytestmark = pytest.mark.browser


@pytest.fixture
def learner(demo_courses):
    """A learner who finished every demo course but the last lesson of the second."""
    user = UserFactory()
    for index, course in enumerate(demo_courses.courses):
        enrollment = services.enrollment_create(user=user, course=course)
        lessons = demo_courses.lessons(course)
        if index == 1:
            lessons = lessons[:-1]
        for lesson in lessons:
            required_quizzes_pass(user, lesson)
            services.lesson_complete(enrollment=enrollment, lesson=lesson)
    return user


def test_learner_pages_fit_a_360px_phone_without_sideways_scrolling(
    browser_page, demo_courses, learner, log_in
):
    log_in(learner)
    urls = ["/", demo_courses.catalogue.url, reverse("my_learning")]
    for course in demo_courses.courses:
        urls.append(course.url)
        urls.extend(lesson.url for lesson in demo_courses.lessons(course))

    overflowing = {}
    for url in urls:
        response = browser_page.goto(url)
        assert response.ok, url
        if overflow := horizontal_overflow(browser_page):
            overflowing[url] = overflow

    assert overflowing == {}


def test_every_form_field_has_a_label(browser_page, demo_courses, learner, log_in):
    course = demo_courses.courses[0]
    lesson = demo_courses.lessons(course)[0]
    anonymous = [
        "/",
        demo_courses.catalogue.url,
        course.url,
        reverse("account_signup"),
        reverse("account_login"),
        reverse("account_request_login_code"),
    ]
    signed_in = [lesson.url, reverse("my_learning"), reverse("profile")]

    missing = {}
    for url in anonymous:
        assert browser_page.goto(url).ok, url
        if fields := unlabelled_fields(browser_page):
            missing[url] = fields
    log_in(learner)
    for url in signed_in:
        assert browser_page.goto(url).ok, url
        if fields := unlabelled_fields(browser_page):
            missing[url] = fields

    assert missing == {}

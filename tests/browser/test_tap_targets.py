"""Every button, form control and navigation link is big enough for a thumb."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import CoursePage
from tests.browser.helpers import small_tap_targets
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_every_page_type_has_tap_targets_of_at_least_44px(
    browser_page, demo_courses, log_in
):
    course = demo_courses.courses[0]
    lesson = demo_courses.lessons(course)[0]
    anonymous = [
        "/",
        demo_courses.catalogue.url,
        course.url,
        reverse("account_signup"),
        reverse("account_login"),
        reverse("account_request_login_code"),
        reverse("account_reset_password"),
        reverse("certificates:verify_form"),
        "/no-such-page/",
    ]
    learner = UserFactory()
    services.enrollment_create(user=learner, course=course)
    # The quiz as the phone keeps it to answer offline, in a course read in any order.
    CoursePage.objects.filter(pk=course.pk).update(sequential=False)
    quiz_lesson, quiz = next(
        (lesson, block.value["quiz"])
        for lesson in demo_courses.lessons(course)
        for block in lesson.body
        if block.block_type == "quiz"
    )
    signed_in = [
        course.url,
        lesson.url,
        reverse("my_learning"),
        reverse("profile"),
        reverse("offline"),
        reverse("quizzes:offline_sheet", args=[quiz.pk, quiz_lesson.pk]),
    ]

    small = {}
    for url in anonymous:
        browser_page.goto(url)
        if found := small_tap_targets(browser_page):
            small[url] = found
    log_in(learner)
    for url in signed_in:
        assert browser_page.goto(url).ok, url
        if found := small_tap_targets(browser_page):
            small[f"{url} (signed in)"] = found

    assert small == {}


def test_the_team_pages_have_tap_targets_of_at_least_44px(
    browser_page, transactional_db, log_in
):
    from tests.community_teams.outreach import household, skills_ensure
    from tests.factories import build_site
    from tests.staff import staff_world

    build_site()
    skills_ensure()
    world = staff_world()
    home = household(world.kp1, members=[("Lê Thị Hoa", 2012)])
    urls = [
        reverse("team_home"),
        reverse("team_hamlet", args=[world.kp1.pk]),
        reverse("team_household", args=[home.pk]),
        reverse("team_visit_new", args=[home.pk]),
        reverse("team_household_new", args=[world.kp1.pk]),
        reverse("team_phone", args=[world.kp1.pk]),
        reverse("team_paper_entry", args=[world.kp1.pk]),
        reverse("team_hamlet_checks", args=[world.kp1.pk]),
        reverse("team_my_visits"),
        reverse("team_review"),
    ]
    log_in(world.team_leader)

    small = {}
    for url in urls:
        assert browser_page.goto(url).ok, url
        for checkbox in browser_page.locator("input[name^=present]").all():
            checkbox.check()
        if found := small_tap_targets(browser_page):
            small[url] = found

    assert small == {}

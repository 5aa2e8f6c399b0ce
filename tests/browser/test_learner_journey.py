import re

import pytest
from playwright.sync_api import expect

from courses import services
from courses.models import Enrollment
from lms.accounts import sms
from lms.models import User
from quizzes.models import Choice
from tests.browser.helpers import horizontal_overflow
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PHONE = "0912 345 678"


def last_sms_code() -> str:
    assert sms.outbox, "no SMS was sent"
    match = re.search(r"\b(\d{6})\b", sms.outbox[-1].text)
    assert match, sms.outbox[-1].text
    return match.group(1)


def quiz_answered_right(page) -> None:
    """Start the lesson's quiz, tick the right choices of each question, submit."""
    quiz = page.locator("section.quiz")
    expect(quiz).to_contain_text("Bắt buộc để hoàn thành bài học")
    quiz.locator("form.quiz-start button").click()
    questions = page.locator("form.quiz-form fieldset.quiz-question")
    expect(questions.first).to_be_visible()
    for index in range(questions.count()):
        fieldset = questions.nth(index)
        question_id = int(fieldset.get_attribute("id").removeprefix("question-"))
        for choice in Choice.objects.filter(question_id=question_id, is_correct=True):
            fieldset.locator(f"input[value='{choice.pk}']").check()
    page.locator("form.quiz-form button[type=submit]").click()
    expect(page.locator("section.quiz .quiz-badge")).to_be_visible()


def test_resident_signs_up_by_phone_and_completes_a_course(browser_page, demo_courses):
    page = browser_page
    course = demo_courses.courses[0]
    lessons = demo_courses.lessons(course)

    page.goto("/")
    assert horizontal_overflow(page) == 0
    page.locator("main a[href^='/accounts/signup/']").first.click()

    signup = page.locator("form:has(input[name=phone])")
    signup.locator("input[name=full_name]").fill("Nguyễn Thị Lan")
    signup.locator("input[name=phone]").fill(PHONE)
    signup.locator("input[name=privacy_consent]").check()
    signup.locator("button[type=submit]").click()

    page.wait_for_url("**/accounts/phone/verify/**")
    assert sms.outbox[-1].phone == "+84912345678"
    code_form = page.locator("form:has(input[name=code])").first
    code_form.locator("input[name=code]").fill(last_sms_code())
    code_form.locator("button[type=submit]").first.click()
    expect(page.locator("header form[action='/accounts/logout/']")).to_be_visible()
    resident = User.objects.get(phone="+84912345678")
    assert resident.phone_verified
    assert resident.full_name == "Nguyễn Thị Lan"

    # The header links straight to the catalogue, not through a redirect.
    page.locator(f"header a[href='{demo_courses.catalogue.url}']").click()
    page.wait_for_url(f"**{demo_courses.catalogue.url}")
    filters = page.locator("form.filters")
    filters.locator("select[name=topic]").select_option(course.topic)
    filters.locator("button[type=submit]").click()
    titles = page.locator("main .card h2 a")
    expect(titles).to_have_text([course.title])
    titles.first.click()

    page.wait_for_url(f"**{course.url}")
    page.locator("form[action*='/learning/enrol/'] button").click()
    for lesson in lessons:
        page.wait_for_url(f"**{lesson.url}")
        expect(page.locator("h1")).to_have_text(lesson.title)
        expect(page.locator(".lesson-body")).not_to_be_empty()
        assert horizontal_overflow(page) == 0, lesson.url
        if page.locator("section.quiz").count():
            quiz_answered_right(page)
            assert horizontal_overflow(page) == 0, lesson.url
        page.locator(f"form[action$='/lessons/{lesson.pk}/complete/'] button").click()

    page.wait_for_url(f"**{course.url}")
    expect(page.locator("progress#course-progress")).to_have_attribute("value", "100")
    expect(page.locator(".lesson-list .status-completed")).to_have_count(len(lessons))
    assert Enrollment.objects.get(user=resident, course=course).completed_at

    page.locator("header a[href='/learning/']").click()
    card = page.locator(".card", has_text=course.title)
    expect(card.locator("progress")).to_have_attribute("value", "100")
    expect(card).to_contain_text("100%")


def test_locked_lesson_opened_by_its_address_shows_the_locked_page(
    browser_page, demo_courses, log_in
):
    course = demo_courses.courses[0]
    first, _second, third, *_rest = demo_courses.lessons(course)
    resident = UserFactory()
    services.enrollment_create(user=resident, course=course)
    log_in(resident)

    response = browser_page.goto(third.url)

    assert response.status == 403
    main = browser_page.locator("main")
    expect(main).to_contain_text(third.title)
    expect(main.locator(f"a[href='{first.url}']")).to_be_visible()
    expect(main.locator("form[action$='/complete/']")).to_have_count(0)
    expect(main.locator(".lesson-body")).to_have_count(0)

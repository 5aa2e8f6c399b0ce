"""Learning without signal: a course kept on the phone, lessons read and a quiz
started and answered offline, the phone closed and opened again, everything sent
once and the grade shown when it comes back."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from courses import services
from courses.models import CoursePage, LessonProgress, OutboxReceipt
from quizzes.models import Attempt, AttemptAnswer, Choice, Quiz
from tests.browser.conftest import CHROMIUM
from tests.browser.helpers import PHONE_WIDTH
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def _phone(playwright, user_data_dir):
    """The same phone each time: its caches, IndexedDB and cookies stay."""
    context = playwright.chromium.launch_persistent_context(
        user_data_dir,
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        viewport={"width": PHONE_WIDTH, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
    )
    context.set_default_timeout(15_000)
    return context


def _signed_in_phone(playwright, live_server, tmp_path, user):
    """The phone of ``user``, signed in to the live server."""
    client = Client()
    client.force_login(user)
    phone = _phone(playwright, str(tmp_path / "phone"))
    phone.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
                "expires": 2_000_000_000,
            }
        ]
    )
    return phone


def _quiz_lesson(lessons):
    for lesson in lessons:
        for block in lesson.body:
            if block.block_type == "quiz":
                return lesson, Quiz.objects.get(pk=block.value["quiz"].pk)
    raise AssertionError("the demo course has no quiz")


def test_course_learned_offline_is_sent_once_when_the_signal_returns(
    playwright, demo_courses, live_server, tmp_path
):
    course = demo_courses.courses[0]
    # Every lesson readable at once, so two lessons and the quiz can be done offline.
    CoursePage.objects.filter(pk=course.pk).update(sequential=False)
    lessons = demo_courses.lessons(course)
    quiz_lesson, quiz = _quiz_lesson(lessons)
    read = [lesson for lesson in lessons if lesson != quiz_lesson][:2]
    user = UserFactory()
    services.enrollment_create(user=user, course=course)

    phone = _signed_in_phone(playwright, live_server, tmp_path, user)
    page = phone.new_page()
    page.goto(live_server.url + course.url)
    worker = page.evaluate(
        """() => Promise.race([
          navigator.serviceWorker.ready.then(() => "ready"),
          new Promise((done) => setTimeout(() => done("not ready"), 10000)),
        ])"""
    )
    assert worker == "ready"
    box = page.locator("[data-offline-course]")
    box.locator(".offline-course-download").click()
    status = box.locator(".offline-course-status")
    expect(status).to_contain_text("Đã lưu trên điện thoại này")
    kept = status.text_content()
    expect(box.locator(".offline-course-remove")).to_be_visible()
    page.reload()  # Controlled by the worker from here on.

    phone.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text(course.title)
    page.goto(live_server.url + "/learning/")
    expect(page.locator("h1")).to_have_text("Không có mạng")
    expect(page.locator("#offline-list")).to_contain_text(course.title)

    for number, lesson in enumerate(read, start=1):
        page.goto(live_server.url + lesson.url)
        expect(page.locator("h1")).to_have_text(lesson.title)
        page.locator("form[data-offline-kind=lesson-complete] button").click()
        expect(page.locator("#outbox-status")).to_contain_text(f"{number} bài làm")
    # No attempt was started with signal: the quiz starts on the phone.
    page.goto(live_server.url + quiz_lesson.url)
    page.locator("form.quiz-start button").click()
    expect(page.locator(".quiz-note")).to_contain_text("không có mạng")
    questions = page.locator("form.quiz-form fieldset.quiz-question")
    expect(questions.first).to_be_visible()
    for index in range(questions.count()):
        fieldset = questions.nth(index)
        question_id = int(fieldset.get_attribute("id").removeprefix("question-"))
        for choice in Choice.objects.filter(question_id=question_id, is_correct=True):
            fieldset.locator(f"input[value='{choice.pk}']").check()
    page.locator("form.quiz-form button[type=submit]").click()
    expect(page.locator(".offline-queued")).to_contain_text("sẽ gửi khi có mạng")
    expect(page.locator("#outbox-status")).to_contain_text("3 bài làm")
    # Back in the lesson, the quiz says its answers wait instead of asking again.
    page.goto(live_server.url + quiz_lesson.url)
    expect(page.locator(f"#quiz-{quiz.pk} .offline-queued")).to_contain_text(
        "sẽ gửi khi có mạng"
    )
    assert not LessonProgress.objects.filter(
        enrollment__user=user, status=LessonProgress.Status.COMPLETED
    ).exists()
    assert not Attempt.objects.exists()
    phone.close()

    phone = _phone(playwright, str(tmp_path / "phone"))
    phone.set_offline(True)
    page = phone.new_page()
    page.goto(live_server.url + course.url)
    expect(page.locator("h1")).to_have_text(course.title)
    expect(page.locator("#outbox-status")).to_contain_text("3 bài làm")
    phone.set_offline(False)
    status_box = page.locator("#outbox-status")
    expect(status_box).to_contain_text(f"Đã chấm “{quiz.title}”")
    expect(status_box).to_contain_text("câu đúng — Đạt.")
    for lesson in read:
        expect(status_box).to_contain_text(f"Đã hoàn thành bài học “{lesson.title}”")
    expect(status_box).not_to_contain_text("sẽ gửi khi có mạng")
    # Each answer is shown once; a second tab, and the page opened again, find
    # nothing left to send.
    page.reload()
    expect(status_box).to_be_hidden()
    other = phone.new_page()
    other.goto(live_server.url + quiz_lesson.url)
    expect(other.locator("section.quiz .quiz-badge")).to_be_visible()
    phone.close()

    completed = LessonProgress.objects.filter(
        enrollment__user=user, status=LessonProgress.Status.COMPLETED
    )
    assert set(completed.values_list("lesson_id", flat=True)) >= {
        lesson.pk for lesson in read
    }
    assert Attempt.objects.filter(user=user).count() == 1
    attempt = Attempt.objects.get(user=user)
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.passed
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == (
        attempt.question_count
    )
    assert OutboxReceipt.objects.filter(user=user).count() == 3
    print(f"kept on the phone: {kept}")


def test_answers_whose_reply_was_lost_are_sent_again_and_graded_once(
    playwright, demo_courses, live_server, tmp_path
):
    """The server graded the answers but the reply never reached the phone (the
    signal dropped on the way back): the phone sends them again under the same
    key and gets the first grade, not a second attempt."""
    course = demo_courses.courses[0]
    CoursePage.objects.filter(pk=course.pk).update(sequential=False)
    quiz_lesson, quiz = _quiz_lesson(demo_courses.lessons(course))
    user = UserFactory()
    services.enrollment_create(user=user, course=course)
    phone = _signed_in_phone(playwright, live_server, tmp_path, user)
    page = phone.new_page()
    page.goto(live_server.url + quiz_lesson.url)
    page.locator("form.quiz-start button").click()
    questions = page.locator("form.quiz-form fieldset.quiz-question")
    expect(questions.first).to_be_visible()

    phone.set_offline(True)
    for index in range(questions.count()):
        fieldset = questions.nth(index)
        question_id = int(fieldset.get_attribute("id").removeprefix("question-"))
        for choice in Choice.objects.filter(question_id=question_id, is_correct=True):
            fieldset.locator(f"input[value='{choice.pk}']").check()
    page.locator("form.quiz-form button[type=submit]").click()
    expect(page.locator(".offline-queued")).to_contain_text("sẽ gửi khi có mạng")

    lost = []

    def reply_lost(route):
        route.fetch()  # The server receives and grades them...
        lost.append(route.request.headers.get("x-outbox-id"))
        route.abort()  # ...and the reply is lost.

    page.route("**/submit/", reply_lost)
    phone.set_offline(False)
    for _tick in range(50):
        if lost:
            break
        page.wait_for_timeout(100)
    assert lost, "the phone did not send the answers"
    assert Attempt.objects.get(user=user).state == Attempt.State.SUBMITTED
    expect(page.locator("#outbox-status")).to_contain_text("1 bài làm")
    page.unroute("**/submit/")

    page.reload()  # Sent again as the page opens.
    expect(page.locator("#outbox-status")).to_contain_text(f"Đã chấm “{quiz.title}”")
    phone.close()
    assert Attempt.objects.filter(user=user).count() == 1
    assert OutboxReceipt.objects.get(user=user).key.hex == lost[0].replace("-", "")


def test_a_form_sent_when_the_signal_is_gone_shows_the_offline_page(
    playwright, demo_courses, live_server, tmp_path
):
    """The phone believes it has signal (the bars show, nothing gets through):
    the site's offline page answers, not the browser's error page."""
    course = demo_courses.courses[0]
    lesson = demo_courses.lessons(course)[0]
    user = UserFactory()
    services.enrollment_create(user=user, course=course)
    phone = _signed_in_phone(playwright, live_server, tmp_path, user)
    page = phone.new_page()
    page.goto(live_server.url + lesson.url)
    page.evaluate("() => navigator.serviceWorker.ready")
    page.reload()  # Controlled by the worker from here on.
    phone.route("**/complete/", lambda route: route.abort("internetdisconnected"))
    page.locator("form[data-offline-kind=lesson-complete] button").click()
    expect(page.locator("h1")).to_have_text("Không có mạng")
    assert not LessonProgress.objects.filter(status="completed").exists()
    phone.close()


def test_a_course_in_order_opens_lesson_by_lesson_on_the_phone_without_signal(
    playwright, demo_courses, live_server, tmp_path
):
    """Lessons unlock in order: the phone keeps the locked ones too, opens each once
    the one before is completed there, and the server accepts the completions in
    the order they were made."""
    course = demo_courses.courses[0]
    assert CoursePage.objects.get(pk=course.pk).sequential
    first, second = demo_courses.lessons(course)[:2]
    user = UserFactory()
    services.enrollment_create(user=user, course=course)
    phone = _signed_in_phone(playwright, live_server, tmp_path, user)
    page = phone.new_page()
    page.goto(live_server.url + course.url)
    page.evaluate("() => navigator.serviceWorker.ready")
    box = page.locator("[data-offline-course]")
    box.locator(".offline-course-download").click()
    expect(box.locator(".offline-course-status")).to_contain_text(
        "Đã lưu trên điện thoại này"
    )
    page.reload()  # Controlled by the worker from here on.

    phone.set_offline(True)
    page.goto(live_server.url + second.url)
    expect(page.locator("[data-offline-locked]")).to_contain_text("Bài học này chưa mở")
    expect(page.locator(".lesson-body")).to_be_hidden()
    page.screenshot(path=str(tmp_path / "locked-offline.png"))

    page.goto(live_server.url + first.url)
    page.locator("form[data-offline-kind=lesson-complete] button").click()
    # "Complete and continue" opens the next lesson, kept and now open.
    expect(page.locator("h1")).to_have_text(second.title)
    expect(page.locator(".lesson-body")).to_be_visible()
    expect(page.locator("[data-offline-locked]")).to_be_hidden()
    page.locator("form[data-offline-kind=lesson-complete] button").click()
    expect(page.locator("#outbox-status")).to_contain_text("2 bài làm")
    assert not LessonProgress.objects.filter(enrollment__user=user).exists()

    phone.set_offline(False)
    status = page.locator("#outbox-status")
    for lesson in (first, second):
        expect(status).to_contain_text(f"Đã hoàn thành bài học “{lesson.title}”")
    page.screenshot(path=str(tmp_path / "sequential-offline.png"))
    phone.close()
    completed = LessonProgress.objects.filter(
        enrollment__user=user, status=LessonProgress.Status.COMPLETED
    )
    assert set(completed.values_list("lesson_id", flat=True)) == {first.pk, second.pk}

"""The one outbox other parts of the site use from their own scripts
(``window.lmsOutbox``): a JSON write under the caller's own id, kept while there
is no signal, sent once with that id, its answer handed back."""

import uuid

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from courses.models import LessonProgress, OutboxReceipt
from courses.services import enrollment_create
from tests.factories import UserFactory, add_course, build_site

pytestmark = pytest.mark.browser


def test_a_json_write_under_the_callers_id_is_sent_once(
    browser_page, transactional_db, log_in
):
    page = browser_page
    _home, catalogue = build_site()
    course = add_course(catalogue, lessons=2)
    lesson = course.get_children().live().first()
    user = UserFactory()
    enrollment_create(user=user, course=course)
    log_in(user)
    page.goto(lesson.url)
    page.wait_for_function("() => window.lmsOutbox !== undefined")

    key = str(uuid.uuid4())
    page.context.set_offline(True)
    page.evaluate(
        """([url, id]) => {
          window.answers = [];
          lmsOutbox.onAnswer("visit", (item) => window.answers.push(item));
          const body = { household: 7 };
          return lmsOutbox.add({ kind: "visit", url, body, json: true, id });
        }""",
        [reverse("lesson_complete", args=[lesson.pk]), key],
    )
    waiting = page.evaluate("() => lmsOutbox.items('visit')")
    assert [(item["id"], item["state"]) for item in waiting] == [(key, "waiting")]
    expect(page.locator("#outbox-status")).to_contain_text("sẽ gửi khi có mạng")

    page.context.set_offline(False)
    page.wait_for_function("() => window.answers.length === 1")
    answer = page.evaluate("() => window.answers[0]")
    assert answer["state"] == "done"
    assert answer["message"] == f"Đã hoàn thành bài học “{lesson.title}”."
    # Sent again (as a phone would after losing the reply): the same answer.
    page.evaluate(
        """async (id) => {
          const [item] = await lmsOutbox.items("visit");
          item.state = "waiting";
          await lmsOutbox.add({ ...item, id });
        }""",
        key,
    )
    page.wait_for_function("() => window.answers.length === 2")
    assert page.evaluate("() => window.answers[1].message") == answer["message"]
    assert OutboxReceipt.objects.get(user=user).key == uuid.UUID(key)
    assert LessonProgress.objects.get(lesson=lesson).status == "completed"

"""A course kept on the phone with its videos, if the learner chooses: the size
shown first, the video played and sought without signal, and removed again."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import LessonPage
from courses.services import enrollment_create
from tests.courses.videos import long_webm, place_video, video_document
from tests.factories import UserFactory, add_course, build_site

pytestmark = pytest.mark.browser

VIDEO = "document.querySelector('.lesson-body video')"


@pytest.fixture
def lessons(transactional_db, settings, tmp_path) -> list[LessonPage]:
    settings.MEDIA_ROOT = tmp_path / "media"
    _home, catalogue = build_site()
    course = add_course(
        catalogue, title="Thanh toán bằng mã QR", lessons=2, sequential=False
    )
    return list(LessonPage.objects.live().child_of(course).order_by("path"))


def test_videos_are_kept_only_when_chosen_and_play_without_signal(
    browser_page, lessons, log_in
):
    page = browser_page
    course = lessons[0].get_parent().specific
    content = long_webm(seconds=60, padding=32 * 1024)
    place_video(lessons[0], video_document(content, "quet-ma-qr.webm"))
    user = UserFactory()
    enrollment_create(user=user, course=course)
    log_in(user)

    page.goto(course.url)
    box = page.locator("[data-offline-course]")
    choice = box.locator(".offline-course-videos")
    expect(choice).to_be_visible()
    megabytes = f"{len(content) / (1024 * 1024):.1f}".replace(".", ",")
    expect(choice).to_contain_text(f"Lưu cả video ({megabytes} MB)")

    # Without the videos first: the course takes a few KB.
    box.locator(".offline-course-download").click()
    status = box.locator(".offline-course-status")
    expect(status).to_contain_text("Đã lưu trên điện thoại này:")
    assert "KB" in status.text_content()
    box.locator(".offline-course-remove").click()
    expect(box.locator(".offline-course-download")).to_be_visible()
    expect(status).to_have_text("")
    assert (
        page.evaluate(
            "async () => (await caches.keys())"
            ".filter((name) => name.startsWith('lms-course-'))"
        )
        == []
    )

    choice.locator("input").check()
    box.locator(".offline-course-download").click()
    expect(status).to_contain_text("Đã lưu trên điện thoại này, kèm video:")
    kept = float(re.search(r"([\d,]+) MB", status.text_content())[1].replace(",", "."))
    assert kept >= len(content) / (1024 * 1024)
    page.reload()  # Controlled by the worker from here on.

    page.context.set_offline(True)
    page.goto(lessons[0].url)
    page.wait_for_function(f"{VIDEO}.readyState >= 1")
    assert page.evaluate(f"{VIDEO}.duration") == pytest.approx(60, abs=1)
    page.evaluate(f"{VIDEO}.currentTime = 50")
    page.wait_for_function(
        f"() => {VIDEO}.readyState >= 2 && !{VIDEO}.seeking"
        f" && Math.abs({VIDEO}.currentTime - 50) < 0.5"
    )
    assert page.evaluate(f"{VIDEO}.error") is None

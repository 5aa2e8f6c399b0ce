"""A learner watches a lesson's video on a phone: it loads its length first, then
seeks, the browser asking the server for the bytes at the new place."""

import re

import pytest

from courses.models import LessonPage
from courses.services import enrollment_create
from tests.browser.helpers import PHONE_WIDTH, horizontal_overflow, wait_for
from tests.courses.videos import MP4, long_webm, place_video, video_document
from tests.factories import UserFactory, add_course, build_site

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(locale="en-US")]

VIDEO = "document.querySelector('.lesson-body video')"
LOADED_AT = (
    f"([at]) => {{ const v = {VIDEO}; return v.readyState >= 2 && !v.seeking"
    " && Math.abs(v.currentTime - at) < 0.5; }"
)


@pytest.fixture
def lesson(transactional_db, settings, tmp_path) -> LessonPage:
    settings.MEDIA_ROOT = tmp_path / "media"
    _home, catalogue = build_site()
    course = add_course(catalogue, title="Thanh toán bằng mã QR", lessons=2)
    return LessonPage.objects.live().child_of(course).order_by("path").first()


@pytest.fixture
def learner(lesson, log_in):
    user = UserFactory()
    enrollment_create(user=user, course=lesson.get_parent().specific)
    log_in(user)
    return user


class VideoRequests:
    """The requests the page makes for one URL, with the status each got."""

    def __init__(self, page, url: str):
        self.seen: list[tuple[str | None, int]] = []
        page.on(
            "response",
            lambda response: (
                response.url.endswith(url)
                and self.seen.append(
                    (response.request.headers.get("range"), response.status)
                )
            ),
        )

    def starts(self, since: int = 0) -> list[tuple[int, int]]:
        """(first byte asked, status) of the ranged requests from ``since`` on."""
        found = []
        for header, status in self.seen[since:]:
            match = re.fullmatch(r"bytes=(\d+)-\d*", header or "")
            if match:
                found.append((int(match.group(1)), status))
        return found


def test_a_learner_seeks_in_a_webm_video(browser_page, lesson, learner):
    page = browser_page
    content = long_webm(seconds=120, padding=64 * 1024)
    document = video_document(content, "quet-ma-qr.webm", title="Quét mã QR")
    place_video(lesson, document, caption="Quét mã QR để thanh toán")
    url = f"/learning/lessons/{lesson.pk}/videos/{document.pk}/quet-ma-qr.webm"
    requests = VideoRequests(page, url)

    page.goto(lesson.url)
    wait_for(page, f"{VIDEO}.readyState >= 1")

    assert page.evaluate(f"{VIDEO}.duration") == pytest.approx(120, abs=1)
    assert page.evaluate(f"{VIDEO}.getAttribute('aria-label')") == (
        "Quét mã QR để thanh toán"
    )
    box = page.locator(".lesson-body video").bounding_box()
    assert 0 < box["width"] <= PHONE_WIDTH
    assert horizontal_overflow(page) == 0
    assert (0, 206) in requests.starts()

    before = len(requests.seen)
    page.evaluate(f"{VIDEO}.currentTime = 100")
    wait_for(page, LOADED_AT, [100])

    # The place sought lies about 6.5 MB in: the browser asks for it by range
    # rather than reading on from the start (how far it had read before the seek
    # depends on the machine's speed, so only a jump well past the start counts).
    sought = requests.starts(before)
    assert sought
    assert all(status == 206 for _start, status in sought)
    assert max(start for start, _status in sought) > len(content) // 4


def test_a_learner_plays_an_h264_mp4_video(browser_page, lesson, learner):
    page = browser_page
    document = video_document(MP4, "dang-nhap.mp4", title="Đăng nhập VNeID")
    place_video(lesson, document)

    page.goto(lesson.url)
    wait_for(page, f"{VIDEO}.readyState >= 1")

    assert page.evaluate(f"{VIDEO}.canPlayType('video/mp4; codecs=\"avc1.42E01E\"')")
    assert page.evaluate(f"{VIDEO}.duration") == pytest.approx(3, abs=0.2)
    page.evaluate(f"{VIDEO}.currentTime = 2")
    wait_for(page, LOADED_AT, [2])
    assert page.evaluate(f"{VIDEO}.error") is None

"""A package is untrusted code: in Chromium, what it runs never acts as the site.

Each activity plays in its own sandboxed frame with no origin; the lesson page
takes from it only messages it checks, and several activities play side by side.
"""

import io
import zipfile

import pytest
from playwright.sync_api import expect

from courses.models import LessonPage, LessonProgress
from courses.services import enrollment_create
from h5p.models import H5PAttempt, H5PResult, XAPIStatement
from tests.browser.helpers import (
    h5p_answer_set,
    h5p_check,
    h5p_choose,
    settle,
    wait_for,
)
from tests.factories import UserFactory, add_course, build_site
from tests.h5p.activities import activity_create, place_activity
from tests.h5p.builders import SHARED_PACKAGES, needs_shared_packages, zip_bytes
from tests.h5p.packages import hostile_true_false, true_false

pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(locale="en-US")]

READY = "window.lmsH5P && window.lmsH5P.ready === true"


@pytest.fixture
def course_lessons(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _home, catalogue = build_site()
    course = add_course(catalogue, title="An toàn thông tin", lessons=2)
    return course, list(LessonPage.objects.live().child_of(course).order_by("path"))


@pytest.fixture
def learner(course_lessons, log_in):
    course, _lessons = course_lessons
    user = UserFactory()
    enrollment_create(user=user, course=course)
    log_in(user)
    return user


def frame_of(page, activity):
    return page.frame_locator(f"#h5p-activity-{activity.pk} iframe[data-h5p-frame]")


def status(page, activity):
    return page.locator(f"#h5p-activity-{activity.pk} [data-h5p-status]")


def playing_frame(page):
    (frame,) = [frame for frame in page.frames if "/h5p/play/" in frame.url]
    return frame


def test_a_hostile_package_reaches_nothing_of_the_site_and_still_plays(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity = activity_create(hostile_true_false(), pass_mark=100)
    place_activity(first, activity)
    profile_requests = []
    page.on(
        "request",
        lambda request: (
            profile_requests.append(request.all_headers())
            if "/learning/profile/" in request.url
            else None
        ),
    )

    page.goto(first.url)
    wait_for(page, READY)
    frame = playing_frame(page)
    wait_for(frame, "window.lmsHostile && window.lmsHostile.fetch !== 'pending'")
    outcomes = frame.evaluate("window.lmsHostile")

    # The package's script: no cookie, no lesson page, no learner's page.
    assert outcomes["cookie"] == "refused: SecurityError"
    assert outcomes["parentDocument"] == "refused: SecurityError"
    assert outcomes["parentStorage"] == "refused: SecurityError"
    assert outcomes["fetch"] == "refused: TypeError"
    # The request left without the learner's session.
    assert profile_requests
    assert all("sessionid" not in h.get("cookie", "") for h in profile_requests)
    # The handler written into the content's HTML never ran at all.
    assert frame.evaluate("window.lmsOnerrorRan") is None
    assert "onerror" not in outcomes
    assert any(v.startswith("script-src") for v in outcomes["violations"])
    # The page itself is untouched: its cookie is still there for it.
    assert "csrftoken" in page.evaluate("document.cookie")

    # It still plays, and the server keeps the result; the statement it forged
    # for another activity was dropped by the page.
    frame_of(page, activity).get_by_role("button", name="Sai").click()
    expect(status(page, activity)).to_contain_text("You have passed this activity.")
    assert list(XAPIStatement.objects.values_list("activity_id", flat=True)) == [
        activity.pk
    ]
    assert H5PAttempt.objects.get().scoring == "server"
    assert H5PResult.objects.get(user=learner).passed


@pytest.fixture
def frames_host(settings, live_server):
    """The frames on a host of their own: the site is at localhost, the frames
    at 127.0.0.1 (another site for the browser, as h5p.example.org would be)."""
    frames = live_server.url.replace("localhost", "127.0.0.1")
    assert frames != live_server.url
    settings.H5P_FRAME_ORIGIN = frames
    settings.LMS_PUBLIC_BASE_URL = live_server.url
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    return frames


def test_on_their_own_host_a_hostile_package_reaches_nothing_and_the_player_is_kept(
    browser_page, course_lessons, learner, frames_host, live_server, tmp_path
):
    page = browser_page
    _course, (first, _second) = course_lessons
    hostile = activity_create(hostile_true_false(), pass_mark=100)
    place_activity(first, hostile)
    # A second activity of the same package: its frame loads the same files.
    second = activity_create(hostile_true_false(), pass_mark=100)
    place_activity(first, second)
    profile_requests = []
    page.on(
        "request",
        lambda request: (
            profile_requests.append(request.all_headers())
            if "/learning/profile/" in request.url
            else None
        ),
    )

    page.goto(first.url)
    wait_for(page, READY)
    frames = [frame for frame in page.frames if "/h5p/play/" in frame.url]
    assert len(frames) == 2
    assert all(frame.url.startswith(frames_host) for frame in frames)
    frame = frames[0]
    wait_for(frame, "window.lmsHostile && window.lmsHostile.fetch !== 'pending'")
    outcomes = frame.evaluate("window.lmsHostile")
    site_profile = frame.evaluate(
        """url => fetch(url, {credentials: 'include'}).then(
            r => r.text().then(t => 'read: ' + t.slice(0, 200)),
            e => 'refused: ' + e.name)""",
        live_server.url + "/learning/profile/",
    )

    # Its origin holds none of the site's cookies; the lesson page is out of
    # reach; the site's pages do not answer on its host, nor to it from afar.
    assert outcomes["cookie"] == "read: "
    assert outcomes["parentDocument"] == "refused: SecurityError"
    assert outcomes["parentStorage"] == "refused: SecurityError"
    assert outcomes["fetch"] == "read: Not found"
    assert site_profile == "refused: TypeError"
    assert profile_requests
    assert all("sessionid" not in h.get("cookie", "") for h in profile_requests)
    assert frame.evaluate("window.lmsOnerrorRan") is None
    assert "csrftoken" in page.evaluate("document.cookie")

    # Both play; the server keeps each result, and none the forged one.
    frame_of(page, hostile).get_by_role("button", name="Sai").click()
    expect(status(page, hostile)).to_contain_text("You have passed this activity.")
    frame_of(page, second).get_by_role("button", name="Sai").click()
    expect(status(page, second)).to_contain_text("You have passed this activity.")
    assert sorted(XAPIStatement.objects.values_list("activity_id", flat=True)) == [
        hostile.pk,
        second.pk,
    ]
    assert H5PResult.objects.filter(user=learner, passed=True).count() == 2
    page.screenshot(path=str(tmp_path / "h5p-own-host-360.png"), full_page=True)

    # Opened again, each frame takes the player from the browser's cache.
    page.reload()
    wait_for(page, READY)
    downloaded = [
        frame.evaluate(
            """() => performance.getEntriesByType('resource')
                .filter(e => e.name.includes('frame.bundle'))
                .map(e => e.transferSize)"""
        )
        for frame in page.frames
        if "/h5p/play/" in frame.url
    ]
    assert downloaded == [[0], [0]]


def test_an_svg_of_a_package_opened_directly_runs_no_script(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity = activity_create(true_false(svg=True))
    place_activity(first, activity)
    page.goto(first.url)
    wait_for(page, READY)
    svg = playing_frame(page).url + f"{activity.package_id}/content/images/logo.svg"

    response = page.goto(svg)

    assert response.status == 200
    assert response.headers["content-security-policy"].startswith("sandbox")
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.getAttribute('data-ran')") is None


def test_a_player_that_fails_to_load_says_so_and_retries(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity = activity_create(true_false(), pass_mark=100)
    place_activity(first, activity)
    refused = []

    def refuse_once(route):
        if not refused:
            refused.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/content/content.json", refuse_once)

    page.goto(first.url)
    block = page.locator(f"#h5p-activity-{activity.pk}")
    expect(block.locator("[data-h5p-failed]")).to_be_visible()
    expect(block.locator("[data-h5p-failed]")).to_contain_text(
        "The activity could not be loaded."
    )
    expect(block.locator("[data-h5p-loading]")).to_be_hidden()

    block.get_by_role("button", name="Try again").click()
    expect(frame_of(page, activity).locator(".lms-tiny-question")).to_contain_text(
        "mã OTP"
    )
    expect(block.locator("[data-h5p-failed]")).to_be_hidden()
    frame_of(page, activity).get_by_role("button", name="Sai").click()
    expect(status(page, activity)).to_contain_text("You have passed this activity.")


@pytest.mark.browser_context_args(locale="vi-VN")
def test_the_loading_message_and_the_player_speak_vietnamese(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity = activity_create(true_false())
    place_activity(first, activity)
    page.route("**/content/content.json", lambda route: route.abort())

    page.goto(first.url)

    block = page.locator(f"#h5p-activity-{activity.pk}")
    expect(block.locator("[data-h5p-failed]")).to_contain_text(
        "Không tải được hoạt động."
    )
    expect(block.get_by_role("button", name="Thử lại")).to_be_visible()
    assert block.locator("iframe").get_attribute("title") == (
        f"Hoạt động H5P: {activity.title}"
    )


@needs_shared_packages
def test_three_activities_in_one_lesson_each_play_and_record(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, second) = course_lessons
    packages = ["true-false.h5p", "multi-choice.h5p", "single-choice-set.h5p"]
    activities = [
        activity_create((SHARED_PACKAGES / name).read_bytes(), pass_mark=60)
        for name in packages
    ]
    for activity, required in zip(activities, [True, False, False], strict=True):
        place_activity(first, activity, required=required)
    libraries = []
    page.on(
        "request",
        lambda request: (
            libraries.append(request.url) if "/h5p/libraries/" in request.url else None
        ),
    )

    page.goto(first.url)
    wait_for(page, READY)
    true_false_, multi_choice, single_choice_set = activities

    frame = frame_of(page, true_false_)
    frame.get_by_role("radio", name="False").click()
    h5p_check(frame)
    expect(status(page, true_false_)).to_contain_text("You have passed this activity.")

    frame = frame_of(page, multi_choice)
    h5p_choose(frame, "Very dark purple", before_each=lambda: settle(page))
    h5p_check(frame)
    expect(status(page, multi_choice)).to_contain_text("1 of 1 points (100%)")

    frame = frame_of(page, single_choice_set)
    h5p_answer_set(
        frame, ["Wolfberries", "Africa", "Dried"], before_each=lambda: settle(page)
    )
    expect(status(page, single_choice_set)).to_contain_text("2 of 3 points")

    results = dict(H5PResult.objects.values_list("activity_id", "passed"))
    assert results == {activity.pk: True for activity in activities}
    # The three frames ask for a library they share at one address, which the
    # browser may keep (bench/h5p_lesson_weight.py measures what it sends).
    shared = [url for url in libraries if "/H5P.JoubelUI-1.3/" in url]
    assert len(shared) > len(set(shared))
    assert len({url.split("/H5P.JoubelUI-1.3/")[0] for url in shared}) == 1

    settle(page)
    page.locator(
        f"form[action='/learning/lessons/{first.pk}/complete/'] button"
    ).click()
    page.wait_for_url(f"**{second.url}", timeout=30_000)
    assert LessonProgress.objects.get(lesson=first).status == (
        LessonProgress.Status.COMPLETED
    )


def test_a_content_only_package_plays_on_the_libraries_installed(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity_create(true_false())
    with zipfile.ZipFile(io.BytesIO(true_false(correct="true"))) as archive:
        content_only = zip_bytes(
            {
                name: archive.read(name)
                for name in archive.namelist()
                if name == "h5p.json" or name.startswith("content/")
            }
        )
    activity = activity_create(content_only, title="Chỉ có nội dung")
    place_activity(first, activity)

    page.goto(first.url)
    wait_for(page, READY)
    frame_of(page, activity).get_by_role("button", name="Đúng").click()

    expect(status(page, activity)).to_contain_text("You have passed this activity.")
    assert H5PAttempt.objects.get().activity == activity


@needs_shared_packages
@pytest.mark.browser_context_args(locale="vi-VN")
def test_a_real_package_plays_with_its_labels_in_vietnamese(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity = activity_create((SHARED_PACKAGES / "true-false.h5p").read_bytes())
    place_activity(first, activity)

    page.goto(first.url)
    wait_for(page, READY)
    frame = frame_of(page, activity)
    frame.get_by_role("radio", name="Sai").click()
    frame.get_by_role("button", name="Kiểm tra").click()

    expect(status(page, activity)).to_contain_text("Bạn đã đạt hoạt động này.")
    expect(frame.locator(".h5p-question-feedback-content-text")).to_have_text(
        "Bạn được 1 trên 1 điểm"
    )
    # Accents have room: the answer's line is at least 1.4 times its text.
    line = frame.locator(".h5p-true-false-answer").first.evaluate(
        "el => parseFloat(getComputedStyle(el).lineHeight)"
        " / parseFloat(getComputedStyle(el).fontSize)"
    )
    assert line >= 1.4

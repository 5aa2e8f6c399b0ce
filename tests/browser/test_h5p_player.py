"""H5P activities played in a lesson by Chromium: answers reach the server, which
grades them; passing lets the lesson complete.

The tiny true-or-false package the project writes itself runs everywhere; the real
H5P packages come from the shared sample folder beside the repository.
"""

import pytest
from playwright.sync_api import expect

from courses.models import LessonPage, LessonProgress
from courses.services import enrollment_create
from h5p import selectors
from h5p.models import H5PAttempt, H5PResult, H5PUserState, XAPIStatement
from h5p.scoring import answer_key
from tests.browser.helpers import (
    h5p_answer_set,
    h5p_check,
    h5p_choose,
    h5p_retry,
    press_until_hidden,
    press_until_shown,
    settle,
    tap_until_checked,
    wait_for,
)
from tests.factories import UserFactory, add_course, build_site
from tests.h5p.activities import activity_create, place_activity
from tests.h5p.builders import SHARED_PACKAGES, needs_shared_packages
from tests.h5p.packages import QS_BLANKS, QS_TRUE_FALSE, question_set, true_false

# The assertions read the English source strings; the Vietnamese interface is
# checked by the translation tests.
pytestmark = [pytest.mark.browser, pytest.mark.browser_context_args(locale="en-US")]


@pytest.fixture
def course_lessons(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _home, catalogue = build_site()
    course = add_course(catalogue, title="An toàn khi dùng điện thoại", lessons=2)
    return course, list(LessonPage.objects.live().child_of(course).order_by("path"))


@pytest.fixture
def learner(course_lessons, log_in):
    course, _lessons = course_lessons
    user = UserFactory()
    enrollment_create(user=user, course=course)
    log_in(user)
    return user


def open_activity(page, package: bytes, lesson: LessonPage, **fields):
    """Place an activity in ``lesson``, open the lesson, wait for the player."""
    activity = activity_create(package, **fields)
    place_activity(lesson, activity)
    page.goto(lesson.url)
    wait_for_players(page)
    return activity, player_frame(page, activity)


def wait_for_players(page) -> None:
    wait_for(page, "window.lmsH5P && window.lmsH5P.ready === true")


def player_frame(page, activity):
    """The activity's sandboxed frame, where the package runs."""
    return page.frame_locator(f"#h5p-activity-{activity.pk} iframe[data-h5p-frame]")


def status(page, activity):
    return page.locator(f"#h5p-activity-{activity.pk} [data-h5p-status]")


def complete_lesson(page, lesson) -> None:
    settle(page)
    page.locator(
        f"form[action='/learning/lessons/{lesson.pk}/complete/'] button"
    ).click()
    page.wait_for_load_state()


def progress(user, lesson) -> str | None:
    return (
        LessonProgress.objects.filter(enrollment__user=user, lesson=lesson)
        .values_list("status", flat=True)
        .first()
    )


def shared(name: str) -> bytes:
    return (SHARED_PACKAGES / name).read_bytes()


def test_the_projects_own_package_is_played_graded_and_completes_the_lesson(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, second) = course_lessons
    activity, frame = open_activity(page, true_false(), first, pass_mark=100)

    expect(frame.locator(".lms-tiny-question")).to_contain_text("mã OTP")
    frame.get_by_role("button", name="Đúng").click()
    expect(status(page, activity)).to_contain_text("This attempt: 0 of 1 points (0%).")
    complete_lesson(page, first)
    assert progress(learner, first) == LessonProgress.Status.OPENED

    page.goto(first.url)
    wait_for_players(page)
    frame.get_by_role("button", name="Sai").click()
    expect(status(page, activity)).to_contain_text("You have passed this activity.")

    attempts = list(
        H5PAttempt.objects.order_by("number").values_list("raw_score", "scoring")
    )
    assert attempts == [(0.0, "server"), (1.0, "server")]
    assert XAPIStatement.objects.filter(user=learner, verb="answered").count() == 2
    complete_lesson(page, first)
    page.wait_for_url(f"**{second.url}")
    assert progress(learner, first) == LessonProgress.Status.COMPLETED


def test_a_player_ready_before_the_page_listens_is_shown_and_records(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    held = []
    # The lesson page's script comes late (a slow phone, a slow network); the
    # frame, whose address is in the page, starts without it.
    page.route("**/h5p/player*.js", lambda route: held.append(route))
    activity = activity_create(true_false())
    place_activity(first, activity)
    page.goto(first.url, wait_until="commit")
    frame = player_frame(page, activity)
    expect(frame.get_by_role("button", name="Sai")).to_be_visible()
    loading = page.locator(f"#h5p-activity-{activity.pk} [data-h5p-loading]")
    expect(loading).to_be_visible()

    held[0].continue_()
    wait_for_players(page)
    expect(loading).to_be_hidden()
    frame.get_by_role("button", name="Sai").click()
    expect(status(page, activity)).to_contain_text("You have passed this activity.")


def test_the_player_reads_its_library_once_over_the_network(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    reads = []
    page.on(
        "requestfinished",
        lambda request: (
            reads.append(request.url)
            if request.url.endswith("/H5P.TrueFalse-1.6/library.json")
            else None
        ),
    )
    # The player asks three times for its main library's description; on a slow
    # network each ask that went out again cost the learner a round trip.
    _activity, frame = open_activity(page, true_false(), first)
    expect(frame.get_by_role("button", name="Sai")).to_be_visible()
    assert len(reads) == 1, reads


def post_statement(page, activity, verb: str, part: str = "", **result) -> None:
    """Post a statement from the activity's frame, as its content would."""
    player = page.locator(f"#h5p-activity-{activity.pk} iframe[data-h5p-frame]")
    with page.expect_response(lambda answer: "/statements/" in answer.url) as sent:
        player.element_handle().content_frame().evaluate(
            """([iri, verb, part, result]) => parent.postMessage({
                type: 'xapi',
                statement: {
                    verb: {id: 'http://adlnet.gov/expapi/verbs/' + verb},
                    object: {id: part ? iri + '?subContentId=' + part : iri},
                    context: part ? {contextActivities: {parent: [{id: iri}]}} : {},
                    result: result,
                },
            }, '*')""",
            [activity.iri, verb, part, result],
        )
    assert sent.value.ok


def test_a_part_answered_after_the_total_leaves_the_total_shown(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity, _frame = open_activity(page, question_set(), first)

    post_statement(page, activity, "answered", QS_TRUE_FALSE, response="true")
    post_statement(page, activity, "completed", score={"raw": 1, "max": 3})
    expect(status(page, activity)).to_contain_text("This attempt: ")
    total = status(page, activity).text_content()
    # A set sends its parts' answers as they come, some after its total: the
    # server has nothing new to say about them, so its word on the total stays.
    post_statement(page, activity, "answered", QS_BLANKS, response="VNeID")
    expect(status(page, activity)).to_have_text(total)
    assert XAPIStatement.objects.filter(sub_content_id=QS_BLANKS).count() == 1


def test_answers_made_offline_are_sent_together_once_back_online(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity, frame = open_activity(page, true_false(), first)
    posts = []
    # Only what reached the server: a send tried while offline fails, and the
    # browser's own "online" event may resend before the test dispatches one.
    page.on(
        "requestfinished",
        lambda request: (
            posts.append(request.post_data_json)
            if request.method == "POST" and "/statements/" in request.url
            else None
        ),
    )

    page.context.set_offline(True)
    frame.get_by_role("button", name="Đúng").click()
    expect(status(page, activity)).to_contain_text("You are offline.")
    frame.get_by_role("button", name="Sai").click()
    assert not XAPIStatement.objects.exists()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")

    # The first send may still meet no network (as on a phone whose signal is
    # only coming back): the page tries again 30 seconds later.
    expect(status(page, activity)).to_contain_text(
        "You have passed this activity.", timeout=45_000
    )
    assert [len(sent) for sent in posts] == [2]
    assert list(
        H5PAttempt.objects.order_by("number").values_list("raw_score", flat=True)
    ) == [0, 1]
    assert H5PResult.objects.get(user=learner).passed
    assert page.evaluate("Object.keys(localStorage)") == []


@needs_shared_packages
def test_real_true_false_wrong_then_right(browser_page, course_lessons, learner):
    page = browser_page
    _course, (first, second) = course_lessons
    activity, frame = open_activity(page, shared("true-false.h5p"), first)

    frame.get_by_role("radio", name="True").click()
    h5p_check(frame)
    expect(status(page, activity)).to_contain_text("0 of 1 points")
    frame.get_by_role("button", name="Retry").click()
    # Just after Retry the player may still be putting the answers back.
    tap_until_checked(frame.get_by_role("radio", name="False"))
    h5p_check(frame)
    expect(status(page, activity)).to_contain_text("You have passed this activity.")

    assert list(
        H5PAttempt.objects.order_by("number").values_list("percent", flat=True)
    ) == [0, 100]
    complete_lesson(page, first)
    page.wait_for_url(f"**{second.url}")


@needs_shared_packages
def test_real_multiple_choice_wrong_then_right(
    browser_page, course_lessons, learner, tmp_path
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity, frame = open_activity(page, shared("multi-choice.h5p"), first)
    # The question's banner, stored phone-sized (h5p/media.py), fills the
    # frame's width in its own shape.
    banner = frame.locator(".h5p-question-image img, .h5p-image img").first
    expect(banner).to_be_visible()
    natural, shown, ratio = banner.evaluate(
        "img => [img.naturalWidth, img.clientWidth, img.clientHeight / img.clientWidth]"
    )
    assert natural == 1080
    assert shown > 250
    assert abs(ratio - 458 / 1588) < 0.02
    page.screenshot(path=str(tmp_path / "h5p-multi-choice-360.png"), full_page=True)

    h5p_choose(frame, "Blue")
    h5p_check(frame)
    expect(status(page, activity)).to_contain_text("0 of 1 points")
    h5p_retry(frame)
    h5p_choose(frame, "Very dark purple")
    h5p_check(frame)
    expect(status(page, activity)).to_contain_text("1 of 1 points (100%)")

    assert H5PResult.objects.get(user=learner).passed
    assert set(XAPIStatement.objects.values_list("response", flat=True)) >= {"1", "0"}


@needs_shared_packages
def test_real_single_choice_set_is_totalled_by_the_server(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity, frame = open_activity(
        page, shared("single-choice-set.h5p"), first, pass_mark=60
    )

    h5p_answer_set(frame, ["Wolfberries", "Africa", "Dried"])
    expect(status(page, activity)).to_contain_text("2 of 3 points (66.7%)")

    attempt = H5PAttempt.objects.get()
    assert (attempt.raw_score, attempt.scoring, attempt.passed) == (2, "server", True)
    wrong = XAPIStatement.objects.exclude(sub_content_id="").get(correct=False)
    assert wrong.response == "1"
    assert wrong.attempt == attempt


@needs_shared_packages
def test_real_fill_in_the_blanks_is_scored_by_the_server(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity, frame = open_activity(page, shared("fill-in-the-blanks.h5p"), first)

    blanks = frame.locator("input.h5p-text-input")
    for index, word in enumerate(["blue", "Cloud", "red"]):
        blanks.nth(index).fill(word)
        blanks.nth(index).press("Tab")
    expect(status(page, activity)).to_contain_text("2 of 3 points")

    attempt = H5PAttempt.objects.get()
    assert (attempt.raw_score, attempt.max_score) == (2, 3)
    assert attempt.scoring == "server"
    assert not H5PResult.objects.get(user=learner).passed


@needs_shared_packages
def test_real_question_set_reports_its_total_after_finish(
    browser_page, course_lessons, learner
):
    page = browser_page
    _course, (first, _second) = course_lessons
    activity, frame = open_activity(page, shared("question-set.h5p"), first)

    for number in range(9):
        current = frame.locator(".question-container").nth(number)
        expect(current).to_be_visible()
        true_choice = current.locator(".h5p-true-false-answer", has_text="True")
        if true_choice.count():
            # Just after the slide a tap can be lost; a person would tap again.
            tap_until_checked(true_choice.first)
        blank = current.locator("input.h5p-text-input")
        if blank.count():
            blank.first.fill("Norway")
        finish = current.locator("button.h5p-question-finish:visible")
        following = current.locator(".h5p-question-next:visible")
        check = current.locator("button.h5p-question-check-answer:visible")
        # The question shows its buttons once it has settled; a press of Check
        # already taken shows the way on instead.
        expect(check.or_(following).or_(finish).first).to_be_visible()
        if check.count():
            press_until_shown(check.first, following.or_(finish))
        if finish.count():
            # The set's end screen takes the questions' place; a press lost
            # while the last question settles is pressed again.
            press_until_hidden(finish.first, current)
            break
        # The set slides to the next question; until it has, this one shows.
        press_until_hidden(following.first, current)
    else:
        pytest.fail("The set offered no Finish after its nine questions.")
    # A drag-and-drop question is not scored by the server, so neither is the
    # total: the set is done but not graded. The set sends a statement for each
    # question at once; on a busy server a send can take its time, and one that
    # fails is tried again 30 seconds later.
    expect(status(page, activity)).to_contain_text("not graded", timeout=45_000)

    attempt = H5PAttempt.objects.get()
    assert attempt.scoring == "self_reported"
    assert attempt.max_score == 14
    assert not attempt.passed
    children = XAPIStatement.objects.filter(attempt=attempt, verb="answered")
    # Each child of a type the server scores is scored by it; the others (the
    # drag-and-drop question's) keep the browser's word.
    key = answer_key(activity.package)
    for sub_content_id, how in children.values_list("sub_content_id", "scoring"):
        question = key.question(sub_content_id)
        expected = "server" if question and question.rescored else "self_reported"
        assert how == expected, (sub_content_id, how)
    assert children.filter(scoring="server").count() >= 4


@needs_shared_packages
def test_resume_state_is_saved_and_given_back(
    browser_page, course_lessons, learner, monkeypatch
):
    monkeypatch.setattr(selectors, "SAVE_EVERY_SECONDS", 1)
    page = browser_page
    _course, (first, _second) = course_lessons
    activity, frame = open_activity(page, shared("true-false.h5p"), first)

    frame.get_by_role("radio", name="False").click()
    for _tick in range(20):
        if H5PUserState.objects.filter(activity=activity).exists():
            break
        page.wait_for_timeout(500)
    assert H5PUserState.objects.get(activity=activity).enrollment.user == learner

    page.reload()
    wait_for_players(page)
    expect(frame.get_by_role("radio", name="False")).to_have_attribute(
        "aria-checked", "true"
    )

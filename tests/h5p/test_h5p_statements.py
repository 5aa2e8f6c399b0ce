"""The xAPI intake: what a lesson page may send, what is refused, what is stored."""

import json
import uuid

import pytest
from django.test import Client

from courses.models import LessonProgress
from h5p.models import H5PAttempt, H5PResult, XAPIStatement
from tests.factories import UserFactory

from .activities import (
    activity_create,
    answer_true_false,
    place_activity,
    send,
    statement,
)
from .builders import tiny_package
from .packages import (
    QS_BLANKS,
    QS_MULTI_CHOICE,
    QS_TRUE_FALSE,
    SCS_CHILDREN,
    blanks,
    multi_choice,
    question_set,
    single_choice_set,
    true_false,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tf(lessons):
    """A true-or-false activity (the right answer is "false") in the first lesson."""
    activity = activity_create(true_false())
    return place_activity(lessons[0], activity), activity


def error_of(response) -> str:
    return response.json()["error"]


def test_right_answer_is_stored_graded_and_passes(learner, user, tf):
    lesson, activity = tf
    response = answer_true_false(learner, lesson, activity, "false")

    assert response.status_code == 200
    data = response.json()
    assert data["attempt"] == {
        "number": 1,
        "score": 1.0,
        "max": 1.0,
        "percent": 100.0,
        "passed": True,
        "scoring": "server",
    }
    assert data["result"] == {"grade": 100.0, "attempts": 1, "passed": True}
    assert "You have passed this activity." in data["message"]
    stored = XAPIStatement.objects.get()
    assert (stored.user, stored.activity, stored.verb) == (user, activity, "answered")
    assert stored.response == "false"
    assert H5PResult.objects.get(user=user, activity=activity).passed


def test_the_actor_comes_from_the_session_not_from_the_statement(learner, user, tf):
    lesson, activity = tf
    someone_else = UserFactory()
    forged = statement(activity, response="false", raw=1, maximum=1)
    forged["actor"] = {"mbox": f"mailto:{someone_else.email}", "name": "Kẻ giả mạo"}

    assert send(learner, lesson, activity, forged).status_code == 200

    stored = XAPIStatement.objects.get()
    assert stored.user == user
    assert stored.statement["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": "http://testserver", "name": str(user.pk)},
    }
    assert someone_else.email not in json.dumps(stored.statement)
    assert not H5PResult.objects.filter(user=someone_else).exists()


def test_a_statement_about_another_activity_is_refused(learner, tf):
    lesson, activity = tf
    data = statement(activity, response="false", raw=1, maximum=1)
    data["object"]["id"] = "https://elsewhere.example/h5p/activities/1"

    response = send(learner, lesson, activity, data)

    assert response.status_code == 400
    assert (
        error_of(response) == "This statement is about another activity than this one."
    )
    assert not XAPIStatement.objects.exists()


def test_a_child_that_claims_another_parent_is_refused(learner, lessons):
    activity = activity_create(single_choice_set())
    lesson = place_activity(lessons[0], activity)
    data = statement(activity, child=SCS_CHILDREN[0], response="0", raw=1, maximum=1)
    data["context"]["contextActivities"]["parent"] = [{"id": "https://x.example/a"}]

    assert send(learner, lesson, activity, data).status_code == 400
    assert not XAPIStatement.objects.exists()


def test_a_part_the_package_does_not_have_is_refused(learner, lessons):
    activity = activity_create(single_choice_set())
    lesson = place_activity(lessons[0], activity)
    data = statement(activity, child=str(uuid.uuid4()), response="0", raw=1, maximum=1)

    response = send(learner, lesson, activity, data)

    assert response.status_code == 400
    assert "part this activity does not have" in error_of(response)


def test_a_child_statement_does_not_finish_the_activity(learner, user, lessons):
    activity = activity_create(single_choice_set())
    lesson = place_activity(lessons[0], activity)

    response = send(
        learner,
        lesson,
        activity,
        statement(activity, child=SCS_CHILDREN[0], response="0", raw=1, maximum=1),
    )

    assert response.status_code == 200
    assert response.json()["attempt"] is None
    child = XAPIStatement.objects.get()
    assert (child.sub_content_id, child.raw_score, child.correct) == (
        SCS_CHILDREN[0],
        1.0,
        True,
    )
    assert not H5PAttempt.objects.exists()
    assert not H5PResult.objects.filter(user=user, passed=True).exists()


def test_a_set_is_totalled_by_the_server_from_its_childrens_answers(learner, lessons):
    activity = activity_create(single_choice_set(), pass_mark=60)
    lesson = place_activity(lessons[0], activity)
    # The page claims every answer right; the second one picked answer 2.
    for child, picked in zip(SCS_CHILDREN, ["0", "2", "0"], strict=True):
        send(
            learner,
            lesson,
            activity,
            statement(activity, child=child, response=picked, raw=1, maximum=1),
        )
    response = send(
        learner,
        lesson,
        activity,
        statement(activity, verb="completed", raw=3, maximum=3),
    )

    assert response.status_code == 200
    attempt = H5PAttempt.objects.get()
    assert (attempt.raw_score, attempt.max_score, attempt.scoring) == (2, 3, "server")
    assert str(attempt.percent) == "66.67"
    assert attempt.passed
    assert attempt.statements.count() == 4
    assert XAPIStatement.objects.get(sub_content_id=SCS_CHILDREN[1]).correct is False


def test_a_statement_larger_than_64_kb_is_refused_with_413(learner, tf):
    lesson, activity = tf
    data = statement(activity, response="false", raw=1, maximum=1)
    data["context"]["extensions"] = {"https://x.example/padding": "x" * 70_000}

    response = send(learner, lesson, activity, data)

    assert response.status_code == 413
    assert (
        error_of(response) == "The statement is larger than 64 KB and was not stored."
    )
    assert not XAPIStatement.objects.exists()


def test_an_unknown_verb_is_refused(learner, tf):
    lesson, activity = tf

    response = send(learner, lesson, activity, statement(activity, verb="interacted"))

    assert response.status_code == 400
    assert error_of(response).startswith(
        "The verb http://adlnet.gov/expapi/verbs/interacted is not recorded here"
    )
    assert not XAPIStatement.objects.exists()


@pytest.mark.parametrize(("raw", "maximum"), [(100, 1), (-1, 1), (2, 1)])
def test_a_score_outside_zero_to_maximum_is_refused(learner, tf, raw, maximum):
    lesson, activity = tf
    data = statement(activity, response="false", raw=raw, maximum=maximum)

    response = send(learner, lesson, activity, data)

    assert response.status_code == 400
    assert "it must be between 0 and the maximum" in error_of(response)
    assert not XAPIStatement.objects.exists()


def test_a_score_that_is_not_a_number_is_refused(learner, tf):
    lesson, activity = tf
    body = json.dumps(statement(activity, response="false", raw=1, maximum=1))
    body = body.replace('"raw": 1', '"raw": NaN')

    response = send(learner, lesson, activity, body.encode())

    assert response.status_code == 400
    assert not XAPIStatement.objects.exists()


def test_a_forged_score_is_scored_again_from_the_package(learner, user, tf):
    lesson, activity = tf
    # "true" is wrong; the page claims full marks anyway.
    data = statement(activity, response="true", raw=1, maximum=1)

    response = send(learner, lesson, activity, data)

    assert response.status_code == 200
    assert response.json()["attempt"]["score"] == 0
    stored = XAPIStatement.objects.get()
    assert (stored.raw_score, stored.reported_raw, stored.correct) == (0, 1, False)
    assert stored.scoring == "server"
    result = H5PResult.objects.get(user=user)
    assert (result.grade, result.passed) == (0, False)


def test_a_forged_maximum_is_refused(learner, tf):
    lesson, activity = tf
    data = statement(activity, response="true", raw=100, maximum=100)

    response = send(learner, lesson, activity, data)

    assert response.status_code == 400
    assert error_of(response) == (
        "The statement gives a maximum score of 100; this activity's is 1."
    )
    assert not H5PAttempt.objects.exists()


def test_an_answer_that_is_not_a_choice_is_refused(learner, lessons):
    activity = activity_create(multi_choice())
    lesson = place_activity(lessons[0], activity)

    response = send(
        learner, lesson, activity, statement(activity, response="7", raw=2, maximum=2)
    )

    assert response.status_code == 400
    assert error_of(response) == "The answer “7” is not one of this question's choices."


def test_a_checkable_statement_without_an_answer_is_refused(learner, tf):
    lesson, activity = tf

    response = send(learner, lesson, activity, statement(activity, raw=1, maximum=1))

    assert response.status_code == 400
    assert "carries no answer" in error_of(response)


def test_a_learner_not_enrolled_is_refused(tf, course):
    lesson, activity = tf
    stranger = Client()
    stranger.force_login(UserFactory())

    response = answer_true_false(stranger, lesson, activity, "false")

    assert response.status_code == 403
    assert error_of(response) == "Enrol in the course to record your answers."
    assert not XAPIStatement.objects.exists()


def test_anonymous_visitors_are_refused(client, tf):
    lesson, activity = tf

    response = answer_true_false(client, lesson, activity, "false")

    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()


def test_an_activity_sent_through_a_lesson_that_does_not_hold_it_is_refused(
    learner, tf, lessons
):
    _lesson, activity = tf

    response = answer_true_false(learner, lessons[1], activity, "false")

    assert response.status_code == 403
    assert error_of(response) == "This activity is not part of this lesson."


def test_an_activity_in_a_locked_lesson_is_refused(learner, lessons):
    activity = activity_create(true_false())
    locked = place_activity(lessons[2], activity)

    response = answer_true_false(learner, locked, activity, "false")

    assert response.status_code == 403
    assert "Complete the earlier lessons" in error_of(response)


def test_statements_need_the_csrf_token_of_the_page(user, course, tf):
    lesson, activity = tf
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.get(course.url)
    token = page.cookies["csrftoken"].value
    browser.post(f"/learning/enrol/{course.pk}/", {"csrfmiddlewaretoken": token})

    refused = answer_true_false(browser, lesson, activity, "false")
    accepted = send(
        browser,
        lesson,
        activity,
        statement(activity, response="false", raw=1, maximum=1),
        **{"X-CSRFToken": token},
    )

    assert refused.status_code == 403
    assert accepted.status_code == 200
    assert XAPIStatement.objects.count() == 1


def test_a_replayed_statement_is_stored_once(learner, tf):
    lesson, activity = tf
    data = statement(activity, response="false", raw=1, maximum=1)

    first = send(learner, lesson, activity, data)
    second = send(learner, lesson, activity, data)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.json()["duplicate"] is True
    assert second.json()["stored"] is False
    assert XAPIStatement.objects.count() == 1
    assert H5PAttempt.objects.count() == 1
    assert H5PResult.objects.get().attempt_count == 1


def test_an_offline_answer_sent_later_counts_once(learner, user, tf):
    lesson, activity = tf
    offline = statement(
        activity, response="true", raw=0, maximum=1, timestamp="2026-02-01T07:00:00Z"
    )
    send(learner, lesson, activity, offline)
    answer_true_false(learner, lesson, activity, "false")
    # The phone did not see the first answer arrive and sends it again.
    again = send(learner, lesson, activity, offline)

    assert again.json()["duplicate"] is True
    assert XAPIStatement.objects.count() == 2
    assert list(
        H5PAttempt.objects.order_by("number").values_list("number", "raw_score")
    ) == [(1, 0.0), (2, 1.0)]
    stored = XAPIStatement.objects.get(statement_id=offline["id"])
    assert stored.timestamp.isoformat() == "2026-02-01T07:00:00+00:00"


def test_a_statement_id_used_by_another_learner_is_a_conflict(learner, tf, course):
    lesson, activity = tf
    data = statement(activity, response="false", raw=1, maximum=1)
    send(learner, lesson, activity, data)
    other = Client()
    other_user = UserFactory()
    other.force_login(other_user)
    other.post(f"/learning/enrol/{course.pk}/")

    response = send(other, lesson, activity, data)

    assert response.status_code == 409
    assert XAPIStatement.objects.get().user != other_user


def test_a_statement_id_must_be_a_uuid(learner, tf):
    lesson, activity = tf
    data = statement(activity, response="false", raw=1, maximum=1, statement_id="42")

    response = send(learner, lesson, activity, data)

    assert response.status_code == 400
    assert error_of(response) == "The statement id must be a UUID."


def test_a_statement_without_an_id_is_given_one(learner, tf):
    lesson, activity = tf
    data = statement(activity, response="false", raw=1, maximum=1)
    del data["id"]

    response = send(learner, lesson, activity, data)

    stored = XAPIStatement.objects.get()
    assert str(stored.statement_id) == response.json()["statement"]
    assert stored.statement["id"] == str(stored.statement_id)


def test_fill_in_scores_are_decided_by_the_server(learner, lessons):
    activity = activity_create(blanks(), pass_mark=60)
    lesson = place_activity(lessons[0], activity)

    # Case does not matter by default, and "hotline" is one of two answers.
    response = send(
        learner,
        lesson,
        activity,
        statement(activity, response="vneid[,]OTP[,]hotline", raw=0, maximum=3),
    )

    assert response.json()["attempt"]["scoring"] == "server"
    attempt = H5PAttempt.objects.get()
    assert (attempt.raw_score, attempt.max_score, attempt.passed) == (3, 3, True)


def test_a_forged_fill_in_score_with_a_garbage_answer_is_refused(learner, lessons):
    activity = activity_create(blanks())
    lesson = place_activity(lessons[0], activity)

    response = send(
        learner,
        lesson,
        activity,
        statement(activity, response="garbage", raw=3, maximum=3),
    )

    assert response.status_code == 400
    assert "1 parts" in error_of(response)
    assert not H5PAttempt.objects.exists()


def test_unscored_content_is_done_but_never_passes_unless_trusted(learner, lessons):
    untrusted = activity_create(tiny_package(), pass_mark=50)
    trusted = activity_create(tiny_package(), pass_mark=50, trusted=True)
    messages = []
    for activity in (untrusted, trusted):
        lesson = place_activity(lessons[0], activity)
        response = send(
            learner,
            lesson,
            activity,
            statement(activity, response="anything", raw=1, maximum=1),
        )
        assert response.status_code == 200
        assert response.json()["attempt"]["scoring"] == "self_reported"
        messages.append(response.json()["message"])

    assert "not graded" in messages[0]
    assert "not graded" not in messages[1]
    assert H5PAttempt.objects.get(activity=untrusted).passed is False
    assert not H5PResult.objects.filter(activity=untrusted, passed=True).exists()
    assert H5PResult.objects.get(activity=trusted).passed is True


def test_attempts_stop_at_the_activity_maximum(learner, lessons):
    activity = activity_create(true_false(), max_attempts=2)
    lesson = place_activity(lessons[0], activity)

    first = answer_true_false(learner, lesson, activity, "true")
    second = answer_true_false(learner, lesson, activity, "true")
    third = answer_true_false(learner, lesson, activity, "false")

    assert (first.status_code, second.status_code) == (200, 200)
    assert third.status_code == 400
    assert "all 2 attempts" in error_of(third)
    assert H5PAttempt.objects.count() == 2
    assert H5PResult.objects.get().passed is False
    assert "no attempts left" in second.json()["message"]


def test_a_fill_in_score_out_of_the_wrong_number_of_blanks_is_refused(learner, lessons):
    activity = activity_create(blanks())
    lesson = place_activity(lessons[0], activity)

    response = send(
        learner, lesson, activity, statement(activity, response="x", raw=1, maximum=1)
    )

    assert response.status_code == 400
    assert "this activity's is 3" in error_of(response)


def test_a_question_set_total_is_the_sum_of_its_server_scored_questions(
    learner, lessons
):
    activity = activity_create(question_set())
    lesson = place_activity(lessons[0], activity)
    answers = [
        (QS_TRUE_FALSE, "false", 1),  # wrong, claimed right
        (QS_MULTI_CHOICE, "0", 1),  # right
        (QS_BLANKS, "VNeID", 1),
    ]
    for child, response, raw in answers:
        reply = send(
            learner,
            lesson,
            activity,
            statement(activity, child=child, response=response, raw=raw, maximum=1),
        )
        assert reply.status_code == 200
    send(
        learner,
        lesson,
        activity,
        statement(activity, verb="completed", raw=3, maximum=3),
    )

    children = dict(
        XAPIStatement.objects.exclude(sub_content_id="").values_list(
            "sub_content_id", "scoring"
        )
    )
    assert children == {
        QS_TRUE_FALSE: "server",
        QS_MULTI_CHOICE: "server",
        QS_BLANKS: "server",
    }
    assert XAPIStatement.objects.get(sub_content_id=QS_TRUE_FALSE).correct is False
    attempt = H5PAttempt.objects.get()
    assert (attempt.raw_score, attempt.scoring) == (2, "server")


def test_attempted_is_stored_but_not_graded(learner, tf):
    lesson, activity = tf

    response = send(learner, lesson, activity, statement(activity, verb="attempted"))

    assert response.status_code == 200
    assert XAPIStatement.objects.get().verb == "attempted"
    assert not H5PAttempt.objects.exists()


def test_recording_an_answer_leaves_lesson_progress_to_the_learner(learner, user, tf):
    lesson, activity = tf
    learner.get(lesson.url)
    answer_true_false(learner, lesson, activity, "false")

    assert LessonProgress.objects.get(enrollment__user=user, lesson=lesson).status == (
        LessonProgress.Status.OPENED
    )


def test_a_queue_sent_at_once_is_judged_statement_by_statement(learner, lessons):
    activity = activity_create(single_choice_set(), pass_mark=60)
    lesson = place_activity(lessons[0], activity)
    first = statement(activity, child=SCS_CHILDREN[0], response="0", raw=1, maximum=1)
    queue = [
        first,
        statement(activity, verb="interacted"),
        statement(activity, child=SCS_CHILDREN[1], response="0", raw=1, maximum=1),
        first,
        statement(activity, verb="completed", raw=3, maximum=3),
    ]

    response = send(learner, lesson, activity, json.dumps(queue).encode())

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [200, 400, 200, 200, 200]
    assert results[1]["error"].startswith("The verb")
    assert results[3]["duplicate"] is True
    assert results[4]["attempt"]["score"] == 2
    assert XAPIStatement.objects.count() == 3
    assert H5PAttempt.objects.get().statements.count() == 3


def test_a_queue_that_is_too_long_is_refused(learner, tf):
    lesson, activity = tf
    queue = [statement(activity, verb="attempted") for _ in range(51)]

    response = send(learner, lesson, activity, json.dumps(queue).encode())

    assert response.status_code == 400
    assert error_of(response) == "Send between 1 and 50 statements at a time."
    assert not XAPIStatement.objects.exists()


def test_a_queue_from_a_learner_not_enrolled_is_refused_whole(tf, course):
    lesson, activity = tf
    stranger = Client()
    stranger.force_login(UserFactory())
    queue = [statement(activity, response="false", raw=1, maximum=1)]

    response = send(stranger, lesson, activity, json.dumps(queue).encode())

    assert response.status_code == 403
    assert not XAPIStatement.objects.exists()


@pytest.mark.parametrize(
    "transactional",
    [
        pytest.param(False, id="inside-a-transaction"),
        pytest.param(
            True,
            id="autocommit-as-in-production",
            marks=pytest.mark.django_db(transaction=True),
        ),
    ],
)
def test_a_resent_child_answer_is_stored_once(learner, lessons, transactional):
    from django.db import connection

    assert connection.in_atomic_block is not transactional
    activity = activity_create(single_choice_set())
    lesson = place_activity(lessons[0], activity)
    child = statement(activity, child=SCS_CHILDREN[0], response="0", raw=1, maximum=1)

    first = send(learner, lesson, activity, child)
    again = send(learner, lesson, activity, child)

    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    assert XAPIStatement.objects.count() == 1


def _queries_to_send(client, lesson, activity, data) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert send(client, lesson, activity, data).status_code == 200
    return len(captured)


def test_recording_a_statement_costs_the_same_queries_however_much_is_stored(
    learner, lessons
):
    """Access, activity, enrolment and grade are read in a fixed number of
    queries, whatever the learner's history."""
    choices = activity_create(single_choice_set())
    question = activity_create(true_false())
    place_activity(lessons[0], choices)
    lesson = place_activity(lessons[0], question)

    def one_round() -> tuple[int, int, int]:
        child = statement(
            choices, child=SCS_CHILDREN[0], response="0", raw=1, maximum=1
        )
        done = statement(choices, verb="completed", raw=3, maximum=3)
        answer = statement(question, response="false", raw=1, maximum=1)
        return (
            _queries_to_send(learner, lesson, choices, child),
            _queries_to_send(learner, lesson, choices, done),
            _queries_to_send(learner, lesson, question, answer),
        )

    one_round()  # the first attempt creates the results and completes nothing else
    early = one_round()
    for _ in range(15):
        one_round()
    late = one_round()

    assert late == early, (early, late)
    child, done, answer = late
    assert child <= 6
    assert done <= 12
    assert answer <= 10


def test_a_flood_of_statements_is_refused_with_429_and_a_wait(learner, tf, settings):
    settings.LMS_H5P_XAPI_RATE = (3, 60)
    lesson, activity = tf
    sent = [
        send(learner, lesson, activity, statement(activity, verb="attempted"))
        for _ in range(4)
    ]

    assert [r.status_code for r in sent] == [200, 200, 200, 429]
    assert "Too many answers" in error_of(sent[3])
    assert 1 <= int(sent[3]["Retry-After"]) <= 61
    assert XAPIStatement.objects.count() == 3


def test_the_rate_counts_each_statement_of_a_queue(learner, tf, settings):
    settings.LMS_H5P_XAPI_RATE = (3, 60)
    lesson, activity = tf
    queue = [statement(activity, verb="attempted") for _ in range(4)]

    response = send(learner, lesson, activity, json.dumps(queue).encode())

    assert response.status_code == 429
    assert not XAPIStatement.objects.exists()

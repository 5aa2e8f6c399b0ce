"""A quiz answered on a phone without signal: kept as a page, its answers queued,
and graded by the server once, under the same attempt rules as online."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from quizzes import services
from quizzes.models import Attempt, AttemptAnswer
from tests.factories import UserFactory
from tests.quizzes.factories import QuizFactory, add_question, place_quiz
from tests.quizzes.helpers import right_answers, start, submit_url, wrong_answers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def sheet_url(quiz, lesson) -> str:
    return reverse("quizzes:offline_sheet", args=[quiz.pk, lesson.pk])


def offline_submit_url(quiz, lesson) -> str:
    return reverse("quizzes:offline_submit", args=[quiz.pk, lesson.pk])


def kept_sheet(client, quiz, lesson) -> dict:
    """What the phone kept of the quiz page: the signed draw and the questions."""
    html = client.get(sheet_url(quiz, lesson)).content.decode()
    token = re.search(r'name="sheet" value="([^"]+)"', html)[1]
    questions = [int(pk) for pk in re.findall(r'id="question-(\d+)"', html)]
    return {"sheet": token, "questions": questions, "html": html}


def answers_for(quiz, questions, *, right=True) -> dict:
    data = {}
    for question in quiz.questions.filter(pk__in=questions):
        picked = [c.pk for c in question.choices.all() if c.is_correct == right]
        data[f"q{question.pk}"] = picked[:1]
    return data


def queued(client, url, data, key=None):
    return client.post(url, data, HTTP_X_OUTBOX_ID=key or str(uuid.uuid4()))


def test_the_kept_page_shows_the_next_attempts_draw_without_starting_it(
    learner, quiz, quiz_lesson
):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    assert len(kept["questions"]) == 3
    assert "You can answer even without signal" in kept["html"]
    assert not Attempt.objects.exists()
    # Asked again, the page shows the same draw: reloading it draws nothing new.
    assert kept_sheet(learner, quiz, quiz_lesson)["questions"] == kept["questions"]
    # The lesson's start button names it, so the phone keeps it with the lesson.
    lesson_html = learner.get(quiz_lesson.url).content.decode()
    assert f'data-offline-keep="{sheet_url(quiz, quiz_lesson)}"' in lesson_html


def test_answers_from_the_kept_page_start_and_grade_an_attempt_on_arrival(
    learner, quiz, quiz_lesson, user
):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    response = queued(
        learner,
        offline_submit_url(quiz, quiz_lesson),
        {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"])},
    )
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["message"] == (f"“{quiz.title}” graded: 3/3 right — passed.")
    attempt = Attempt.objects.get(user=user)
    assert attempt.state == Attempt.State.SUBMITTED and attempt.passed
    assert attempt.question_ids() == kept["questions"]
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 3


def test_the_same_answers_resent_are_graded_once(learner, quiz, quiz_lesson, user):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    data = {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"])}
    key = str(uuid.uuid4())
    first = queued(learner, offline_submit_url(quiz, quiz_lesson), data, key)
    again = queued(learner, offline_submit_url(quiz, quiz_lesson), data, key)
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json()
    assert Attempt.objects.filter(user=user).count() == 1
    assert AttemptAnswer.objects.count() == 3


def test_other_answers_under_the_same_key_are_refused(learner, quiz, quiz_lesson):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    key = str(uuid.uuid4())
    url = offline_submit_url(quiz, quiz_lesson)
    queued(
        learner,
        url,
        {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"])},
        key,
    )
    other = queued(
        learner,
        url,
        {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"], right=False)},
        key,
    )
    assert other.status_code == 409
    assert "something different under the same key" in other.json()["message"]
    assert Attempt.objects.get().passed


def test_an_answer_beyond_the_attempt_limit_is_refused_with_the_rule(
    learner, quiz_lesson, user
):
    quiz = QuizFactory(max_attempts=1)
    for _ in range(2):
        add_question(quiz)
    place_quiz(quiz_lesson, quiz)
    kept = kept_sheet(learner, quiz, quiz_lesson)
    url = offline_submit_url(quiz, quiz_lesson)
    wrong = {
        "sheet": kept["sheet"],
        **answers_for(quiz, kept["questions"], right=False),
    }
    right = {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"])}
    assert (
        queued(learner, url, wrong)
        .json()["message"]
        .endswith("not passed (50% needed).")
    )
    # The same kept page answered again (another queued answer): one attempt only.
    refused = queued(learner, url, right)
    assert refused.status_code == 409
    assert refused.json() == {
        "ok": False,
        "message": (
            f"“{quiz.title}” was not graded: "
            "You have used your only attempt at this quiz."
        ),
        "url": quiz_lesson.url,
    }
    assert Attempt.objects.filter(user=user).count() == 1
    assert not Attempt.objects.get(user=user).passed
    # Once the limit is reached the kept page says so instead of asking.
    html = learner.get(sheet_url(quiz, quiz_lesson)).content.decode()
    assert "You have used your only attempt at this quiz." in html
    assert 'name="sheet"' not in html


def test_the_wait_between_attempts_is_applied_when_the_answers_arrive(
    learner, quiz_lesson, user
):
    quiz = QuizFactory(retry_wait_minutes=30)
    add_question(quiz)
    add_question(quiz)
    place_quiz(quiz_lesson, quiz)
    first = kept_sheet(learner, quiz, quiz_lesson)
    url = offline_submit_url(quiz, quiz_lesson)
    queued(
        learner,
        url,
        {"sheet": first["sheet"], **answers_for(quiz, first["questions"], right=False)},
    )
    second = kept_sheet(learner, quiz, quiz_lesson)
    refused = queued(
        learner,
        url,
        {"sheet": second["sheet"], **answers_for(quiz, second["questions"])},
    )
    assert refused.status_code == 409
    assert refused.json()["message"].startswith(
        f"“{quiz.title}” was not graded: You can try again in 30 minutes"
    )
    assert Attempt.objects.filter(user=user).count() == 1


def test_missing_answers_use_no_attempt(learner, quiz, quiz_lesson):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    response = queued(
        learner, offline_submit_url(quiz, quiz_lesson), {"sheet": kept["sheet"]}
    )
    assert response.status_code == 409
    assert "Answer question 1." in response.json()["message"]
    assert not Attempt.objects.exists()


@pytest.mark.parametrize("sheet", ["", "forged", "a:b:c"])
def test_a_page_the_site_did_not_make_is_refused_in_words(
    learner, quiz, quiz_lesson, sheet
):
    response = queued(
        learner, offline_submit_url(quiz, quiz_lesson), {"sheet": sheet, "q1": ["1"]}
    )
    assert response.status_code == 409
    assert "cannot check" in response.json()["message"]
    assert not Attempt.objects.exists()


def test_another_learners_kept_page_is_refused(learner, quiz, quiz_lesson, course):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    other = Client(headers={"accept-language": "en"})
    other.force_login(UserFactory())
    other.post(reverse("enroll", args=[course.pk]))
    response = queued(
        other,
        offline_submit_url(quiz, quiz_lesson),
        {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"])},
    )
    assert response.status_code == 409
    assert not Attempt.objects.exists()


def test_an_attempt_started_online_since_takes_the_answers_it_shows(
    learner, quiz, quiz_lesson, user
):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    attempt = start(learner, quiz, quiz_lesson)
    assert attempt.question_ids() == kept["questions"]
    response = queued(
        learner,
        offline_submit_url(quiz, quiz_lesson),
        {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"])},
    )
    assert response.json()["ok"] is True
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert Attempt.objects.filter(user=user).count() == 1


def test_a_learner_not_enrolled_gets_the_refusal(client, quiz, quiz_lesson):
    client.force_login(UserFactory())
    assert client.get(sheet_url(quiz, quiz_lesson)).status_code == 403
    response = queued(client, offline_submit_url(quiz, quiz_lesson), {"sheet": "x"})
    assert response.status_code == 409
    assert response.json()["ok"] is False


def test_a_plain_form_post_of_the_kept_page_is_graded_once(
    learner, quiz, quiz_lesson, user
):
    kept = kept_sheet(learner, quiz, quiz_lesson)
    data = {"sheet": kept["sheet"], **answers_for(quiz, kept["questions"])}
    first = learner.post(offline_submit_url(quiz, quiz_lesson), data)
    again = learner.post(offline_submit_url(quiz, quiz_lesson), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == f"{quiz_lesson.url}#quiz-{quiz.pk}"
    assert Attempt.objects.filter(user=user).count() == 1


def test_queued_answers_to_an_open_attempt_are_graded_once(
    learner, quiz, quiz_lesson, user
):
    attempt = start(learner, quiz, quiz_lesson)
    key = str(uuid.uuid4())
    first = queued(learner, submit_url(attempt), right_answers(attempt), key)
    again = queued(learner, submit_url(attempt), right_answers(attempt), key)
    assert first.json() == again.json()
    assert first.json()["message"] == f"“{quiz.title}” graded: 3/3 right — passed."
    assert first.json()["url"] == f"{quiz_lesson.url}#quiz-{quiz.pk}"
    late = queued(learner, submit_url(attempt), wrong_answers(attempt))
    assert late.status_code == 409
    assert "already submitted" in late.json()["message"]
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 3


def test_a_draw_is_the_same_for_the_same_attempt_number(quiz, user):
    assert services.draw_for(user=user, quiz=quiz, number=2) == services.draw_for(
        user=user, quiz=quiz, number=2
    )


def test_a_locked_lessons_quiz_is_kept_and_graded_once_its_turn_comes(
    learner, lessons, quiz, user
):
    locked = place_quiz(lessons[1], quiz)
    refused = learner.get(sheet_url(quiz, locked))
    assert refused.status_code == 403
    assert "Complete the earlier lessons" in refused.content.decode()

    html = learner.get(
        sheet_url(quiz, locked), headers={"x-offline-keep": "1"}
    ).content.decode()
    token = re.search(r'name="sheet" value="([^"]+)"', html)[1]
    questions = [int(pk) for pk in re.findall(r'id="question-(\d+)"', html)]
    data = {"sheet": token, **answers_for(quiz, questions)}

    early = queued(learner, offline_submit_url(quiz, locked), data)
    assert early.json()["ok"] is False
    assert "Complete the earlier lessons" in early.json()["message"]
    assert not Attempt.objects.exists()

    learner.post(reverse("lesson_complete", args=[lessons[0].pk]))
    graded = queued(learner, offline_submit_url(quiz, locked), data)
    assert graded.json()["ok"] is True
    assert Attempt.objects.get(user=user).passed

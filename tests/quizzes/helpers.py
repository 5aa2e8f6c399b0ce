"""What a learner and an editor do with quizzes, through the test client."""

from django.urls import reverse

from courses.assessments import assessment_kinds, required_targets
from quizzes import services
from quizzes.models import Attempt, Quiz


def start_url(quiz, lesson) -> str:
    return reverse("quizzes:attempt_start", args=[quiz.pk, lesson.pk])


def submit_url(attempt) -> str:
    return reverse("quizzes:attempt_submit", args=[attempt.pk])


def start(client, quiz, lesson) -> Attempt:
    """Press "Start the quiz" (or "Try again"); return the learner's newest attempt."""
    response = client.post(start_url(quiz, lesson))
    assert response.status_code == 302, response.content.decode()
    return (
        Attempt.objects.filter(quiz=quiz, user_id=client.session["_auth_user_id"])
        .order_by("-number")
        .first()
    )


def _answers(attempt, correct: bool) -> dict[str, list[int]]:
    data = {}
    for question in attempt.quiz.questions.filter(pk__in=attempt.question_ids()):
        choices = [c for c in question.choices.all() if c.is_correct == correct]
        data[f"q{question.pk}"] = [c.pk for c in (choices if correct else choices[:1])]
    return data


def right_answers(attempt) -> dict[str, list[int]]:
    """The form data answering every question of ``attempt`` correctly."""
    return _answers(attempt, True)


def wrong_answers(attempt) -> dict[str, list[int]]:
    """The form data picking one wrong choice for every question."""
    return _answers(attempt, False)


def required_quizzes_pass(user, lesson) -> None:
    """Pass every required quiz of ``lesson`` as ``user``, answering it right."""
    kind = next(k for k in assessment_kinds() if k.block_type == "quiz")
    for quiz in Quiz.objects.filter(
        pk__in=required_targets(lesson.body.raw_data, kind)
    ):
        attempt = services.attempt_start(user=user, quiz=quiz, lesson=lesson)
        answers = {
            int(field[1:]): picked for field, picked in right_answers(attempt).items()
        }
        services.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)


def statistics_reached(client, *, listing_url: str, edit_url: str, stats_url: str):
    """Open an assessment's statistics page the way an editor finds it: linked
    from the listing and from the edit page, with a breadcrumb back to the
    listing. Returns the page's HTML."""
    assert f'href="{stats_url}"' in client.get(listing_url).content.decode()
    assert f'href="{stats_url}"' in client.get(edit_url).content.decode()
    page = client.get(stats_url).content.decode()
    assert f'href="{listing_url}"' in page
    return page

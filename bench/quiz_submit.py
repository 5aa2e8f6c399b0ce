"""Server time of submitting a quiz, through Django's test client.

Migrates a temporary SQLite database (or the one named by DATABASE_URL), builds a
course whose first lesson holds a required quiz of 10 questions (single choice,
multiple choice, true/false), enrols 20 learners, then, round-robin, each learner
starts an attempt (not timed) and submits its 10 answers (timed: the whole POST,
grading, saving and, for a pass, re-evaluating the course). Half the submits pass.

Run: .venv/bin/python bench/quiz_submit.py [--submits N]
Prints the figures (target: median at most 50 ms), then one JSON line.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
SCRATCH = tempfile.TemporaryDirectory(prefix="bench-quiz-")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH.name}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{SCRATCH.name}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from courses.models import CourseIndexPage, LessonPage  # noqa: E402
from lms.models import User  # noqa: E402
from quizzes.models import Attempt, Choice, QuestionKind  # noqa: E402
from tests.factories import add_course, build_site  # noqa: E402
from tests.quizzes.factories import QuizFactory, add_question, place_quiz  # noqa: E402

QUESTIONS = 10
LEARNERS = 20
WARM_UP = 10
MEDIAN_TARGET_MS = 50


def build() -> tuple[object, LessonPage, list[Client]]:
    catalogue = CourseIndexPage.objects.first()
    if catalogue is None:
        _home, catalogue = build_site()
    course = add_course(
        catalogue, title=f"Đo thời gian nộp bài {time.time_ns()}", lessons=3
    )
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    quiz = QuizFactory(
        title="Nhận biết lừa đảo trực tuyến", pass_mark=80, shuffle_choices=True
    )
    for number in range(QUESTIONS):
        if number % 3 == 1:
            add_question(
                quiz,
                kind=QuestionKind.MULTIPLE,
                choices=(("Tên miền lạ", True), ("Thúc giục", True), ("Ổn", False)),
                feedback=True,
            )
        elif number % 3 == 2:
            add_question(
                quiz,
                kind=QuestionKind.TRUE_FALSE,
                choices=(("Đúng", False), ("Sai", True)),
            )
        else:
            add_question(quiz, feedback=True)
    place_quiz(lesson, quiz)
    clients = []
    for number in range(LEARNERS):
        user = User.objects.create_user(
            username=f"bench-quiz-{time.time_ns()}-{number}",
            email=f"bench-quiz-{time.time_ns()}-{number}@example.vn",
            password="correct horse battery",
        )
        client = Client()
        client.force_login(user)
        client.post(reverse("enroll", args=[course.pk]))
        clients.append(client)
    return quiz, lesson, clients


def answers_for(attempt: Attempt, correct: dict, wrong: dict, passing: bool) -> dict:
    """The form a learner posts: all right, or every question wrong."""
    source = correct if passing else wrong
    return {f"q{pk}": source[pk] for pk in attempt.question_ids()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submits", type=int, default=240)
    args = parser.parse_args()

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    setup_test_environment()
    quiz, lesson, clients = build()
    print(f"setup: {time.perf_counter() - started:.1f} s")

    correct: dict[int, list[int]] = {}
    wrong: dict[int, list[int]] = {}
    for question_id, choice_id, is_correct in Choice.objects.filter(
        question__quiz=quiz
    ).values_list("question_id", "pk", "is_correct"):
        (correct if is_correct else wrong).setdefault(question_id, []).append(choice_id)
    wrong = {pk: choices[:1] for pk, choices in wrong.items()}
    start_url = reverse("quizzes:attempt_start", args=[quiz.pk, lesson.pk])

    timings = []
    queries = []
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        for number in range(args.submits + WARM_UP):
            client = clients[number % LEARNERS]
            response = client.post(start_url)
            assert response.status_code == 302, response.status_code
            attempt = (
                Attempt.objects.filter(
                    quiz=quiz, user_id=client.session["_auth_user_id"]
                )
                .order_by("-number")
                .first()
            )
            data = answers_for(attempt, correct, wrong, passing=number % 2 == 0)
            url = reverse("quizzes:attempt_submit", args=[attempt.pk])
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.post(url, data)
                elapsed = time.perf_counter() - began
            assert response.status_code == 302, response.content[:500]
            if number >= WARM_UP:
                timings.append(elapsed * 1000)
                queries.append(len(captured))

    submitted = Attempt.objects.filter(quiz=quiz, state=Attempt.State.SUBMITTED)
    passed = submitted.filter(passed=True).count()
    timings.sort()
    median = statistics.median(timings)
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"quiz: {QUESTIONS} questions, {LEARNERS} learners")
    print(f"submits timed: {len(timings)} (after {WARM_UP} warm-up)")
    print(f"attempts recorded: {submitted.count()}, passed: {passed}")
    print(f"submit median: {median:.1f} ms (target ≤ {MEDIAN_TARGET_MS} ms)")
    print(f"submit p95:    {p95:.1f} ms")
    print(f"queries per submit: {min(queries)}–{max(queries)}")
    print(
        json.dumps(
            {
                "bench": "quiz_submit",
                "database": connection.vendor,
                "questions": QUESTIONS,
                "submits": len(timings),
                "median_ms": round(median, 2),
                "p95_ms": round(p95, 2),
                "min_ms": round(timings[0], 2),
                "max_ms": round(timings[-1], 2),
                "queries_min": min(queries),
                "queries_max": max(queries),
                "target_median_ms": MEDIAN_TARGET_MS,
                "meets_target": median <= MEDIAN_TARGET_MS,
            }
        )
    )


if __name__ == "__main__":
    main()

"""xAPI statements accepted per second on one process, through Django's test client.

Migrates a temporary SQLite database (or the one named by DATABASE_URL), builds a
course whose first lesson holds two H5P activities the project's test packages
provide (a true-or-false question and a set of three single-choice questions),
enrols 20 learners, then sends statements round-robin as the lesson page would:
per round, a learner answers the true-or-false question (an attempt, graded by the
server), answers the three choices of the set (children, scored but not
finishing) and the set completes (an attempt totalled from the children), and
one statement of the round is sent again (a replay, stored once). Every request
goes through the whole stack as a WSGI server hands it over: middleware, session,
CSRF check (with the token the lesson page gave), permission checks (enrolment,
lesson unlocked), parsing, scoring, storing, grading. Building each request
happens before its timer starts, as it would in the server's client.

Rates are counted in this process's CPU time (the server's work, including
SQLite's), so other work on a shared machine does not lower them; the wall-clock
rate is printed beside them. The rate reported is the median of blocks of
ten rounds, so that a moment of contention for the CPU does not decide it; the
overall rate is printed too. The database connection is kept between requests,
as the production settings keep it (``CONN_MAX_AGE``).

Run: .venv/bin/python bench/xapi_intake.py [--rounds N]
Prints the figures (target: at least 300 statements per second), then one JSON line.
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
SCRATCH = tempfile.TemporaryDirectory(prefix="bench-xapi-")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH.name}/bench.sqlite3"
    os.environ["DJANGO_MEDIA_ROOT"] = f"{SCRATCH.name}/media"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from courses.models import CourseIndexPage, LessonPage  # noqa: E402
from h5p.models import H5PAttempt, XAPIStatement  # noqa: E402
from lms.models import User  # noqa: E402
from tests.factories import add_course, build_site  # noqa: E402
from tests.h5p.activities import (  # noqa: E402
    activity_create,
    place_activity,
    statement,
)
from tests.h5p.packages import (  # noqa: E402
    SCS_CHILDREN,
    single_choice_set,
    true_false,
)

LEARNERS = 20
WARM_UP_ROUNDS = 5
BLOCK_ROUNDS = 10
TARGET_PER_SECOND = 300
HANDLER = WSGIHandler()
# As lms/settings/production.py configures it.
PRODUCTION_CONN_MAX_AGE = 600


class OpenLesson:
    """A learner's lesson page: the cookies it holds and the CSRF token its script
    sends with each statement, as the page's own script does."""

    def __init__(self, client: Client, lesson) -> None:
        response = client.get(lesson.url)
        assert response.status_code == 200, response.status_code
        self.factory = RequestFactory()
        self.factory.cookies = client.cookies
        self.token = client.cookies["csrftoken"].value

    def request(self, url: str, body: str) -> dict:
        """The WSGI environment of one POST of ``body`` to ``url``."""
        return self.factory.post(
            url,
            body,
            content_type="application/json",
            headers={"X-CSRFToken": self.token},
        ).environ


def serve(handler: WSGIHandler, environ: dict) -> tuple[str, bytes]:
    """What a WSGI server does with a request: call the application, read the
    body, close the response. Returns the status line and the body."""
    status = []
    response = handler(environ, lambda line, headers: status.append(line))
    try:
        body = b"".join(response)
    finally:
        response.close()
    return status[0], body


def build():
    catalogue = CourseIndexPage.objects.first()
    if catalogue is None:
        _home, catalogue = build_site()
    course = add_course(catalogue, title=f"Đo xAPI {time.time_ns()}", lessons=3)
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    question = activity_create(true_false(), title="Mã OTP")
    choices = activity_create(single_choice_set(), title="VNeID nhanh")
    place_activity(lesson, question)
    place_activity(lesson, choices)
    pages = []
    for number in range(LEARNERS):
        user = User.objects.create_user(
            username=f"bench-xapi-{time.time_ns()}-{number}",
            email=f"bench-xapi-{time.time_ns()}-{number}@example.vn",
            password="correct horse battery",
        )
        client = Client()
        client.force_login(user)
        client.post(reverse("enroll", args=[course.pk]))
        pages.append(OpenLesson(client, lesson))
    return lesson, question, choices, pages


def round_statements(question, choices, number: int) -> list[tuple[str, object, dict]]:
    """What one learner's page sends in one round: (kind, activity, statement)."""
    right = number % 2 == 0
    sent = [
        (
            "answer",
            question,
            statement(
                question,
                response="false" if right else "true",
                raw=1 if right else 0,
                maximum=1,
            ),
        )
    ]
    for child in SCS_CHILDREN:
        sent.append(
            (
                "child",
                choices,
                statement(
                    choices,
                    child=child,
                    response="0" if right else "1",
                    raw=1,
                    maximum=1,
                ),
            )
        )
    sent.append(
        ("set", choices, statement(choices, verb="completed", raw=3, maximum=3))
    )
    sent.append(("replay", question, sent[0][2]))
    return sent


def send_rounds(page_for, rounds, question, choices, urls, *, batch: bool):
    """Send ``rounds`` rounds; return per-kind timings, queries and totals.

    Queries are counted on the first round only: recording SQL slows every query,
    so the timed rounds run without it.
    """
    timings: dict[str, list[float]] = {}
    queries: dict[str, list[int]] = {}
    totals = {"statements": 0, "wall": 0.0, "cpu": 0.0, "blocks": []}
    for position, number in enumerate(rounds):
        if position % BLOCK_ROUNDS == 1:
            totals["blocks"].append([0, 0.0])
        page = page_for(number)
        sent = round_statements(question, choices, number)
        if batch:
            # The page's offline queue: each activity's statements in one request.
            requests = [
                ("queue", activity, [data for _k, a, data in sent if a == activity])
                for activity in (question, choices)
            ]
        else:
            requests = sent
        for kind, activity, data in requests:
            environ = page.request(urls[activity.pk], json.dumps(data))
            if position == 0:
                reset_queries()
                with CaptureQueriesContext(connection) as captured:
                    status, body = serve(HANDLER, environ)
                assert status.startswith("200"), (status, body[:300])
                queries.setdefault(kind, []).append(len(captured))
                continue
            began = time.perf_counter()
            began_cpu = time.process_time()
            status, body = serve(HANDLER, environ)
            cpu = time.process_time() - began_cpu
            elapsed = time.perf_counter() - began
            assert status.startswith("200"), (status, body[:300])
            count = len(data) if batch else 1
            timings.setdefault(kind, []).append(elapsed * 1000 / count)
            totals["wall"] += elapsed
            totals["cpu"] += cpu
            totals["statements"] += count
            totals["blocks"][-1][0] += count
            totals["blocks"][-1][1] += cpu
    return timings, queries, totals


def report(title: str, timings, queries, totals) -> dict:
    overall = totals["statements"] / totals["cpu"]
    per_second = statistics.median(
        statements / cpu for statements, cpu in totals["blocks"] if cpu
    )
    wall_per_second = totals["statements"] / totals["wall"]
    print(f"{title}: {totals['statements']} statements")
    kinds = {}
    for kind, values in timings.items():
        values.sort()
        median = statistics.median(values)
        p95 = values[max(0, round(0.95 * len(values)) - 1)]
        kinds[kind] = {
            "median_ms_per_statement": round(median, 2),
            "p95_ms_per_statement": round(p95, 2),
            "queries_per_request": [min(queries[kind]), max(queries[kind])],
        }
        print(
            f"  {kind:7s} median {median:6.2f} ms  p95 {p95:6.2f} ms per statement, "
            f"queries per request {min(queries[kind])}–{max(queries[kind])}"
        )
    print(
        f"  accepted: {per_second:.0f} statements/s of CPU time, median of "
        f"{len(totals['blocks'])} blocks of {BLOCK_ROUNDS} rounds "
        f"(overall {overall:.0f}/s; wall clock: {wall_per_second:.0f}/s)"
    )
    return {
        "statements": totals["statements"],
        "statements_per_second": round(per_second, 1),
        "overall_statements_per_second": round(overall, 1),
        "wall_statements_per_second": round(wall_per_second, 1),
        "kinds": kinds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    started = time.perf_counter()
    with override_settings(
        ALLOWED_HOSTS=["testserver"], DEBUG=False, MEDIA_ROOT=f"{SCRATCH.name}/media"
    ):
        call_command("migrate", verbosity=0)
        setup_test_environment()
        connection.settings_dict["CONN_MAX_AGE"] = PRODUCTION_CONN_MAX_AGE
        lesson, question, choices, pages = build()
        urls = {
            activity.pk: reverse(
                "h5p:statements",
                kwargs={"lesson_id": lesson.pk, "activity_id": activity.pk},
            )
            for activity in (question, choices)
        }
        print(f"setup: {time.perf_counter() - started:.1f} s")

        def page_for(number):
            return pages[number % LEARNERS]

        send_rounds(
            page_for, range(WARM_UP_ROUNDS), question, choices, urls, batch=False
        )
        timed = range(WARM_UP_ROUNDS, WARM_UP_ROUNDS + args.rounds)
        single = report(
            "one statement per request (a page online)",
            *send_rounds(page_for, timed, question, choices, urls, batch=False),
        )
        queued = range(WARM_UP_ROUNDS + args.rounds, WARM_UP_ROUNDS + 2 * args.rounds)
        batch = report(
            "a queue per request (a page back online)",
            *send_rounds(page_for, queued, question, choices, urls, batch=True),
        )
        print(
            f"stored in all: {XAPIStatement.objects.count()} statements, "
            f"{H5PAttempt.objects.count()} attempts; learners: {LEARNERS}"
        )
        print(f"target: ≥ {TARGET_PER_SECOND} statements/s, one statement per request")
    print(
        json.dumps(
            {
                "bench": "xapi_intake",
                "database": connection.vendor,
                "debug": settings.DEBUG,
                "single": single,
                "batch": batch,
                "statements_per_second": single["statements_per_second"],
                "target_per_second": TARGET_PER_SECOND,
                "meets_target": single["statements_per_second"] >= TARGET_PER_SECOND,
            }
        )
    )


if __name__ == "__main__":
    main()

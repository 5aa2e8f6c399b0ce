"""How fast a person downloads "My data" after five years of records.

Uses the PostgreSQL database named by DATABASE_URL (by default lms_bench_my_data
on 127.0.0.1:5432 as the user postgres; created if missing), migrates it and loads
the administrative units, then builds once: 25 courses of 12 lessons, one person
enrolled in all of them with every lesson completed, 10 quiz attempts per course,
a certificate per course, 120 visits of a community team (two skills each) about
the resident record linked to the account, and 20 consent entries. H5P results
are left out: they add one query whatever their number, like quiz attempts.

Then it downloads the JSON and the PDF through Django's full request handling
(the test client, with sessions and middleware) --repeat times each and prints
the median, p95 and the number of queries, then one JSON line. Target: ≤ 2 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench_my_data \\
        .venv/bin/python bench/my_data.py
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import database_ensure, manage  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_my_data"
TARGET_SECONDS = 2.0
USERNAME = "bench-my-data"
COURSES, LESSONS, ATTEMPTS, VISITS, CONSENTS = 25, 12, 10, 120, 20


def person_build():
    from django.db import transaction
    from django.utils import timezone

    from certificates.models import Certificate
    from community_teams.models import (
        Consent,
        Guidance,
        Household,
        Resident,
        Skill,
        Team,
        Visit,
    )
    from community_teams.models.visits import VisitAttendee
    from courses.models import Enrollment, LessonPage, LessonProgress
    from lms.models import Commune, Hamlet, User
    from quizzes.models import Attempt, Quiz
    from tests.factories import add_course, build_site

    user = User.objects.filter(username=USERNAME).first()
    if user is not None:
        return user
    now = timezone.now()
    start = now - datetime.timedelta(days=5 * 365)
    with transaction.atomic():
        commune = Commune.objects.order_by("code").first()
        user = User.objects.create(
            username=USERNAME,
            full_name="Nguyễn Thị Ánh Tuyết",
            phone="+84912000111",
            birth_year=1980,
            commune=commune,
        )
        _home, catalogue = build_site()
        quiz = Quiz.objects.create(title="Kiểm tra kiến thức")
        for number in range(COURSES):
            course = add_course(
                catalogue, title=f"Khoá học kỹ năng số {number + 1}", lessons=LESSONS
            )
            when = start + datetime.timedelta(days=number * 70)
            enrolment = Enrollment.objects.create(
                user=user, course=course, enrolled_at=when, completed_at=when
            )
            lessons = list(LessonPage.objects.child_of(course))
            LessonProgress.objects.bulk_create(
                LessonProgress(
                    enrollment=enrolment,
                    lesson=lesson,
                    status="completed",
                    opened_at=when,
                    completed_at=when,
                )
                for lesson in lessons
            )
            Attempt.objects.bulk_create(
                Attempt(
                    quiz=quiz,
                    enrollment=enrolment,
                    user=user,
                    lesson=lessons[-1],
                    number=attempt + 1,
                    state=Attempt.State.SUBMITTED,
                    layout=[],
                    pass_mark=80,
                    started_at=when,
                    submitted_at=when,
                    question_count=10,
                    correct_count=9,
                    score=90,
                    passed=True,
                )
                for attempt in range(ATTEMPTS)
            )
            Certificate.objects.create(
                code=f"BENCH-{number:04d}-{uuid.uuid4().hex[:6]}"[:17],
                user=user,
                course=course,
                recipient_name=user.full_name,
                course_title=course.title,
                issuer_name="Sở Khoa học và Công nghệ",
                issued_on=when.date(),
                source=Certificate.Source.COMPLETION,
            )
        hamlet = Hamlet.objects.create(commune=commune, name="Thôn 1", kind="thon")
        team = Team.objects.create(
            name="Tổ CNTS thôn 1", commune=commune, hamlet=hamlet
        )
        home = Household.objects.create(hamlet=hamlet, head_name=user.full_name)
        resident = Resident.objects.create(
            household=home, full_name=user.full_name, birth_year=1980, user=user
        )
        skills = list(Skill.objects.all()[:2])
        for number in range(VISITS):
            visit = Visit.objects.create(
                household=home,
                team=team,
                member=user,
                visited_on=(start + datetime.timedelta(days=number * 15)).date(),
                content_hash=str(number),
            )
            attendee = VisitAttendee.objects.create(visit=visit, resident=resident)
            Guidance.objects.bulk_create(
                Guidance(attendee=attendee, skill=skill) for skill in skills
            )
        for number in range(CONSENTS):
            Consent.objects.create(
                user=user,
                purpose=Consent.Purpose.ACCOUNT,
                policy_version=str(number + 1),
                action=Consent.Action.GIVEN,
                method=Consent.Method.ONLINE,
                recorded_by=user,
            )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    arguments = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (see the top).")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(REPOSITORY))
    database_ensure(url)
    manage("migrate", "--noinput", "-v", "0")
    manage("load_admin_units")

    import django

    django.setup()
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    ).enable()
    user = person_build()
    client = Client(headers={"accept-language": "vi"})
    client.force_login(user)
    results = {}
    for name, path in (
        ("json", "/learning/my-data/download.json"),
        ("pdf", "/learning/my-data/download.pdf"),
    ):
        timings = []
        for _round in range(arguments.repeat):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(path)
                timings.append(time.perf_counter() - began)
            assert response.status_code == 200, response.status_code
        timings.sort()
        results[name] = {
            "median_s": round(statistics.median(timings), 3),
            "p95_s": round(timings[int(0.95 * (len(timings) - 1))], 3),
            "queries": len(queries),
            "bytes": len(response.content),
        }
        print(
            f"{name}: median {results[name]['median_s']} s, p95 "
            f"{results[name]['p95_s']} s, {results[name]['queries']} queries, "
            f"{results[name]['bytes']} bytes"
        )
    print(
        json.dumps(
            {
                "bench": "my_data",
                "target_s": TARGET_SECONDS,
                "ok": all(r["median_s"] <= TARGET_SECONDS for r in results.values()),
                **results,
            }
        )
    )


if __name__ == "__main__":
    main()

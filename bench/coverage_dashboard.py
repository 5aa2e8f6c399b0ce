"""The coverage dashboards against a whole province, and how soon they move.

Run bench/generate_province.py first: this uses the database it made
(--database-url, by default lms_bench_province on 127.0.0.1:5432 as the user
postgres) and changes it only by what it does below.

1. Through Django's full request handling (the test client: sessions,
   middleware), as a province official and as a commune official (accounts
   made here once, roles granted through lms.services.role_grant): the
   dashboard's home, the top agencies, the largest top agency, the deepest
   agency and the place pages when coverage/urls.py has them; each page
   --repeat times (20): median and p95 server time, queries, and the page
   gzip-compressed as nginx sends it, alone and with what it loads on a first
   visit.
2. From a finished course to the dashboard: a worker (``manage.py db_worker
   --queue-name coverage``) runs as a child process; a civil servant of the
   deepest agency, with one assigned course left this year, finishes its lessons
   through courses.services; the agency's page is asked every 0.2 s until its
   count of trained civil servants moved.
3. The national roll-up's export of the province (coverage.rollup), timed the
   same way, and the national side reading and keeping it (undone).
4. With --http, the top agencies and the largest one through gunicorn (2 workers,
   lms.settings.production, Redis) and wrk on the loopback, beside a static
   file through the same gunicorn as the reference (needs wrk).

Targets: p95 ≤ 300 ms and ≤ 60 KB per page; a finished course shown ≤ 60 s.
Ends with one JSON line.

    .venv/bin/python bench/coverage_dashboard.py [--repeat 20] [--http]
"""

import argparse
import gzip
import http.client
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import REPOSITORY  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_province"
TARGETS = {"p95_ms": 300, "page_kb": 60, "completion_shown_s": 60}
HEADLINE = re.compile(r"([\d,]+) of ([\d,]+) civil servants trained")
PORT = 8471


def timed(client, url: str, repeat: int) -> dict:
    """Median and p95 of ``repeat`` requests, after one that warms the caches."""
    from django.db import connection

    captured = []
    client.get(url)
    with connection.execute_wrapper(
        lambda execute, sql, *rest: captured.append(sql) or execute(sql, *rest)
    ):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _n in range(repeat):
        begun = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - begun) * 1000)
    times.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 1),
        # Nearest rank: the 19th of 20.
        "p95_ms": round(times[math.ceil(len(times) * 0.95) - 1], 1),
        "queries": len(captured),
        **weight(response.content),
    }


def weight(body: bytes) -> dict:
    """The page, and the page with the scripts and styles it loads, compressed."""
    from django.contrib.staticfiles import finders

    page = len(gzip.compress(body, 6))
    loaded = page
    for path in sorted(set(re.findall(rb'(?:src|href)="/static/([^"?]+)', body))):
        found = finders.find(path.decode())
        if found:
            loaded += len(gzip.compress(Path(found).read_bytes(), 6))
    return {"page_kb": round(page / 1024, 1), "first_visit_kb": round(loaded / 1024, 1)}


def official(username: str, full_name: str, **scope):
    """An official's account for the bench, with the role (granted once)."""
    from lms.models import User
    from lms.models.users import Role
    from lms.services import role_grant

    user, _created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name}
    )
    role = Role.PROVINCE_OFFICIAL if "province" in scope else Role.COMMUNE_OFFICIAL
    role_grant(user=user, role=role, by=None, **scope)
    return user


def place_pages(commune, hamlet) -> tuple[list[str], list[str]]:
    """The place pages coverage/urls.py has (under places/), and notes on those
    it has not or that take arguments this bench cannot give."""
    from django.urls import NoReverseMatch, reverse

    from coverage import urls

    names = [
        pattern.name
        for pattern in urls.urlpatterns
        if str(getattr(pattern, "pattern", "")).startswith("places")
        and getattr(pattern, "name", None)
    ]
    if not names:
        return [], ["coverage/urls.py has no place pages yet: not measured"]
    pages, notes = [], []
    for name in names:
        for arguments in ((), (commune.pk,), (commune.pk, hamlet.pk)):
            try:
                pages.append(reverse(name, args=arguments))
                break
            except NoReverseMatch:
                continue
        else:
            notes.append(f"{name}: no address from a commune and a hamlet, skipped")
    return pages, notes


def completion_delay(client, agency, year: int, timeout: float) -> dict:
    """Seconds from a civil servant's last lesson to the agency's page showing it."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from courses.models import LessonPage
    from courses.services import enrollment_create, lesson_complete
    from coverage import figures, selectors

    members = list(selectors.staff_of_subtree(agency).exclude(user=None)[:500])
    statuses = selectors.staff_statuses(agency=agency, members=members, year=year)
    chosen = next(
        (
            status
            for status in statuses
            if len([a for a in status.due if a.course_id not in status.finished]) == 1
        ),
        None,
    )
    if chosen is None:
        return {"note": f"nobody in {agency.name} has exactly one course left"}
    [left] = [a for a in chosen.due if a.course_id not in chosen.finished]
    url = f"/coverage/agencies/{agency.pk}/?year={year}"
    unfinished = DBTaskResult.objects.filter(queue_name="coverage", finished_at=None)
    worker = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "coverage",
            "--no-reload",
            "--no-startup-delay",
        ],
        cwd=REPOSITORY,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.base"},
        stdout=subprocess.DEVNULL,
    )
    try:
        # Whatever an earlier run left queued goes first, so that only this
        # course's refresh is waited for.
        if not until(lambda: not unfinished.exists(), timeout):
            return {"note": "the worker did not empty the queue"}
        before = trained(client, url)
        begun_at = timezone.now()
        enrollment = enrollment_create(user=chosen.staff.user, course=left.course)
        for lesson in LessonPage.objects.child_of(left.course).live().order_by("path"):
            lesson_complete(enrollment=enrollment, lesson=lesson)
        recorded = time.perf_counter()
        if not until(lambda: trained(client, url) > before, timeout):
            return {"note": f"not shown after {timeout} s"}
        shown = time.perf_counter() - recorded
        until(lambda: not unfinished.exists(), timeout)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    tasks = DBTaskResult.objects.filter(
        queue_name="coverage",
        enqueued_at__gte=begun_at,
    ).order_by("enqueued_at")
    # One refresh, timed on its own: which half takes the time.
    begun = time.perf_counter()
    figures.agency_figures_refresh([chosen.staff.agency_id])
    agency_seconds = time.perf_counter() - begun
    begun = time.perf_counter()
    figures.commune_figures_refresh([chosen.staff.user.commune_id])
    commune_seconds = time.perf_counter() - begun
    return {
        "agency": agency.name,
        "course": left.course.title,
        "trained_before": before,
        "seconds_until_shown": round(shown, 2),
        "refresh_tasks": [
            {
                "waited_s": round((t.started_at - t.enqueued_at).total_seconds(), 2),
                "ran_s": round((t.finished_at - t.started_at).total_seconds(), 2),
            }
            for t in tasks
            if t.finished_at
        ],
        "agency_refresh_s": round(agency_seconds, 2),
        "commune_refresh_s": round(commune_seconds, 2),
    }


def until(condition, timeout: float) -> bool:
    """Ask ``condition`` every 0.2 s until it holds (True) or time is up."""
    begun = time.perf_counter()
    while time.perf_counter() - begun < timeout:
        if condition():
            return True
        time.sleep(0.2)
    return False


def rollup_export(year: int, repeat: int) -> dict:
    """The province's roll-up export as the national site fetches it, and the
    national side reading and keeping it (undone afterwards)."""
    from django.db import transaction
    from django.test import Client, override_settings

    from coverage import rollup

    token = "bench-" + "t" * 40
    with override_settings(LMS_ROLLUP_TOKENS=[token]):
        figures = timed(
            Client(headers={"authorization": f"Bearer {token}"}),
            f"{rollup.EXPORT_PATH}?year={year}",
            repeat,
        )
        body = (
            Client()
            .get(
                rollup.EXPORT_PATH, {"year": year}, HTTP_AUTHORIZATION=f"Bearer {token}"
            )
            .content
        )
    begun = time.perf_counter()
    with transaction.atomic():
        export = rollup.rollup_read(body, year=year)
        rollup.province_rollup_store(
            source="BENCH", url="https://province.example.vn", export=export
        )
        transaction.set_rollback(True)
    figures.pop("first_visit_kb")
    return {
        **figures,
        "bytes": len(body),
        "communes": sum(len(p.figures["communes"]) for p in export.provinces),
        "agencies": sum(len(p.figures["agencies"]) for p in export.provinces),
        "read_and_kept_ms": round((time.perf_counter() - begun) * 1000, 1),
    }


def trained(client, url: str) -> int:
    response = client.get(url)
    match = HEADLINE.search(response.content.decode())
    assert match, url
    return int(match.group(1).replace(",", ""))


def http_rates(url: str, users, paths: list[str], duration: int) -> dict:
    """Requests per second through gunicorn, signed in, and for a static file."""
    if not shutil.which("wrk"):
        return {"note": "wrk is not installed: not measured"}
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    user = users[0]
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-coverage-"))
    static_root = folder / "static"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        # The session below is signed with this process's key.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": f"http://127.0.0.1:{PORT}",
        "LMS_SMS_SENDER": "lms.accounts.sms.OutboxSmsSender",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_MEDIA_ROOT": str(folder / "media"),
        "DJANGO_PRIVATE_ROOT": str(folder / "private"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DATABASE_URL": url,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPOSITORY,
        env=environment,
        check=True,
    )
    stylesheet = next(static_root.glob("lms/*.css"), None) or next(
        static_root.rglob("*.css")
    )
    static_path = "/static/" + str(stylesheet.relative_to(static_root))
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=REPOSITORY,
        env=environment,
    )
    results = {}
    try:
        time.sleep(5)
        for path in paths:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            connection.request("GET", path, headers={"Cookie": cookie})
            status = connection.getresponse().status
            connection.close()
            if status != 200:
                return {"note": f"{path} answered {status} through gunicorn"}
        for name, path, headers in [
            ("static_file", static_path, []),
            *[
                (p, p, ["-H", f"Cookie: {cookie}", "-H", "Accept-Language: en"])
                for p in paths
            ],
        ]:
            run = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    "-c8",
                    f"-d{duration}s",
                    "--latency",
                    *headers,
                    f"http://127.0.0.1:{PORT}{path}",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            rate = re.search(r"Requests/sec:\s+([\d.]+)", run.stdout)
            p99 = re.search(r"99%\s+([\d.]+)(ms|s|us)", run.stdout)
            non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", run.stdout)
            results[name] = {
                "requests_per_second": float(rate.group(1)) if rate else None,
                "p99": "".join(p99.groups()) if p99 else None,
                "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        session.delete()
        shutil.rmtree(folder, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--http", action="store_true")
    parser.add_argument("--http-seconds", type=int, default=10)
    arguments = parser.parse_args()
    url = arguments.database_url
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    # The certificate of the course finished below is written here, and goes.
    media = tempfile.TemporaryDirectory(prefix="lms-bench-media-")
    os.environ["DJANGO_MEDIA_ROOT"] = media.name
    sys.path.insert(0, str(REPOSITORY))

    import django

    django.setup()
    from django.db.models import Count, Max
    from django.test import Client, override_settings
    from django.utils import timezone

    from coverage.models import Agency, AgencyFigures
    from coverage.models.agencies import PATH_STEP
    from lms.models import Commune, Hamlet

    # Static files as the finders have them: nothing is collected here.
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    ).enable()
    # The top agency with the most sub-units under it.
    under_top = Counter(
        path[: PATH_STEP + 1] for path in Agency.objects.values_list("path", flat=True)
    )
    if not under_top:
        raise SystemExit("No agencies: run bench/generate_province.py first.")
    top = Agency.objects.get(path=max(under_top, key=under_top.get))
    province = top.province
    depth = Agency.objects.aggregate(deepest=Max("depth"))["deepest"]
    deep = Agency.objects.filter(depth=depth).order_by("pk").first()
    commune = (
        Commune.objects.filter(province=province)
        .annotate(agencies_count=Count("agencies"))
        .order_by("-agencies_count", "code")
        .first()
    )
    committee = Agency.objects.get(commune=commune, parent=None)
    commune_deep = (
        Agency.objects.filter(path__startswith=committee.path)
        .order_by("-depth", "pk")
        .first()
    )
    hamlet = Hamlet.objects.filter(commune=commune).order_by("pk").first()
    year = timezone.localdate().year
    province_official = official(
        "bench-province-official", "Trần Thị Tỉnh", province=province
    )
    commune_official = official(
        "bench-commune-official", "Phạm Văn Xã", commune=commune
    )
    extra, notes = place_pages(commune, hamlet)
    plan = {
        "province_official": [
            "/coverage/",
            "/coverage/agencies/",
            f"/coverage/agencies/{top.pk}/",
            f"/coverage/agencies/{deep.pk}/",
            *extra,
        ],
        "commune_official": [
            "/coverage/",
            "/coverage/agencies/",
            f"/coverage/agencies/{committee.pk}/",
            f"/coverage/agencies/{commune_deep.pk}/",
            *extra,
        ],
    }
    for note in notes:
        print(f"Note: {note}")
    results = {
        "database": url.rsplit("/", 1)[1],
        "agencies": Agency.objects.count(),
        "agency_figures_rows": AgencyFigures.objects.count(),
        "pages": {},
        "notes": notes,
        "targets": TARGETS,
    }
    for who, user in (
        ("province_official", province_official),
        ("commune_official", commune_official),
    ):
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        for page in plan[who]:
            figures = timed(client, f"{page}?year={year}", arguments.repeat)
            results["pages"].setdefault(who, []).append(figures)
            print(
                f"{who:18} {page:28} median {figures['median_ms']:7.1f} ms  "
                f"p95 {figures['p95_ms']:7.1f} ms  {figures['queries']:2} queries  "
                f"{figures['page_kb']:5.1f} KB ({figures['first_visit_kb']} KB with "
                "what it loads)",
                flush=True,
            )
    client = Client(headers={"accept-language": "en"})
    client.force_login(province_official)
    delay = completion_delay(client, deep, year, arguments.timeout)
    results["completion"] = delay
    print(f"A finished course on the dashboard: {delay}", flush=True)
    results["rollup_export"] = rollup_export(year, arguments.repeat)
    print(f"The roll-up export: {results['rollup_export']}", flush=True)
    if arguments.http:
        results["http"] = http_rates(
            url,
            [province_official],
            ["/coverage/agencies/", f"/coverage/agencies/{top.pk}/"],
            arguments.http_seconds,
        )
        print(f"Through gunicorn: {results['http']}", flush=True)
    media.cleanup()
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()

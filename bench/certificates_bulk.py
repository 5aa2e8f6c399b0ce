"""How long a bulk issue of many certificates takes with background workers.

Creates a fresh PostgreSQL database (dropped first if it exists), migrates it,
adds --people residents of one commune and an official, then prepares and starts
one bulk issue of a course's certificate and times it until every person is done,
with --workers ``db_worker --queue-name certificates`` processes. Target: 10,000
certificates in at most 3 minutes with two workers. The workers' CPU time per
certificate is printed too: unlike the wall-clock time, it does not grow when
other programs share the machine.

With --kill-after N, one worker is killed (SIGKILL, as in a crash) once N people
are done and a new one is started; the check at the end then shows whether the
restart left duplicates or gaps.

    .venv/bin/python bench/certificates_bulk.py --people 10000 --workers 2

PostgreSQL must accept the user postgres without a password on 127.0.0.1:5432
(or pass --server postgres://user@host:port).
"""

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

REPOSITORY = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 180


def database_reset(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "certificates"]
        + ["--interval", "0.2", "--no-startup-delay"],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def seed(people: int):
    """The course, the official and the residents; returns (course, official)."""
    from certificates.models import Certificate
    from lms.models import Commune, Province, User
    from lms.models.users import Role
    from lms.services import role_grant
    from lms.text import fold
    from tests.factories import add_course, build_site

    _home, catalogue = build_site()
    course = add_course(catalogue, title="Kỹ năng số cơ bản cho người dân", lessons=1)
    province = Province.objects.create(code="79", name="Hồ Chí Minh", kind="thanh-pho")
    commune = Commune.objects.create(
        code="26734", province=province, name="Bến Thành", kind="phuong"
    )
    official = User.objects.create(username="official", full_name="Cán Bộ Phường")
    role_grant(user=official, role=Role.COMMUNE_OFFICIAL, commune=commune, by=None)
    surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Đặng", "Bùi", "Đỗ"]
    middles = ["Thị", "Văn", "Hữu", "Ngọc", "Minh", "Thanh"]
    given = ["Ánh Tuyết", "Phước", "Ẩn", "Hương", "Dũng", "Thảo", "Bảo Ngọc"]
    residents = []
    for number in range(people):
        name = (
            f"{surnames[number % 8]} {middles[number % 6]} {given[number % 7]} {number}"
        )
        residents.append(
            User(
                username=f"resident{number}",
                full_name=name,
                phone=f"+8491{number:07d}",
                commune=commune,
                search_key=fold(name),
            )
        )
    User.objects.bulk_create(residents, batch_size=2000)
    assert not Certificate.objects.exists()
    return course, official


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="lms_bench_certificates")
    parser.add_argument("--kill-after", type=int, default=0)
    arguments = parser.parse_args()

    media = tempfile.mkdtemp(prefix="bench-certificates-media-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "DATABASE_URL": f"{arguments.server}/{arguments.database}",
        "DJANGO_MEDIA_ROOT": media,
    }
    os.environ.update(env)
    sys.path.insert(0, str(REPOSITORY))
    database_reset(arguments.server, arguments.database)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPOSITORY,
        env=env,
        check=True,
    )

    import django

    django.setup()
    from django.db.models import Count

    from certificates import services
    from certificates.models import BulkIssue, BulkIssueItem, Certificate
    from certificates.selectors import bulk_issue_progress
    from lms.models import User

    course, official = seed(arguments.people)
    bulk_issue = services.bulk_issue_create(
        created_by=official,
        course=course,
        people=User.objects.exclude(pk=official.pk),
        reason="Tập huấn tại nhà văn hoá",
    )
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = [worker(env) for _ in range(arguments.workers)]
    killed = False
    try:
        # Let the workers start up before the clock starts, as in production.
        time.sleep(3)
        started = time.perf_counter()
        services.bulk_issue_start(bulk_issue=bulk_issue, user=official)
        while True:
            time.sleep(0.5)
            progress = bulk_issue_progress(bulk_issue=bulk_issue)
            if (
                arguments.kill_after
                and not killed
                and progress.processed >= arguments.kill_after
            ):
                workers[0].send_signal(signal.SIGKILL)
                workers[0].wait()
                workers[0] = worker(env)
                killed = True
            if progress.status == BulkIssue.Status.DONE:
                break
            if time.perf_counter() - started > 30 * 60:
                raise SystemExit("Gave up after 30 minutes.")
            if killed and services.bulk_issue_is_stalled(
                BulkIssue.objects.get(pk=bulk_issue.pk)
            ):
                services.bulk_issue_resume(bulk_issue=bulk_issue)
        seconds = time.perf_counter() - started
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.wait()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = (children.ru_utime - children_before.ru_utime) + (
        children.ru_stime - children_before.ru_stime
    )

    certificates = Certificate.objects.filter(course=course)
    duplicates = (
        certificates.values("user").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    holders = certificates.values("user").distinct().count()
    failed = bulk_issue.items.filter(status=BulkIssueItem.Status.FAILED).count()
    figures = {
        "people": arguments.people,
        "workers": arguments.workers,
        "worker_killed": killed,
        "seconds": round(seconds, 1),
        "certificates_per_second": round(arguments.people / seconds, 1),
        "worker_cpu_ms_per_certificate": round(1000 * worker_cpu / arguments.people, 1),
        "certificates": certificates.count(),
        "duplicates": duplicates,
        "missing": arguments.people - holders,
        "failed": failed,
        "target_seconds": TARGET_SECONDS,
    }
    print(f"people: {arguments.people}, workers: {arguments.workers}")
    print(
        f"bulk issue took {figures['seconds']} s "
        f"({figures['certificates_per_second']} certificates/s; "
        f"target ≤ {TARGET_SECONDS} s for 10,000)"
    )
    print(
        "worker CPU per certificate: "
        f"{figures['worker_cpu_ms_per_certificate']} ms (start-up included)"
    )
    print(
        f"certificates: {figures['certificates']}, duplicates: {duplicates}, "
        f"missing: {figures['missing']}, failed: {failed}"
        + (" (one worker killed and restarted)" if killed else "")
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

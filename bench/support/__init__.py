"""What several benchmarks share: a PostgreSQL database made ready to fill."""

import subprocess
import sys
from pathlib import Path

import psycopg

REPOSITORY = Path(__file__).resolve().parents[2]


def database_ensure(url: str) -> None:
    """Create the database ``url`` names if the server does not have it yet."""
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(*arguments: str) -> None:
    """Run a management command of this project in a child process, quietly."""
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def django_ready(default_database: str) -> None:
    """Point Django at the PostgreSQL database of DATABASE_URL (``default_database``
    when unset), create and migrate it, load the administrative units and set Django
    up, with static files named without a manifest (they are not what is measured).
    """
    import os

    url = os.environ.setdefault("DATABASE_URL", default_database)
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
    from django.test import override_settings

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    ).enable()


def page_timings(client, url: str, repeat: int) -> dict:
    """Open ``url`` twice to warm up, once counting its queries and table rows, then
    ``repeat`` times: ``{url, median_ms, p95_ms, queries, rows}``."""
    import statistics
    import time

    from django.db import connection

    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    # Django empties its own query log when a request starts: count them here.
    with connection.execute_wrapper(count):
        body = client.get(url).content.decode()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return {
        "url": url,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "queries": len(executed),
        "rows": body.count("<tr>") - 1,
    }

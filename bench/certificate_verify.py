"""How long the public verification page takes on the server.

Creates a fresh PostgreSQL database (dropped first if it exists), migrates it and
stores --certificates certificate rows (a tenth of them revoked; no PDFs, which
the page never reads). Then requests --requests verification pages through
Django's whole middleware stack in this process, for random valid codes and for
unknown ones, and prints the median and 95th percentile time per request.
Target: a median of at most 20 ms.

    .venv/bin/python bench/certificate_verify.py --certificates 100000

The test settings are used because they serve static files without a collected
manifest; the database is PostgreSQL as in production.
"""

import argparse
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg

REPOSITORY = Path(__file__).resolve().parents[1]
TARGET_MEDIAN_MS = 20


def database_reset(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def seed(count: int) -> list[str]:
    from django.utils import timezone

    from certificates.codes import code_generate
    from certificates.models import Certificate
    from lms.models import User

    rng = random.Random(2025)
    people = User.objects.bulk_create(
        [
            User(
                username=f"resident{number}", full_name=f"Nguyễn Thị Ánh Tuyết {number}"
            )
            for number in range(count)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    rows = []
    for person in people:
        revoked = rng.random() < 0.1
        rows.append(
            Certificate(
                code=code_generate(),
                user=person,
                recipient_name=person.full_name,
                course_title="Kỹ năng số cơ bản cho người dân",
                issuer_name="Ủy ban nhân dân phường Bến Thành",
                signer_name="Trần Văn Bình",
                signer_title="Chủ tịch",
                issued_on=date(2025, 7, 1) + timedelta(days=rng.randrange(365)),
                source=Certificate.Source.BULK,
                pdf=f"certificates/bench/{person.pk}.pdf",
                pdf_sha256="0" * 64,
                revoked_at=now if revoked else None,
                revocation_reason="Cấp nhầm người" if revoked else "",
            )
        )
    Certificate.objects.bulk_create(rows, batch_size=5000)
    return [row.code for row in rows]


def timed(client, paths: list[str], expected: int) -> list[float]:
    times = []
    for number, path in enumerate(paths):
        # Misses are rate limited per address: each request comes from its own.
        address = f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"
        started = time.perf_counter()
        response = client.get(path, REMOTE_ADDR=address, HTTP_HOST="localhost")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == expected, (path, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="lms_bench_verify")
    arguments = parser.parse_args()

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": f"{arguments.server}/{arguments.database}",
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
    # Each unknown code would log a "Not Found" warning line.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    from certificates.codes import code_generate

    codes = seed(arguments.certificates)
    rng = random.Random(7)
    valid = [
        reverse("certificates:verify", args=[rng.choice(codes)])
        for _ in range(arguments.requests)
    ]
    taken = set(codes)
    unknown = []
    while len(unknown) < arguments.requests // 4:
        code = code_generate()
        if code not in taken:
            unknown.append(reverse("certificates:verify", args=[code]))

    client = Client()
    timed(client, valid[:100], 200)
    valid_ms = timed(client, valid, 200)
    cache.clear()
    unknown_ms = timed(client, unknown, 404)

    figures = {
        "certificates": arguments.certificates,
        "requests": len(valid_ms),
        "valid_median_ms": round(statistics.median(valid_ms), 2),
        "valid_p95_ms": round(statistics.quantiles(valid_ms, n=20)[-1], 2),
        "not_found_median_ms": round(statistics.median(unknown_ms), 2),
        "target_median_ms": TARGET_MEDIAN_MS,
    }
    print(
        f"certificates stored: {arguments.certificates}, "
        f"requests: {len(valid_ms)} valid, {len(unknown_ms)} unknown"
    )
    print(
        f"verification page: median {figures['valid_median_ms']} ms, "
        f"95th percentile {figures['valid_p95_ms']} ms "
        f"(target median ≤ {TARGET_MEDIAN_MS} ms); "
        f"unknown code: median {figures['not_found_median_ms']} ms"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

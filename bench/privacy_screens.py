"""How fast staff read the audit log and the queue of personal-data requests when
a province's log holds 10 million events and its queue 10,000 requests.

Uses the PostgreSQL database named by DATABASE_URL (by default lms_bench_privacy
on 127.0.0.1:5432 as the user postgres; created if missing), migrates it and loads
the administrative units, then fills it once by bulk loading (``COPY``):
--events audit events (what 200 staff members read: 70% one record, the rest
list pages of 10-50 records; households, residents, civil servants…) spread over
the communes of Đắk Lắk and, a tenth of them, of Khánh Hòa; and --requests
personal-data requests in Đắk Lắk's communes, a third still to answer. A later
run with the same numbers reuses them.

Then it opens the pages as an official would, through Django's full request
handling (the test client), as a province official and as a commune official:
the audit log filtered by person (a household's number), by staff member, by a
day, unfiltered; the request queue, first page and fifth. It prints the median,
p95 and queries of each and ends with one JSON line. Targets: the log filtered by
person ≤ 300 ms median, the queue ≤ 200 ms median, queries the same on every page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench_privacy \\
        .venv/bin/python bench/privacy_screens.py [--events 10000000] [--requests 10000]
"""

import argparse
import datetime
import importlib
import json
import random
import sys
import time
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))

from bench.support import django_ready, page_timings  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_privacy"
PROVINCE = "66"  # Đắk Lắk
NEIGHBOUR = "56"  # Khánh Hòa
STAFF = 200
TARGET_LOG_MS = 300
TARGET_QUEUE_MS = 200
SUBJECTS = [
    ("household", 45),
    ("resident", 30),
    ("civil servants", 15),
    ("data request", 5),
    ("my data", 5),
]
# The household whose readers are looked up: named by one event in 5,000 or so.
LOOKED_UP = 4242


def staff_ensure():
    from lms.models import Commune, Province, User
    from lms.models.users import Role
    from lms.services import role_grant

    commune = Commune.objects.filter(province_id=PROVINCE).order_by("code").first()
    province_official, _ = User.objects.get_or_create(
        username="bench-privacy-province", defaults={"full_name": "Cán Bộ Tỉnh"}
    )
    role_grant(
        user=province_official,
        role=Role.PROVINCE_OFFICIAL,
        province=Province.objects.get(code=PROVINCE),
        by=None,
    )
    commune_official, _ = User.objects.get_or_create(
        username="bench-privacy-commune", defaults={"full_name": "Cán Bộ Xã"}
    )
    role_grant(
        user=commune_official, role=Role.COMMUNE_OFFICIAL, commune=commune, by=None
    )
    staff = []
    for number in range(STAFF):
        person, _ = User.objects.get_or_create(
            username=f"bench-privacy-staff-{number}",
            defaults={"full_name": f"Thành Viên Tổ {number}"},
        )
        staff.append(person)
    return {"province": province_official, "commune": commune_official}, staff


def events_load(count: int, staff) -> None:
    from django.db import connection, transaction

    from lms.models import AuditEvent, Commune
    from lms.text import fold

    if AuditEvent.objects.count() >= count:
        print(f"reusing {AuditEvent.objects.count():,} audit events")
        return
    AuditEvent.objects.all()._raw_delete(AuditEvent.objects.db)
    home = list(
        Commune.objects.filter(province_id=PROVINCE).values_list("pk", flat=True)
    )
    away = list(
        Commune.objects.filter(province_id=NEIGHBOUR).values_list("pk", flat=True)
    )
    rng = random.Random(91)
    subjects = [name for name, _ in SUBJECTS]
    weights = [share for _, share in SUBJECTS]
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    seconds = int(
        (datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC) - start).total_seconds()
    )
    columns = (
        "at actor_id actor_name action subject subject_ids detail commune_id "
        "province_id ip_address search_key"
    ).split()
    # A bulk load goes faster without the indexes, made again once it is in.
    gin = importlib.import_module(
        "lms.migrations.0008_audit_log_read_by_person_and_staff"
    )
    with connection.schema_editor() as editor:
        editor.execute(gin.GIN_DROP)
        for index in AuditEvent._meta.indexes:
            editor.remove_index(AuditEvent, index)
    names = {
        (actor.pk, subject): fold(f"{actor.full_name} {subject}")
        for actor in staff
        for subject in subjects
    }
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY lms_auditevent ({', '.join(columns)}) FROM STDIN") as copy:
            for number in range(count):
                actor = staff[rng.randrange(STAFF)]
                subject = rng.choices(subjects, weights)[0]
                if rng.random() < 0.7:
                    ids = [rng.randrange(1, 20_000_000)]
                    action = "view"
                else:
                    ids = [
                        rng.randrange(1, 20_000_000) for _ in range(rng.randint(10, 50))
                    ]
                    action = "list"
                if number % 5000 == 0:
                    ids[0] = LOOKED_UP
                    subject = "household"
                inside = rng.random() < 0.9
                communes = home if inside else away
                copy.write_row(
                    (
                        start + datetime.timedelta(seconds=rng.randrange(seconds)),
                        actor.pk,
                        actor.full_name,
                        action,
                        subject,
                        "[" + ", ".join(f'"{pk}"' for pk in ids) + "]",
                        "",
                        rng.choice(communes),
                        PROVINCE if inside else NEIGHBOUR,
                        None,
                        names[actor.pk, subject],
                    )
                )
                if number and number % 1_000_000 == 0:
                    print(f"  {number:,} events…", flush=True)
    print(f"copied {count:,} audit events in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    with connection.schema_editor() as editor:
        for index in AuditEvent._meta.indexes:
            editor.add_index(AuditEvent, index)
        editor.execute(gin.GIN_CREATE)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE lms_auditevent")
    print(f"indexed and analysed in {time.perf_counter() - began:.0f} s")


def requests_load(count: int, official) -> None:
    from lms.models import Commune
    from privacy.models import DataRequest

    if DataRequest.objects.count() == count:
        print(f"reusing {count:,} requests")
        return
    DataRequest.objects.all().delete()
    home = list(Commune.objects.filter(province_id=PROVINCE))
    rng = random.Random(356)
    today = datetime.date(2026, 12, 1)
    rows = []
    for number in range(count):
        received = today - datetime.timedelta(days=rng.randrange(300))
        answered = rng.random() > 0.33
        rows.append(
            DataRequest(
                kind=rng.choice(DataRequest.Kind.values),
                commune=home[number % len(home)],
                person_name=f"Người Dân {number}",
                identity_check=DataRequest.IdentityCheck.VNEID,
                received_on=received,
                due_on=received + datetime.timedelta(days=2),
                received_by=official,
                answered_on=received + datetime.timedelta(days=1) if answered else None,
                answered_by=official if answered else None,
                answer="Đã trả lời." if answered else "",
            )
        )
    DataRequest.objects.bulk_create(rows, batch_size=2000)
    print(f"created {count:,} requests")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    arguments = parser.parse_args()

    django_ready(DEFAULT_DATABASE)
    from django.test import Client
    from django.urls import reverse

    officials, staff = staff_ensure()
    events_load(arguments.events, staff)
    requests_load(arguments.requests, officials["province"])

    log = reverse("audit_log:index")
    queue = reverse("data_requests")
    scenarios = {
        "log: by person": (
            f"{log}?subject=households&record={LOOKED_UP}",
            TARGET_LOG_MS,
        ),
        "log: by staff member": (f"{log}?actor={staff[7].pk}", TARGET_LOG_MS),
        "log: one day": (
            f"{log}?at_after=2026-06-15&at_before=2026-06-15",
            TARGET_LOG_MS,
        ),
        "log: newest": (log, TARGET_LOG_MS),
        "requests: first page": (queue, TARGET_QUEUE_MS),
        "requests: fifth page": (f"{queue}?page=5", TARGET_QUEUE_MS),
    }
    results = {}
    met = True
    for who, official in officials.items():
        client = Client()
        client.force_login(official)
        for label, (target_url, target) in scenarios.items():
            if who == "commune" and "fifth" in label:
                continue
            figures = page_timings(client, target_url, arguments.repeat)
            figures["target_median_ms"] = target
            met = met and figures["median_ms"] <= target
            results[f"{who} official, {label}"] = figures
            print(
                f"{who:>8} official, {label:<22} median {figures['median_ms']:7.1f} ms"
                f"  p95 {figures['p95_ms']:7.1f} ms  queries {figures['queries']:2d}"
                f"  (target ≤ {target} ms)"
            )
    summary = {
        "events": arguments.events,
        "requests": arguments.requests,
        "targets_met": met,
        "pages": results,
    }
    print(f"targets {'met' if met else 'NOT met'}")
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()

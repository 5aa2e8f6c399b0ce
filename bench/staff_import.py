"""How long a 10,000-row staff roster takes to preview and to save.

Creates a fresh PostgreSQL database (dropped first if it exists), migrates it,
adds a province, its official, and for each round an agency and a roster .xlsx of
--rows people (a title row, the template's header, Vietnamese names, the three
categories, a mobile number on four rows in five and an email address on the
fifth; one person in ten already has an account with that number, to be joined
to it). Each round runs the import as the screens do: upload, then the reading
task on a ``db_worker --queue-name coverage`` process until the preview is ready,
then accept, then the saving task until everyone is saved with an account and
the civil servant role. Each time runs from the call that queues the task to the
moment the import's status changes, worker included, and starts once the worker
has nothing else to do (the figures' refresh a save queues runs after it). The
first round's file is then imported again, which must find everyone already on
the staff.

    .venv/bin/python bench/staff_import.py --rows 10000 --rounds 3

PostgreSQL must accept the user postgres without a password on 127.0.0.1:5432
(or pass --server postgres://user@host:port). The last line is JSON.
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from openpyxl import Workbook

REPOSITORY = Path(__file__).resolve().parents[1]

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng"]
MIDDLES = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Đức", "Quốc"]
GIVEN = ["Hùng", "Hoà", "Ánh Tuyết", "Phước", "Dũng", "Thảo", "Bảo Ngọc", "Khôi"]
CATEGORIES = ["CC", "Công chức", "VC", "Viên chức", "CB"]
POSITIONS = ["Chuyên viên", "Phó phòng", "Trưởng phòng", "Giáo viên", ""]
# A mobile prefix per round, so that no two rounds share a number.
PREFIXES = ["090", "091", "093", "094", "096", "097", "098", "099"]


def database_reset(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def person(round_number: int, number: int) -> tuple[str, str, str, str, str]:
    name = (
        f"{SURNAMES[number % 9]} {MIDDLES[(number // 9) % 8]} "
        f"{GIVEN[(number // 72) % 8]} {number}"
    )
    if number % 5 == 4:
        phone, email = "", f"r{round_number}.cb{number}@so.example.vn"
    else:
        phone, email = f"{PREFIXES[round_number]}{number:07d}", ""
    return (
        name,
        CATEGORIES[number % 5],
        POSITIONS[number % 5],
        phone,
        email,
    )


def roster(round_number: int, rows: int) -> bytes:
    # Not write-only: the sheet then says its size, as Excel's own files do.
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC"])
    sheet.append(
        ["STT", "Họ và tên", "Phân loại (CB/CC/VC)", "Chức vụ", "Số điện thoại"]
        + ["Email"]
    )
    for number in range(rows):
        sheet.append([number + 1, *person(round_number, number)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def worker_idle(results) -> None:
    """Wait until the worker has run every task queued so far (the figures'
    refresh after a save included), so each timing starts on an idle worker."""
    from django.db.models import Q
    from django.utils import timezone

    started = time.perf_counter()
    # The expiry each upload queues for a day later is not waited for.
    due = Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())
    while results.filter(due, status__in=["READY", "RUNNING"]).exists():
        if time.perf_counter() - started > 900:
            raise SystemExit("Gave up waiting for the worker.")
        time.sleep(0.1)


def wait_for(item, statuses) -> None:
    started = time.perf_counter()
    while True:
        item.refresh_from_db()
        if item.status in statuses:
            return
        if time.perf_counter() - started > 900:
            raise SystemExit(f"Gave up waiting; status {item.status}.")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="lms_bench_staff_import")
    arguments = parser.parse_args()
    if not 1 <= arguments.rounds <= len(PREFIXES):
        parser.error(f"--rounds must be between 1 and {len(PREFIXES)}")

    private = tempfile.mkdtemp(prefix="bench-staff-private-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.base",
        "DATABASE_URL": f"{arguments.server}/{arguments.database}",
        "DJANGO_PRIVATE_ROOT": private,
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
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from coverage import imports
    from coverage.models import Agency, StaffImport, StaffMember
    from lms.models import Province, RoleAssignment, User
    from lms.models.users import Role
    from lms.phone import phone_to_e164
    from lms.services import role_grant

    province = Province.objects.create(code="79", name="Hồ Chí Minh", kind="thanh-pho")
    official = User.objects.create(username="official", full_name="Cán Bộ Tỉnh")
    role_grant(user=official, role=Role.PROVINCE_OFFICIAL, province=province, by=None)

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "coverage"]
        + ["--interval", "0.1", "--no-startup-delay"],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ready = {StaffImport.Status.READY, StaffImport.Status.FAILED}
    saved = {StaffImport.Status.DONE}
    previews, saves, first = [], [], None
    try:
        # Let the worker start before the clock starts, as in production.
        time.sleep(3)
        for round_number in range(arguments.rounds):
            agency = Agency.objects.create(
                name=f"Sở Nội vụ {round_number + 1}",
                kind=Agency.Kind.DEPARTMENT,
                province=province,
            )
            data = roster(round_number, arguments.rows)
            # One person in ten signed up already with the number on the roster.
            User.objects.bulk_create(
                User(
                    username=f"r{round_number}-{number}",
                    password=make_password(None),
                    phone=phone_to_e164(person(round_number, number)[3]),
                    full_name=person(round_number, number)[0],
                )
                for number in range(0, arguments.rows, 10)
                if person(round_number, number)[3]
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            worker_idle(DBTaskResult.objects)
            started = time.perf_counter()
            item = imports.staff_import_create(
                by=official, agency=agency, name="danh-sach.xlsx", data=data
            )
            wait_for(item, ready)
            previews.append(time.perf_counter() - started)
            if item.status != StaffImport.Status.READY:
                raise SystemExit(f"The preview failed: {item.error}")
            if item.to_create != arguments.rows:
                raise SystemExit(f"Expected {arguments.rows} new, {item.to_create}")
            worker_idle(DBTaskResult.objects)
            started = time.perf_counter()
            imports.staff_import_accept(by=official, staff_import=item)
            wait_for(item, saved | {StaffImport.Status.READY})
            saves.append(time.perf_counter() - started)
            if item.status != StaffImport.Status.DONE:
                raise SystemExit(f"Saving failed: {item.error}")
            first = first or (agency, data, item)
        agency, data, item = first
        worker_idle(DBTaskResult.objects)
        started = time.perf_counter()
        again = imports.staff_import_create(
            by=official, agency=agency, name="danh-sach.xlsx", data=data
        )
        wait_for(again, ready)
        again_seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()

    figures = {
        "rows": arguments.rows,
        "rounds": arguments.rounds,
        "file_bytes": len(data),
        "preview_seconds": [round(s, 2) for s in previews],
        "save_seconds": [round(s, 2) for s in saves],
        "preview_median_seconds": round(statistics.median(previews), 2),
        "save_median_seconds": round(statistics.median(saves), 2),
        "reimport_preview_seconds": round(again_seconds, 2),
        "staff_saved": StaffMember.objects.count(),
        "accounts_created_first_round": item.accounts_created,
        "accounts_linked_first_round": item.accounts_linked,
        "civil_servant_roles": RoleAssignment.objects.filter(
            role=Role.CIVIL_SERVANT
        ).count(),
        "reimport_to_create": again.to_create,
        "reimport_to_update": again.to_update,
        "reimport_unchanged": again.unchanged,
    }
    print(
        f"roster: {arguments.rows} people, {len(data) / 1024:.0f} KB; "
        f"{arguments.rounds} rounds, each into a new agency"
    )
    print(
        f"preview: median {figures['preview_median_seconds']} s "
        f"({figures['preview_seconds']}); save: median "
        f"{figures['save_median_seconds']} s ({figures['save_seconds']}), "
        "worker included"
    )
    print(
        f"first round: {item.accounts_created} accounts made, "
        f"{item.accounts_linked} joined; the same file again: "
        f"{again.to_create} new, {again.to_update} to update, "
        f"{again.unchanged} already there ({figures['reimport_preview_seconds']} s)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

"""How long a 10,000-row household roster takes to preview and to save.

Creates a fresh PostgreSQL database (dropped first if it exists), migrates it,
adds a commune, a hamlet and its official, writes a roster .xlsx of --rows people
laid out as communes keep them (a title row, a two-row header with merged cells,
households of one to six people with Vietnamese names), and runs the import as the
admin does: upload, then the reading task on a ``db_worker --queue-name
community_teams`` process until the preview is ready, then accept, then the saving
task until every household is saved. Each time runs from the call that queues the
task to the moment the import's status changes, worker included. The same file is
then imported a second time, which must find every household already there.
Target: at most 10 s for the preview and 10 s for the save.

    .venv/bin/python bench/roster_import.py --rows 10000

PostgreSQL must accept the user postgres without a password on 127.0.0.1:5432
(or pass --server postgres://user@host:port).
"""

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from openpyxl import Workbook

REPOSITORY = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng"]
MIDDLES = ["Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Đức", "Quốc"]
GIVEN = ["Hùng", "Hoà", "Ánh Tuyết", "Phước", "Dũng", "Thảo", "Bảo Ngọc", "Khôi"]
RELATIONS = ["Vợ", "Con", "Con", "Cháu", "Mẹ"]


def database_reset(server: str, name: str) -> None:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def roster(rows: int) -> tuple[bytes, int]:
    """A roster of ``rows`` people and how many households they make."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    sheet.append(["DANH SÁCH HỘ GIA ĐÌNH THÔN 1"])
    sheet.append(
        ["STT", "Họ và tên", "Năm sinh", None, "Quan hệ với chủ hộ", "Số nhà"]
        + ["Số điện thoại", "Số CCCD", "Ghi chú"]
    )
    sheet.append([None, None, "Nam", "Nữ", None, None, None, None, None])
    for merged in ["A1:I1", "C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3", "G2:G3"]:
        sheet.merged_cells.add(merged)
    written, households = 0, 0
    while written < rows:
        households += 1
        size = min(1 + households % 6, rows - written)
        for member in range(size):
            number = written + 1
            name = (
                f"{SURNAMES[number % 9]} {MIDDLES[(number // 9) % 8]} "
                f"{GIVEN[(number // 72) % 8]} {households}"
            )
            year = 1940 + number % 80
            male = member % 2 == 0
            sheet.append(
                [
                    number,
                    name,
                    year if male else None,
                    None if male else year,
                    "Chủ hộ" if member == 0 else RELATIONS[member % 5],
                    f"{households}/{number % 40}",
                    f"09{number:08d}" if member == 0 else None,
                    f"0790{number:08d}",
                    None,
                ]
            )
            written += 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), households


def wait_for(roster_import, statuses) -> float:
    started = time.perf_counter()
    while True:
        roster_import.refresh_from_db()
        if roster_import.status in statuses:
            return time.perf_counter() - started
        if time.perf_counter() - started > 600:
            raise SystemExit(f"Gave up waiting; status {roster_import.status}.")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="lms_bench_roster")
    arguments = parser.parse_args()

    private = tempfile.mkdtemp(prefix="bench-roster-private-")
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
    from community_teams import imports
    from community_teams.models import Household, Resident, RosterImport
    from lms.models import Commune, Hamlet, Province, User
    from lms.models.users import Role
    from lms.services import role_grant

    province = Province.objects.create(code="79", name="Hồ Chí Minh", kind="thanh-pho")
    commune = Commune.objects.create(
        code="26734", province=province, name="Bến Thành", kind="phuong"
    )
    hamlet = Hamlet.objects.create(commune=commune, name="Khu phố 1", kind="khu-pho")
    official = User.objects.create(username="official", full_name="Cán Bộ Phường")
    role_grant(user=official, role=Role.COMMUNE_OFFICIAL, commune=commune, by=None)

    started = time.perf_counter()
    data, households = roster(arguments.rows)
    write_seconds = time.perf_counter() - started

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--queue-name", "community_teams"]
        + ["--interval", "0.1", "--no-startup-delay"],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    waiting = {RosterImport.Status.READY, RosterImport.Status.FAILED}
    try:
        # Let the worker start before the clock starts, as in production.
        time.sleep(3)
        started = time.perf_counter()
        first = imports.roster_import_create(
            by=official, hamlet=hamlet, name="danh-sach.xlsx", data=data
        )
        wait_for(first, waiting)
        preview_seconds = time.perf_counter() - started
        if first.status != RosterImport.Status.READY:
            raise SystemExit(f"The preview failed: {first.error}")
        started = time.perf_counter()
        imports.roster_import_accept(by=official, roster_import=first)
        wait_for(first, {RosterImport.Status.DONE, RosterImport.Status.READY})
        save_seconds = time.perf_counter() - started
        if first.status != RosterImport.Status.DONE:
            raise SystemExit(f"Saving failed: {first.error}")
        saved = (Household.objects.count(), Resident.objects.count())
        started = time.perf_counter()
        second = imports.roster_import_create(
            by=official, hamlet=hamlet, name="danh-sach.xlsx", data=data
        )
        wait_for(second, waiting)
        again_seconds = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()

    figures = {
        "rows": arguments.rows,
        "households": households,
        "file_bytes": len(data),
        "write_xlsx_seconds": round(write_seconds, 2),
        "preview_seconds": round(preview_seconds, 2),
        "save_seconds": round(save_seconds, 2),
        "reimport_preview_seconds": round(again_seconds, 2),
        "households_saved": saved[0],
        "residents_saved": saved[1],
        "reimport_to_create": second.to_create,
        "reimport_to_update": second.to_update,
        "reimport_unchanged": second.unchanged,
        "target_seconds": TARGET_SECONDS,
    }
    print(
        f"roster: {arguments.rows} people in {households} households, "
        f"{len(data) / 1024:.0f} KB (written in {figures['write_xlsx_seconds']} s)"
    )
    print(
        f"preview: {figures['preview_seconds']} s, save: {figures['save_seconds']} s "
        f"(target ≤ {TARGET_SECONDS} s each, worker included)"
    )
    print(
        f"saved {saved[0]} households and {saved[1]} residents; the same file again: "
        f"{second.to_create} new, {second.to_update} to update, "
        f"{second.unchanged} already there ({figures['reimport_preview_seconds']} s)"
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

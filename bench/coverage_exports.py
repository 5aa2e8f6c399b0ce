"""The agencies' Excel and PDF reports of a whole province: time and memory.

Uses the PostgreSQL database named by DATABASE_URL (by default
lms_bench_coverage_exports on 127.0.0.1:5432 as the user postgres; created if
missing), migrates it, and fills it once with a generated province: --agencies
agencies in a three-level tree (a tenth at the top: departments and communes'
people's committees; a fifth under them; the rest under those) and --staff civil
servants spread over them, with this year's summary rows (staff counted from the
roster rows, then the share with courses assigned, trained and overdue drawn at
random, and the months of the trained). A later run with the same numbers reuses
them.

Then, as the province's official through Django's full request handling (the
test client, sessions, middleware), the Excel workbook and the PDF report of the
whole province and of one department: median of --repeat runs of the server
time, the queries, the size, and the peak of memory Python allocated during one
more run (tracemalloc); the process's peak resident memory at the end. Last, the
PDF writer alone with every level printed as a table (a province whose first
level had all its agencies). Ends with one JSON line.

Targets: each export of the whole province ≤ 30 s, with the same queries as one
department's and memory that does not grow with the staff.

    .venv/bin/python bench/coverage_exports.py
"""

import argparse
import datetime
import io
import json
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import pypdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import REPOSITORY, database_ensure, manage  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_coverage_exports"
TARGETS = {"export_seconds": 30}
DEPARTMENTS = [
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Tư pháp",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Thanh tra tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Đài Phát thanh và Truyền hình",
    "Trường Cao đẳng Kỹ thuật",
    "Bệnh viện Đa khoa tỉnh",
    "Trung tâm Phục vụ hành chính công",
    "Ban Quản lý dự án đầu tư xây dựng",
]
OFFICES = [
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Chuyển đổi số",
    "Phòng Nghiệp vụ",
    "Trung tâm Dữ liệu",
]
UNITS = ["Tổ Một cửa", "Bộ phận Tổng hợp", "Tổ Ứng dụng", "Bộ phận Hành chính"]
COMMUNE_NAMES = ["Ea Tu", "Hòa Thắng", "Buôn Đôn", "Cư Mgar", "Krông Pắc", "Đắk Liêng"]


def fill(agency_count: int, staff_count: int) -> None:
    """Generate the province, unless a run with the same numbers already did."""
    from django.db import connection

    from coverage.models import (
        Agency,
        AgencyFigures,
        AgencyMonthFigures,
        Indicator,
        StaffCategory,
        StaffMember,
        Target,
    )
    from lms.models import Commune, Province, User
    from lms.models.users import Role
    from lms.services import role_grant
    from lms.text import fold

    if (
        Agency.objects.count() == agency_count
        and StaffMember.objects.count() == staff_count
        and AgencyFigures.objects.filter(year=datetime.date.today().year).exists()
    ):
        return
    print(f"Generating {agency_count} agencies and {staff_count} staff…", flush=True)
    tables = [
        model._meta.db_table
        for model in (AgencyMonthFigures, AgencyFigures, StaffMember, Agency)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    rng = random.Random(11)
    province, _created = Province.objects.get_or_create(
        code="66", defaults={"name": "Đắk Lắk", "kind": Province.Kind.PROVINCE}
    )
    official, _created = User.objects.get_or_create(
        username="bench-province-official",
        defaults={"full_name": "Trần Thị Tỉnh"},
    )
    if not official.roles.filter(role=Role.PROVINCE_OFFICIAL).exists():
        role_grant(
            user=official, role=Role.PROVINCE_OFFICIAL, province=province, by=None
        )
    top_count = max(1, agency_count // 10)
    middle_count = max(1, agency_count // 5)
    bottom_count = agency_count - top_count - middle_count
    tops = []
    for number in range(top_count):
        if number < len(DEPARTMENTS):
            tops.append(
                Agency.objects.create(
                    name=DEPARTMENTS[number],
                    kind=Agency.Kind.DEPARTMENT,
                    province=province,
                )
            )
            continue
        name = f"{COMMUNE_NAMES[number % len(COMMUNE_NAMES)]} {number}"
        commune, _created = Commune.objects.get_or_create(
            code=f"9{number:04d}",
            defaults={"province": province, "name": name, "kind": "xa"},
        )
        tops.append(
            Agency.objects.create(
                name=f"UBND xã {name}",
                kind=Agency.Kind.COMMUNE_COMMITTEE,
                province=province,
                commune=commune,
            )
        )
    middles = [
        Agency.objects.create(
            name=f"{OFFICES[number % len(OFFICES)]} {number // len(OFFICES) + 1}",
            kind=Agency.Kind.SUB_UNIT,
            province=province,
            parent=tops[number % top_count],
        )
        for number in range(middle_count)
    ]
    bottoms = [
        Agency.objects.create(
            name=f"{UNITS[number % len(UNITS)]} {number // len(UNITS) + 1}",
            kind=Agency.Kind.SUB_UNIT,
            province=province,
            parent=middles[number % middle_count],
        )
        for number in range(bottom_count)
    ]
    agencies = tops + middles + bottoms
    weights = [rng.uniform(0.3, 1.7) for _agency in agencies]
    scale = staff_count / sum(weights)
    counts = [int(weight * scale) for weight in weights]
    counts[0] += staff_count - sum(counts)
    categories = list(StaffCategory.values)
    batch = []
    for agency, count in zip(agencies, counts, strict=True):
        for seat in range(count):
            name = f"Cán bộ {agency.pk}-{seat}"
            batch.append(
                StaffMember(
                    agency=agency,
                    full_name=name,
                    category=categories[seat % len(categories)],
                    search_key=fold(name),
                )
            )
        if len(batch) >= 10_000:
            StaffMember.objects.bulk_create(batch, batch_size=5000)
            batch = []
    StaffMember.objects.bulk_create(batch, batch_size=5000)

    today = datetime.date.today()
    rows, months = [], []
    for agency, count in zip(agencies, counts, strict=True):
        assigned = round(count * rng.uniform(0.85, 1))
        finished = round(assigned * rng.uniform(0.2, 0.95))
        overdue = round((assigned - finished) * rng.uniform(0, 0.5))
        common = {
            "agency": agency,
            "path": agency.path,
            "province": province,
            "commune_id": agency.commune_id,
        }
        rows.append(
            AgencyFigures(
                year=today.year,
                staff=count,
                assigned=assigned,
                finished=finished,
                overdue=overdue,
                **common,
            )
        )
        for month in range(1, today.month + 1):
            share = finished // today.month
            if share:
                months.append(
                    AgencyMonthFigures(
                        month=datetime.date(today.year, month, 1),
                        finished_courses=share,
                        **common,
                    )
                )
    AgencyFigures.objects.bulk_create(rows, batch_size=2000)
    AgencyMonthFigures.objects.bulk_create(months, batch_size=5000)
    Target.objects.update_or_create(
        province=province,
        indicator=Indicator.CIVIL_SERVANTS_TRAINED,
        year=today.year,
        defaults={"percent": 100},
    )


def body_size(response) -> int:
    return sum(len(chunk) for chunk in response.streaming_content)


def timed(client, url, params, repeat):
    """Median server time, queries and size of ``repeat`` downloads, and the
    peak memory Python allocated during one more."""
    from django.db import connection

    client.get(url, params)  # the session and the fonts, as any later request finds
    captured = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: captured.append(sql) or execute(sql, *rest)
    ):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        size = body_size(response)
    times = []
    for _n in range(repeat):
        begun = time.perf_counter()
        response = client.get(url, params)
        body_size(response)
        times.append(time.perf_counter() - begun)
    tracemalloc.start()
    response = client.get(url, params)
    body_size(response)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "median_s": round(statistics.median(times), 2),
        "max_s": round(max(times), 2),
        "queries": len(captured),
        "bytes": size,
        "peak_python_mb": round(peak / 2**20, 1),
    }


def pdf_every_level(official) -> dict:
    """The PDF writer alone, every level of the whole province printed."""
    from coverage import exports

    report = exports.agencies_report(official, year=datetime.date.today().year)
    for section in report.sections[:-1]:
        section.printed = True
    rows = sum(section.size for section in report.sections[:-1])
    out = io.BytesIO()
    begun = time.perf_counter()
    exports.pdf_write(report, out)
    seconds = time.perf_counter() - begun
    data = out.getvalue()
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "bytes": len(data),
        "pages": len(pypdf.PdfReader(io.BytesIO(data)).pages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=int, default=2000)
    parser.add_argument("--staff", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    arguments = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (see the top).")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    sys.path.insert(0, str(REPOSITORY))
    database_ensure(url)
    manage("migrate", "--noinput", "-v", "0")

    import django

    django.setup()
    from django.test import Client, override_settings
    from django.urls import reverse

    from coverage.models import Agency, StaffMember
    from lms.models import User

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        LANGUAGE_CODE="vi",
    ).enable()
    fill(arguments.agencies, arguments.staff)
    official = User.objects.get(username="bench-province-official")
    client = Client()
    client.force_login(official)
    department = Agency.objects.filter(parent=None).order_by("pk").first()
    results = {
        "agencies": Agency.objects.count(),
        "staff": StaffMember.objects.count(),
        "levels": Agency.objects.order_by("-depth").values_list("depth", flat=True)[0]
        + 1,
    }
    for kind in ("xlsx", "pdf"):
        export = reverse(f"coverage_export_agencies_{kind}")
        results[f"{kind}_province"] = timed(client, export, {}, arguments.repeat)
        results[f"{kind}_department"] = timed(
            client, export, {"agency": department.pk}, arguments.repeat
        )
    results["pdf_every_level"] = pdf_every_level(official)
    results["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    results["targets"] = TARGETS
    print(
        f"{results['agencies']} agencies in {results['levels']} levels, "
        f"{results['staff']} staff"
    )
    for kind in ("xlsx", "pdf"):
        for part in ("province", "department"):
            figures = results[f"{kind}_{part}"]
            print(
                f"{kind.upper()} of the {part}: median {figures['median_s']} s "
                f"(max {figures['max_s']} s), {figures['queries']} queries, "
                f"{figures['bytes'] // 1024} KB, peak Python memory "
                f"{figures['peak_python_mb']} MB"
            )
    every = results["pdf_every_level"]
    print(
        f"PDF writer with every level printed: {every['rows']} rows, "
        f"{every['pages']} pages, {every['seconds']} s"
    )
    print(f"Peak resident memory of this process: {results['peak_rss_mb']} MB")
    print(json.dumps(results))


if __name__ == "__main__":
    main()

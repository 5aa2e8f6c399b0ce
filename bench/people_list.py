"""How fast officials' lists of people open when a province has 600,000 residents.

Uses the PostgreSQL database named by DATABASE_URL (by default lms_bench_people on
127.0.0.1:5432 as the user postgres; created if missing), migrates
it and loads the administrative units, then fills it once by bulk loading
(``COPY``): --residents people with Vietnamese names, phones and emails spread
over the communes of Đắk Lắk, a tenth as many in Khánh Hòa (outside the
province official's reach), and a certificate of one course for a quarter of
them. A later run with the same numbers reuses them; other numbers replace them.

Then it opens the pages as an official would, through Django's full request
handling (the test client, with sessions and middleware), logged in as a
province official and as a commune official: the issuing list with a course
chosen (first page, the page reached by following "next" five times, a search
by a whole name typed without accents, a search by one common given name), and
the list of certificates (first page and a name search). It prints the median,
p95 and the number of queries of each, and ends with one JSON line. Target:
median ≤ 150 ms on every list page, the same number of queries on every page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench_people \\
        .venv/bin/python bench/people_list.py
"""

import argparse
import datetime
import html
import json
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import django_ready, page_timings  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[1]
TARGET_MEDIAN_MS = 150
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_people"
PROVINCE = "66"  # Đắk Lắk, 102 communes
NEIGHBOUR = "56"  # Khánh Hòa
USERNAME_PREFIX = "bench-resident-"
CERTIFICATE_SHARE = 4  # one resident in four holds the course's certificate
PAGES_FOLLOWED = 5

# Family names with roughly their share of the population.
FAMILY_NAMES = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 3),
    ("Huỳnh", 2.5),
    ("Phan", 4.5),
    ("Vũ", 2),
    ("Võ", 2),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 0.5),
    ("Trương", 0.5),
    ("Lương", 0.3),
    ("Y", 0.4),
    ("H'", 0.2),
]
MIDDLE = {
    "f": ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ", "Hồng", "Minh"],
    "m": ["Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Xuân", "Thanh"],
}
GIVEN = {
    "f": "Lan Hương Hoa Mai Hạnh Thảo Linh Trang Ngọc Hằng Phương Tuyết Nhung Yến "
    "Oanh Loan Hiền Thủy Hà Anh Vy Nga My Duyên Quyên Huyền Thư Châu Diệp Nhàn "
    "Ánh_Tuyết Bảo_Ngọc Thu_Hà Ngọc_Ánh Phương_Thảo".split(),
    "m": "Hùng Dũng Tuấn Minh Nam Hải Long Phong Thắng Sơn Bình Cường Hiếu Khoa "
    "Phúc Tài Trung Vinh Quân Đạt Huy Khánh Lâm Phước Tâm Ẩn Toàn Lộc Nghĩa Thái "
    "Quốc_Bảo Minh_Khôi Gia_Huy Đức_Anh Hoàng_Long".split(),
}
MOBILE_PREFIXES = "032 033 034 035 036 037 038 039 056 058 070 076 077 078 079 "
MOBILE_PREFIXES += "081 082 083 084 085 086 088 089 090 091 093 094 096 097 098"
MOBILE_PREFIXES = MOBILE_PREFIXES.split()
MAIL_DOMAINS = ["gmail.com", "gmail.com", "gmail.com", "yahoo.com", "daklak.gov.vn"]


def person(rng: random.Random, number: int) -> tuple[str, str, str | None, int]:
    """A resident's name, email ('' when none), phone (None when none), birth year."""
    sex = rng.choice("fm")
    family = rng.choices(
        [name for name, _ in FAMILY_NAMES], [share for _, share in FAMILY_NAMES]
    )[0]
    given = rng.choice(GIVEN[sex]).replace("_", " ")
    name = unicodedata.normalize("NFC", f"{family} {rng.choice(MIDDLE[sex])} {given}")
    # Every phone differs: the prefix and the serial come from the number.
    phone = None
    if rng.random() < 0.85:
        prefix = MOBILE_PREFIXES[number % len(MOBILE_PREFIXES)]
        phone = f"+84{prefix[1:]}{number // len(MOBILE_PREFIXES):07d}"
    email = ""
    if phone is None or rng.random() < 0.1:
        from lms.text import slugify_vi

        local = slugify_vi(name).replace("-", ".")
        email = f"{local}.{number}@{rng.choice(MAIL_DOMAINS)}"
    return name, email, phone, rng.randint(1940, 2010)


def residents_load(count: int) -> None:
    """Bulk-load ``count`` residents and their certificates, unless already there."""
    from django.db import connection, transaction

    from courses.models import CoursePage
    from lms.models import Commune, User

    existing = User.objects.filter(username__startswith=USERNAME_PREFIX).count()
    if existing == count + count // 10:
        print(f"reusing {existing:,} residents")
        return
    course = CoursePage.objects.get(slug="bench-ky-nang-so")
    home = list(
        Commune.objects.filter(province_id=PROVINCE).values_list("code", flat=True)
    )
    away = list(
        Commune.objects.filter(province_id=NEIGHBOUR).values_list("code", flat=True)
    )
    rng = random.Random(20260101)
    started = time.perf_counter()
    columns = (
        "password last_login is_superuser username first_name last_name email "
        "is_staff is_active date_joined phone phone_verified full_name birth_year "
        "commune_id search_key"
    ).split()
    joined = datetime.datetime(2025, 8, 1, tzinfo=datetime.UTC)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM certificates_certificate WHERE user_id IN "
                "(SELECT id FROM lms_user WHERE username LIKE %s)",
                [USERNAME_PREFIX + "%"],
            )
            cursor.execute(
                "DELETE FROM lms_user WHERE username LIKE %s", [USERNAME_PREFIX + "%"]
            )
        raw = connection.connection.cursor()
        total = count + count // 10
        with raw.copy(f"COPY lms_user ({', '.join(columns)}) FROM STDIN") as copy:
            for number in range(total):
                name, email, phone, birth_year = person(rng, number)
                commune = rng.choice(home if number < count else away)
                copy.write_row(
                    (
                        "!",  # an unusable password: residents log in by code
                        None,
                        False,
                        f"{USERNAME_PREFIX}{number:07d}",
                        "",
                        "",
                        email,
                        False,
                        True,
                        joined + datetime.timedelta(seconds=number * 7),
                        phone,
                        phone is not None,
                        name,
                        birth_year,
                        commune,
                        User.search_key_for(full_name=name, email=email, phone=phone),
                    )
                )
        print(f"copied {total:,} residents in {time.perf_counter() - started:.0f} s")
        certificates_load(raw, course)
    print(f"data ready in {time.perf_counter() - started:.0f} s")


def certificates_load(raw, course) -> None:
    from certificates.codes import code_generate

    raw.execute(
        "SELECT id, full_name FROM lms_user WHERE username LIKE %s AND id %% %s = 0",
        [USERNAME_PREFIX + "%", CERTIFICATE_SHARE],
    )
    holders = raw.fetchall()
    columns = (
        "code user_id course_id recipient_name course_title issuer_name "
        "signer_name signer_title issued_on issued_at source reason language pdf "
        "pdf_sha256 revocation_reason"
    ).split()
    start = datetime.datetime(2025, 9, 1, 8, tzinfo=datetime.UTC)
    with raw.copy(
        f"COPY certificates_certificate ({', '.join(columns)}) FROM STDIN"
    ) as copy:
        for position, (user_id, full_name) in enumerate(holders):
            issued_at = start + datetime.timedelta(minutes=position)
            copy.write_row(
                (
                    code_generate(),
                    user_id,
                    course.pk,
                    full_name,
                    course.title,
                    "Ủy ban nhân dân tỉnh Đắk Lắk",
                    "Trần Văn Bình",
                    "Phó Chủ tịch",
                    issued_at.date(),
                    issued_at,
                    "bulk",
                    "Tập huấn tại nhà văn hoá",
                    "vi",
                    "",
                    "",
                    "",
                )
            )
    print(f"copied {len(holders):,} certificates")


def officials_ensure():
    """The course, a province official of Đắk Lắk and an official of one commune."""
    from courses.models import CoursePage
    from lms.models import Commune, Province, User
    from lms.models.users import Role
    from lms.services import role_grant
    from tests.factories import add_course, build_site

    if not CoursePage.objects.filter(slug="bench-ky-nang-so").exists():
        _home, catalogue = build_site()
        add_course(
            catalogue,
            title="Kỹ năng số cơ bản cho người dân",
            slug="bench-ky-nang-so",
            lessons=1,
            awards_certificate=True,
        )
    commune = Commune.objects.filter(province_id=PROVINCE).order_by("code").first()
    province_official, _ = User.objects.get_or_create(
        username="bench-province-official",
        defaults={"full_name": "Cán Bộ Sở Khoa Học"},
    )
    role_grant(
        user=province_official,
        role=Role.PROVINCE_OFFICIAL,
        province=Province.objects.get(code=PROVINCE),
        by=None,
    )
    commune_official, _ = User.objects.get_or_create(
        username="bench-commune-official", defaults={"full_name": "Cán Bộ Xã"}
    )
    role_grant(
        user=commune_official, role=Role.COMMUNE_OFFICIAL, commune=commune, by=None
    )
    return (
        CoursePage.objects.get(slug="bench-ky-nang-so"),
        {"province": province_official, "commune": commune_official},
    )


def next_link(page: str) -> str | None:
    """The last link of the page's pagination: "next" in every layout used."""
    nav = re.search(r'<nav class="pagination".*?</nav>', page, re.S)
    links = re.findall(r'href="([^"]+)"', nav.group(0)) if nav else []
    return html.unescape(links[-1]) if links else None


def later_page(client, url: str) -> str:
    for _ in range(PAGES_FOLLOWED):
        found = next_link(client.get(url).content.decode())
        if found is None:
            break
        url = url.split("?")[0] + found
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=600_000)
    parser.add_argument("--repeat", type=int, default=15)
    arguments = parser.parse_args()

    django_ready(DEFAULT_DATABASE)
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from lms.models import User
    from lms.text import fold

    course, officials = officials_ensure()
    residents_load(arguments.residents)
    # Fresh statistics, as autovacuum keeps them on a server that has run a while.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    commune = officials["commune"].roles.get().commune
    # A whole name and a common given name, typed without accents.
    people = User.objects.filter(commune=commune, username__startswith=USERNAME_PREFIX)
    named = people.order_by("username").values_list("full_name", flat=True)[
        people.count() // 2
    ]
    issue = f"{reverse('certificates:issue')}?course={course.pk}"
    listing = reverse("certificates:manage")
    scenarios = {
        "issue: first page": issue,
        "issue: later page": None,
        "issue: search a whole name": f"{issue}&q={fold(named).replace(' ', '+')}",
        "issue: search a given name": f"{issue}&q=phuoc",
        "certificates: first page": listing,
        "certificates: search a name": f"{listing}?q={fold(named).replace(' ', '+')}",
    }
    results = {}
    for who, official in officials.items():
        client = Client()
        client.force_login(official)
        for label, target in scenarios.items():
            target = target or later_page(client, issue)
            figures = page_timings(client, target, arguments.repeat)
            results[f"{who} official, {label}"] = figures
            print(
                f"{who:>8} official, {label:<28} median {figures['median_ms']:7.1f} ms"
                f"  p95 {figures['p95_ms']:7.1f} ms  queries {figures['queries']:2d}"
                f"  rows {figures['rows']:2d}"
            )
    medians = [figures["median_ms"] for figures in results.values()]
    queries = {figures["queries"] for figures in results.values()}
    summary = {
        "residents": arguments.residents,
        "neighbours": arguments.residents // 10,
        "worst_median_ms": max(medians),
        "target_median_ms": TARGET_MEDIAN_MS,
        "target_met": max(medians) <= TARGET_MEDIAN_MS,
        "queries_per_page": sorted(queries),
        "pages": results,
    }
    print(
        f"worst median {summary['worst_median_ms']} ms "
        f"(target ≤ {TARGET_MEDIAN_MS} ms: "
        f"{'met' if summary['target_met'] else 'NOT met'}); "
        f"queries per page: {', '.join(map(str, sorted(queries)))}"
    )
    print(json.dumps(summary, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""A whole province after the 2025 merger, loaded into PostgreSQL with COPY.

Drops and recreates the database --database-url names (by default
lms_bench_province on 127.0.0.1:5432 as the user postgres), migrates it, loads the
34 provinces and 3,321 communes, and fills one province (--province, by default
Phú Thọ: 148 communes) as it would look after two years of use. At --scale 1.0:

- 10 hamlets (thôn, tổ dân phố) per commune, each with its community team of five;
- 1.5 million households and about 5 million residents, with Vietnamese names;
- about 2,000 agencies in a tree: departments with their offices, hospitals and
  schools; one people's committee per commune with its offices, schools and
  health station;
- 200,000 civil servants on the agencies' rosters, each with an account, and the
  province's course assignments, most of them finished, some on OneTouch;
- about 200,000 residents learning online (some of those aged 15 to 65), their
  enrolments, lesson progress and certificates, and certificates the teams'
  leaders issued to residents trained in person;
- 2.5 million door-to-door visits with the people present, the skills each was
  guided on and the consent they gave: about 17 million rows.

Every row is written by COPY (psycopg 3), several tables at once on connections
of their own; foreign keys and indexes are dropped first and made again after the
load, which checks every key, as pg_restore does. Search keys are made from the
models' own folding (a sample is checked against the models' save at the end).
The database is analysed, then the summary tables are counted: the coverage
figures by an SQL recount checked against coverage.figures on a sample (see
AGENCY_FIGURES for why), the community teams' hamlet figures by ``manage.py
teams_figures_rebuild`` when it exists. Prints rows and seconds per table and one
JSON line. At --scale 1.0 it took 8 min 39 s here (2 shared CPUs); --scale 0.1
makes a province a tenth as large in about 70 s.

    .venv/bin/python bench/generate_province.py [--scale 1.0] [--seed 2025]
"""

import argparse
import array
import datetime
import json
import os
import random
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg.copy import QueuedLibpqWriter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import REPOSITORY, manage  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_province"
PROVINCE = "25"
HAMLETS_PER_COMMUNE = 10
TEAM_SIZE = 5
HOUSEHOLDS = 1_500_000
STAFF = 200_000
ONLINE_LEARNERS = 300_000
VISITS = 2_500_000
FIRST_DAY = datetime.date(2025, 1, 1)
NULL = "\\N"

# Family names with their approximate share of the population.
FAMILY = [
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9.5),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Huỳnh", 1),
    ("Phan", 4.5),
    ("Vũ", 3),
    ("Võ", 1),
    ("Đặng", 2.1),
    ("Bùi", 2),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1),
    ("Lý", 0.5),
    ("Đinh", 1),
    ("Trịnh", 0.8),
    ("Đào", 0.7),
    ("Hà", 0.7),
    ("Mai", 0.5),
    ("Lương", 0.5),
    ("Tạ", 0.3),
    ("Kiều", 0.2),
]
MIDDLE = {
    "male": ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân"],
    "female": ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Phương"],
}
GIVEN = {
    "male": "An Bình Cường Dũng Duy Đạt Đức Hải Hiếu Hoàng Hùng Huy Khánh Khoa "
    "Kiên Lâm Long Minh Nam Nghĩa Phong Phúc Quân Quang Sơn Tài Thắng Thành "
    "Thịnh Toàn Trung Tuấn Tùng Việt Vinh Vũ".split(),
    "female": "Anh Châu Chi Dung Giang Hà Hạnh Hằng Hiền Hoa Huệ Hương Huyền Lan "
    "Liên Linh Loan Mai My Nga Ngân Nhung Oanh Phương Quyên Tâm Thảo Thơm Thủy "
    "Trang Tuyết Vân Xuân Yến".split(),
}
HOUSEHOLD_SIZES = [1] * 10 + [2] * 20 + [3] * 24 + [4] * 25 + [5] * 13 + [6] * 8

DEPARTMENTS = [
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Văn phòng Đoàn ĐBQH và HĐND tỉnh",
    "Sở Ngoại vụ",
]
DEPARTMENT_OFFICES = [
    "Văn phòng",
    "Thanh tra",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch – Tài chính",
    "Phòng Quản lý chuyên ngành",
    "Phòng Chuyển đổi số",
]
DEPARTMENT_CENTRES = {
    "Sở Nội vụ": ["Trung tâm Lưu trữ lịch sử"],
    "Sở Tư pháp": ["Trung tâm Trợ giúp pháp lý nhà nước"],
    "Sở Khoa học và Công nghệ": ["Trung tâm Chuyển đổi số", "Trung tâm Kỹ thuật"],
    "Sở Nông nghiệp và Môi trường": [
        "Trung tâm Khuyến nông",
        "Văn phòng Đăng ký đất đai",
    ],
    "Sở Văn hóa, Thể thao và Du lịch": ["Thư viện tỉnh", "Bảo tàng tỉnh"],
    "Sở Công Thương": ["Trung tâm Khuyến công và Xúc tiến thương mại"],
}
HOSPITALS = [
    "Bệnh viện Đa khoa tỉnh",
    "Bệnh viện Sản – Nhi",
    "Bệnh viện Y học cổ truyền",
    "Bệnh viện Phục hồi chức năng",
    "Trung tâm Kiểm soát bệnh tật",
]
HOSPITAL_WARDS = ["Khoa Khám bệnh", "Khoa Nội", "Khoa Ngoại", "Khoa Nhi", "Khoa Sản"]
COMMITTEE_OFFICES = {
    "xa": [
        "Văn phòng HĐND và UBND",
        "Phòng Kinh tế",
        "Phòng Văn hóa – Xã hội",
        "Trung tâm Phục vụ hành chính công",
    ],
    "phuong": [
        "Văn phòng HĐND và UBND",
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        "Phòng Văn hóa – Xã hội",
        "Trung tâm Phục vụ hành chính công",
    ],
}
COMMUNE_UNITS = [
    ("Trường Mầm non", 30),
    ("Trường Tiểu học", 32),
    ("Trường Tiểu học số 2", 28),
    ("Trường THCS", 34),
    ("Trạm Y tế", 7),
    ("Trung tâm Văn hóa, Thông tin và Thể thao", 6),
]
# Staff per agency, before scaling to --scale × STAFF in all.
WEIGHT = {
    "department": 8,
    "office": 10,
    "centre": 20,
    "hospital": 120,
    "ward": 45,
    "medical_centre": 60,
    "high_school": 60,
    "committee": 6,
    "committee_office": 12,
}
POSITIONS = {
    "CB": ["Chủ tịch", "Phó Chủ tịch", "Bí thư"],
    "CC": ["Chuyên viên", "Chuyên viên chính", "Trưởng phòng", "Phó Trưởng phòng"],
    "school": ["Giáo viên", "Giáo viên", "Giáo viên", "Hiệu trưởng", "Kế toán"],
    "health": ["Bác sĩ", "Điều dưỡng", "Điều dưỡng", "Y sĩ", "Dược sĩ"],
    "VC": ["Viên chức", "Kỹ sư", "Kế toán", "Thủ thư"],
}

COURSES = [
    # title, topic, audience, lessons
    (
        "Kỹ năng số cơ bản cho cán bộ, công chức",
        "public-services",
        "civil-servants",
        4,
    ),
    (
        "An toàn thông tin và bảo vệ dữ liệu cá nhân trong cơ quan nhà nước",
        "data-protection",
        "civil-servants",
        3,
    ),
    ("Chuyển đổi số trong trường học và bệnh viện", "other", "civil-servants", 3),
    ("Chuyển đổi số trong quản lý ngành", "other", "civil-servants", 3),
    ("Cài đặt VNeID và định danh điện tử mức 2", "public-services", "residents", 3),
    ("Nộp hồ sơ dịch vụ công trực tuyến", "public-services", "residents", 4),
    ("Thanh toán không dùng tiền mặt bằng mã QR", "cashless", "residents", 3),
    ("Nhận biết và phòng tránh lừa đảo trên mạng", "data-protection", "residents", 3),
    ("Bán hàng trên sàn thương mại điện tử", "ecommerce", "residents", 5),
    ("Bảo vệ dữ liệu cá nhân của gia đình", "data-protection", "residents", 2),
    ("Sổ sức khỏe điện tử trên VNeID", "public-services", "everyone", 2),
    ("Kỹ năng số cho thành viên Tổ công nghệ số cộng đồng", "other", "team-members", 4),
]


class Table:
    """One table filled by COPY on a connection of its own.

    Each table has its own server process parsing rows while this one makes
    them, so the load uses both CPUs. The rows are text lines (tab-separated,
    ``\\N`` for NULL); nothing generated contains a tab, a newline or a backslash.
    COPY FREEZE into the table emptied in the same transaction writes the rows
    already visible to everyone, as VACUUM would leave them.
    """

    def __init__(self, url: str, table: str, columns: str):
        self.name = table
        self.connection = psycopg.connect(url)
        required = {
            name
            for (name,) in self.connection.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s AND is_nullable = 'NO' "
                "AND column_default IS NULL AND is_identity = 'NO'",
                [table],
            )
        }
        missing = required - {name.strip() for name in columns.split(",")}
        if missing:
            raise SystemExit(f"{table} has new columns to fill: {sorted(missing)}")
        self.connection.execute("SET synchronous_commit = off")
        self.connection.execute(f"TRUNCATE {table}")
        self.cursor = self.connection.cursor()
        # Sent from a thread of its own: making the next rows never waits for
        # the server to take the last ones.
        self._copying = self.cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN (FREEZE)",
            writer=QueuedLibpqWriter(self.cursor),
        )
        self.copy = self._copying.__enter__()
        self.lines: list[str] = []
        self.rows = 0
        self.started = time.perf_counter()
        self.seconds = 0.0

    def add(self, line: str) -> None:
        self.lines.append(line)
        if len(self.lines) >= 8192:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.rows += len(self.lines)
            self.copy.write("".join(self.lines))
            self.lines.clear()

    def close(self) -> None:
        self.flush()
        self._copying.__exit__(None, None, None)
        self.connection.commit()
        self.connection.close()
        self.seconds = time.perf_counter() - self.started


class Report:
    def __init__(self):
        self.tables: dict[str, dict] = {}
        self.steps: dict[str, float] = {}
        self.started = time.perf_counter()

    @contextmanager
    def step(self, name: str):
        begun = time.perf_counter()
        print(f"… {name}", flush=True)
        yield
        self.steps[name] = round(time.perf_counter() - begun, 1)
        print(f"  {name}: {self.steps[name]} s", flush=True)

    def loaded(self, *tables: Table) -> None:
        for table in tables:
            self.tables.setdefault(table.name, {})
            self.tables[table.name].update(
                rows=table.rows, copy_seconds=round(table.seconds, 1)
            )
            print(
                f"  {table.name:34} {table.rows:>11,} rows  "
                f"{table.seconds:6.1f} s  ({table.rows / max(table.seconds, 1e-9):,.0f}"
                " rows/s)",
                flush=True,
            )


def database_recreate(url: str) -> None:
    """Drop the database and make it again, migrated.

    Migrating this project from nothing takes one to two minutes here, most of
    the time budget's first fifth: the migrations run on a template database
    (``<name>_migrated``, kept between runs, so only new migrations run), and the
    database is copied from it. ``migrate`` then runs on the copy too, and finds
    nothing left to do.
    """
    server, name = url.rsplit("/", 1)
    template = f"{name}_migrated"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [template]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{template}"')
    manage_on(f"{server}/{template}", "migrate", "--noinput", "-v", "0")
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    manage_on(url, "migrate", "--noinput", "-v", "0")


def manage_on(url: str, *arguments: str) -> None:
    environment = os.environ.copy()
    environment["DATABASE_URL"] = url
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL,
    )


class Names:
    """Vietnamese full names with their search keys, drawn from the pools above.

    Names are put together from their parts, each folded once by
    ``lms.text.fold``: the folded name is the folded parts joined by spaces.
    """

    def __init__(self, rng: random.Random):
        from lms.text import fold

        self.rng = rng
        self.family = [
            (name, fold(name))
            for name, share in FAMILY
            for _n in range(int(share * 10))
        ]
        self.middle = {
            sex: [(n, fold(n)) for n in names] for sex, names in MIDDLE.items()
        }
        self.given = {
            sex: [(n, fold(n)) for n in names] for sex, names in GIVEN.items()
        }

    def family_name(self):
        return self.family[int(self.rng.random() * len(self.family))]

    def person(self, sex: str, family=None) -> tuple[str, str]:
        rnd = self.rng.random
        family = family or self.family[int(rnd() * len(self.family))]
        middle = self.middle[sex][int(rnd() * len(self.middle[sex]))]
        given = self.given[sex][int(rnd() * len(self.given[sex]))]
        return (
            f"{family[0]} {middle[0]} {given[0]}",
            f"{family[1]} {middle[1]} {given[1]}",
        )


class Clock:
    """Dates and times as COPY reads them, from day numbers since FIRST_DAY."""

    def __init__(self, today: datetime.date):
        self.days = (today - FIRST_DAY).days
        self.date = [
            (FIRST_DAY + datetime.timedelta(days=n)).isoformat()
            for n in range(self.days + 1)
        ]
        self.times = [
            f"{h:02d}:{m:02d}:00+07" for h in range(7, 21) for m in (0, 20, 40)
        ]

    def at(self, day: int, rnd) -> str:
        return f"{self.date[day]} {self.times[int(rnd() * len(self.times))]}"

    def day_of(self, date: datetime.date) -> int:
        return (date - FIRST_DAY).days


class Phones:
    """Distinct mobile numbers in E.164: +849 and eight digits.

    Multiplying by a number prime to 10⁸ permutes 0…10⁸-1, so consecutive
    numbers look scattered and never repeat.
    """

    def __init__(self, seed: int):
        self.next = seed % 1000

    def __call__(self) -> str:
        self.next += 1
        return f"+849{(self.next * 48271 + 12345) % 100_000_000:08d}"


def structure_build(province_code: str, rng: random.Random, clock: Clock):
    """The province's places, courses, agencies and assignments, through the ORM.

    A few thousand rows whose saving keeps paths and search keys: the models do
    it themselves.
    """
    from wagtail.models import Page, Site

    from community_teams.models import Team
    from courses.models import CourseIndexPage, CoursePage, HomePage, LessonPage
    from coverage.models import Agency, CourseAssignment, Target
    from lms.models import Commune, Hamlet, Province
    from lms.places import admin_units_load

    admin_units_load()
    province = Province.objects.get(pk=province_code)
    communes = list(Commune.objects.filter(province=province).order_by("code"))

    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="Kỹ năng số cho mọi người", slug="trang-chu")
    )
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    catalogue = home.add_child(
        instance=CourseIndexPage(title="Khoá học", slug="khoa-hoc")
    )
    courses = []
    for title, topic, audience, lessons in COURSES:
        course = catalogue.add_child(
            instance=CoursePage(
                title=title,
                summary=f"Học {title[0].lower()}{title[1:]} trên điện thoại.",
                topic=topic,
                audience=audience,
            )
        )
        lesson_ids = []
        for number in range(1, lessons + 1):
            lesson = course.add_child(
                instance=LessonPage(
                    title=f"Bài {number}",
                    body=[
                        {
                            "type": "text",
                            "value": f"<p>Bài {number} của khoá “{title}”.</p>",
                        }
                    ],
                )
            )
            lesson_ids.append(lesson.pk)
        courses.append((course, lesson_ids))

    hamlets = []
    for commune in communes:
        kind = Hamlet.Kind.TO_DAN_PHO if commune.kind == "phuong" else Hamlet.Kind.THON
        label = "Tổ dân phố" if kind == Hamlet.Kind.TO_DAN_PHO else "Thôn"
        for number in range(1, HAMLETS_PER_COMMUNE + 1):
            hamlet = Hamlet(commune=commune, name=f"{label} {number}", kind=kind)
            hamlet.save()
            hamlets.append(hamlet)
    teams = []
    for number, hamlet in enumerate(hamlets, start=1):
        team = Team(
            name=f"Tổ CNTS {hamlet.name}",
            commune=hamlet.commune,
            hamlet=hamlet,
            decision_number=f"{number % 300 + 1}/QĐ-UBND",
            decision_date=datetime.date(2025, 7, 1)
            + datetime.timedelta(days=number % 60),
        )
        team.save()
        teams.append(team)

    agencies = []  # (agency, weight key, position key, department index)

    def add(name, kind, weight, positions, parent=None, commune=None, department=-1):
        agency = Agency(
            name=name,
            kind=kind,
            province=province,
            parent=parent,
            commune=commune,
        )
        agency.save()
        agencies.append((agency, WEIGHT.get(weight, weight), positions, department))
        return agency

    Kind = Agency.Kind
    for index, name in enumerate(DEPARTMENTS):
        department = add(name, Kind.DEPARTMENT, "department", "CC", department=index)
        for office in DEPARTMENT_OFFICES:
            add(office, Kind.SUB_UNIT, "office", "CC", department, department=index)
        for centre in DEPARTMENT_CENTRES.get(name, []):
            add(
                centre,
                Kind.PUBLIC_SERVICE_UNIT,
                "centre",
                "VC",
                department,
                department=index,
            )
        if name == "Sở Y tế":
            for hospital_name in HOSPITALS:
                hospital = add(
                    hospital_name,
                    Kind.PUBLIC_SERVICE_UNIT,
                    "hospital",
                    "health",
                    department,
                    department=index,
                )
                for ward in HOSPITAL_WARDS:
                    add(
                        ward,
                        Kind.SUB_UNIT,
                        "ward",
                        "health",
                        hospital,
                        department=index,
                    )
            for commune in communes[::12]:
                add(
                    f"Trung tâm Y tế khu vực {commune.name}",
                    Kind.PUBLIC_SERVICE_UNIT,
                    "medical_centre",
                    "health",
                    department,
                    department=index,
                )
        if name == "Sở Giáo dục và Đào tạo":
            for commune in communes[::2]:
                add(
                    f"Trường THPT {commune.name}",
                    Kind.PUBLIC_SERVICE_UNIT,
                    "high_school",
                    "school",
                    department,
                    department=index,
                )
    for commune in communes:
        prefix = {"xa": "xã", "phuong": "phường", "dac-khu": "đặc khu"}[commune.kind]
        committee = add(
            f"Ủy ban nhân dân {prefix} {commune.name}",
            Kind.COMMUNE_COMMITTEE,
            "committee",
            "CB",
            commune=commune,
        )
        for office in COMMITTEE_OFFICES.get(commune.kind, COMMITTEE_OFFICES["xa"]):
            add(office, Kind.SUB_UNIT, "committee_office", "CC", committee)
        for unit, weight in COMMUNE_UNITS:
            positions = "health" if unit == "Trạm Y tế" else "school"
            if unit.startswith("Trung tâm"):
                positions = "VC"
            add(
                f"{unit} {commune.name}",
                Kind.PUBLIC_SERVICE_UNIT,
                weight,
                positions,
                committee,
            )

    education = Agency.objects.get(province=province, name="Sở Giáo dục và Đào tạo")
    science = Agency.objects.get(province=province, name="Sở Khoa học và Công nghệ")
    rows = [
        # course index, agency, category, deadline
        (0, None, "", datetime.date(2025, 12, 31)),
        (1, None, "", datetime.date(2026, 6, 30)),
        (2, None, "VC", datetime.date(2026, 9, 30)),
        (3, science, "", datetime.date(2026, 12, 31)),
        (2, education, "", datetime.date(2026, 12, 31)),
    ]
    for agency, *_rest in agencies:
        if agency.kind == Kind.DEPARTMENT and agency not in (science, education):
            rows.append((3, agency, "", datetime.date(2026, 12, 31)))
    # Bulk: the summary tables are counted once everything is in.
    assignments = CourseAssignment.objects.bulk_create(
        [
            CourseAssignment(
                province=province,
                course=courses[course][0],
                agency=agency,
                category=category,
                deadline=deadline,
            )
            for course, agency, category, deadline in rows
        ]
    )
    Target.objects.bulk_create(
        [
            Target(province=province, indicator=indicator, year=year, percent=percent)
            for indicator, year, percent in [
                ("civil_servants_trained", 2025, 80),
                ("civil_servants_trained", 2026, 100),
                ("households_reached", 2026, 80),
                ("residents_guided", 2026, 70),
            ]
        ]
    )
    return {
        "province": province,
        "communes": communes,
        "hamlets": hamlets,
        "teams": teams,
        "courses": courses,
        "agencies": agencies,
        "assignments": assignments,
    }


# The tables COPY fills. Their foreign keys and indexes are dropped before the
# load and made again after it.
LOADED = [
    "lms_user",
    "lms_roleassignment",
    "community_teams_household",
    "community_teams_resident",
    "community_teams_visit",
    "community_teams_visitattendee",
    "community_teams_guidance",
    "community_teams_consent",
    "coverage_staffmember",
    "coverage_externalcompletion",
    "courses_enrollment",
    "courses_lessonprogress",
    "certificates_certificate",
]


def keys_drop(connection) -> list[tuple[str, str]]:
    """Drop the foreign keys that touch the loaded tables, and those tables'
    indexes and unique constraints (primary keys stay); return (table, statement)
    pairs that make them again, indexes first."""
    foreign = connection.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE contype = 'f'
          AND (conrelid::regclass::text = ANY(%(t)s)
               OR confrelid::regclass::text = ANY(%(t)s))
        """,
        {"t": LOADED},
    ).fetchall()
    unique = connection.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE contype = 'u' AND conrelid::regclass::text = ANY(%(t)s)
        """,
        {"t": LOADED},
    ).fetchall()
    indexes = connection.execute(
        """
        SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text,
               pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid::regclass::text = ANY(%(t)s) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        {"t": LOADED},
    ).fetchall()
    again = []
    for table, name, _definition in foreign:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for table, name, definition in unique:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        again.append(
            (table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        )
    for table, name, definition in indexes:
        connection.execute(f"DROP INDEX {name}")
        again.append((table, definition))
    again.extend(
        (table, f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table, name, definition in foreign
    )
    connection.commit()
    return again


def keys_make(url: str, statements, report: Report) -> None:
    """Make the indexes and keys again; each foreign key checks every row.

    Two connections work at once, indexes first (they lock only their own
    table), then the foreign keys; the memory lets a key's check hash the
    referenced ids instead of spilling them to disk.
    """
    per_table: dict[str, float] = {}
    foreign = [(t, s) for t, s in statements if "FOREIGN KEY" in s]
    indexes = [(t, s) for t, s in statements if "FOREIGN KEY" not in s]

    def work(batch):
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("SET maintenance_work_mem = '512MB'")
            connection.execute("SET work_mem = '256MB'")
            for table, statement in batch:
                begun = time.perf_counter()
                for attempt in range(3):
                    try:
                        connection.execute(statement)
                        break
                    except psycopg.errors.DeadlockDetected:
                        if attempt == 2:
                            raise
                seconds = time.perf_counter() - begun
                per_table[table] = per_table.get(table, 0) + seconds

    for group in (indexes, foreign):
        # The largest first, shared out so that both connections finish together.
        group.sort(key=lambda item: -report.tables.get(item[0], {}).get("rows", 0))
        halves = [[], []]
        for index, item in enumerate(group):
            halves[index % 2].append(item)
        with ThreadPoolExecutor(max_workers=2) as pool:
            for done in [pool.submit(work, half) for half in halves]:
                done.result()
    others = 0.0
    for table, seconds in sorted(per_table.items(), key=lambda item: -item[1]):
        if table not in LOADED:
            others += seconds
            continue
        report.tables[table]["keys_seconds"] = round(seconds, 1)
        print(f"  {table:34} keys and indexes {seconds:6.1f} s", flush=True)
    report.steps["other tables' keys to the loaded ones"] = round(others, 1)
    print(f"  other tables' keys to them: {others:.1f} s", flush=True)


def people_load(url, world, rng, clock, names: Names, phones: Phones, scale, report):
    """Accounts, households and residents, team members and the agencies' staff."""
    with psycopg.connect(url) as connection:
        first_user = connection.execute(
            "SELECT coalesce(max(id), 0) FROM lms_user"
        ).fetchone()[0]
    users = Table(
        url,
        "lms_user",
        "id, password, last_login, is_superuser, username, first_name, last_name, "
        "email, is_staff, is_active, date_joined, phone, phone_verified, full_name, "
        "birth_year, search_key, commune_id",
    )
    roles = Table(
        url,
        "lms_roleassignment",
        "id, role, granted_at, commune_id, province_id, team_id, user_id, organisation",
    )
    households = Table(
        url,
        "community_teams_household",
        "id, house_number, head_name, phone, search_key, duplicate_key, version, "
        "client_uuid, created_at, updated_at, created_by_id, hamlet_id, "
        "duplicate_reviewed, content_hash",
    )
    residents = Table(
        url,
        "community_teams_resident",
        "id, full_name, birth_year, sex, phone, search_key, client_uuid, erased_at, "
        "created_at, household_id, user_id",
    )
    staff = Table(
        url,
        "coverage_staffmember",
        "id, full_name, category, position, phone, email, active, search_key, "
        "added_at, agency_id, user_id",
    )
    rnd = rng.random
    state = {"user": first_user, "role": 0}
    today_year = datetime.date.fromisoformat(clock.date[-1]).year

    def account(name, folded, phone, commune, birth_year, joined) -> int:
        state["user"] += 1
        uid = state["user"]
        # lms.accounts.adapter names accounts "u" and 20 hex digits.
        username = f"u{rng.getrandbits(80):020x}"
        users.add(
            f"{uid}\t!generated\t{NULL}\tf\t{username}\t\t\t\tf\tt\t{joined}\t"
            f"{phone}\tt\t{name}\t{birth_year}\t{folded} {phone}\t{commune}\n"
        )
        return uid

    def role(uid, name, team="", granted=""):
        state["role"] += 1
        team_id = team or NULL
        organisation = (
            "hamlet_head" if name == "team_leader" else ("youth_union" if team else "")
        )
        roles.add(
            f"{state['role']}\t{name}\t{granted}\t{NULL}\t{NULL}\t{team_id}\t{uid}\t{organisation}\n"
        )

    # Community teams: a leader and four members per hamlet.
    team_members = {}
    for team in world["teams"]:
        granted = clock.at(clock.day_of(team.decision_date), rnd)
        seats = []
        for seat in range(TEAM_SIZE):
            sex = "male" if rnd() < 0.55 else "female"
            name, folded = names.person(sex)
            uid = account(
                name, folded, phones(), team.commune_id, 1965 + int(rnd() * 40), granted
            )
            role(uid, "team_leader" if seat == 0 else "team_member", team.pk, granted)
            seats.append(uid)
        team_members[team.hamlet_id] = (team.pk, seats)

    # Households and their residents; some residents learn online.
    hamlets = world["hamlets"]
    per_hamlet = max(1, round(HOUSEHOLDS * scale / len(hamlets)))
    learner_share = ONLINE_LEARNERS / (HOUSEHOLDS * 3.3)
    household_hamlet = array.array("I")
    household_first = array.array("I")
    household_size = array.array("B")
    resident_birth = array.array("H", [0])
    resident_account = bytearray(1)
    learners = []  # (user id, full name)
    hid = rid = 0
    created_day = clock.day_of(datetime.date(2025, 7, 1))
    for hamlet_index, hamlet in enumerate(hamlets):
        commune = hamlet.commune_id
        count = max(1, int(per_hamlet * (0.7 + 0.6 * rnd())))
        for number in range(1, count + 1):
            hid += 1
            size = HOUSEHOLD_SIZES[int(rnd() * len(HOUSEHOLD_SIZES))]
            head_sex = "male" if rnd() < 0.72 else "female"
            family = names.family_name()
            head, head_folded = names.person(head_sex, family)
            house = str(number)
            phone = phones() if rnd() < 0.7 else ""
            at = clock.at(created_day + int(rnd() * 60), rnd)
            households.add(
                f"{hid}\t{house}\t{head}\t{phone}\t{head_folded} {house}\t"
                f"{head_folded}|{house}\t1\t{NULL}\t{at}\t{at}\t{NULL}\t{hamlet.pk}\tf\t\n"
            )
            household_hamlet.append(hamlet_index)
            household_first.append(rid + 1)
            household_size.append(size)
            head_birth = 1945 + int(rnd() * 52)
            for seat in range(size):
                rid += 1
                if seat == 0:
                    name, folded, sex, birth = head, head_folded, head_sex, head_birth
                    resident_phone = phone
                elif seat == 1:
                    sex = "female" if head_sex == "male" else "male"
                    name, folded = names.person(sex)
                    birth = head_birth + int(rnd() * 8) - 4
                    resident_phone = ""
                else:
                    sex = "male" if rnd() < 0.5 else "female"
                    name, folded = names.person(sex, family)
                    birth = min(today_year - 1, head_birth + 20 + int(rnd() * 25))
                    resident_phone = ""
                age = today_year - birth
                user = NULL
                if 15 <= age <= 65 and rnd() < learner_share:
                    resident_phone = resident_phone or phones()
                    user = account(
                        name,
                        folded,
                        resident_phone,
                        commune,
                        birth,
                        clock.at(created_day + int(rnd() * 400), rnd),
                    )
                    learners.append((user, name))
                resident_account.append(user != NULL)
                resident_birth.append(birth)
                residents.add(
                    f"{rid}\t{name}\t{birth}\t{sex}\t{resident_phone}\t{folded}\t"
                    f"{NULL}\t{NULL}\t{at}\t{hid}\t{user}\n"
                )

    # The agencies' staff: everyone has an account they sign in with by phone.
    communes = [c.pk for c in world["communes"]]
    agencies = world["agencies"]
    total_weight = sum(weight for _a, weight, _p, _d in agencies)
    per_weight = STAFF * scale / total_weight
    staff_rows = []  # (user id, agency index, category, full name)
    sid = 0
    added = clock.at(clock.day_of(datetime.date(2025, 7, 1)), rnd)
    for index, (agency, weight, positions, _department) in enumerate(agencies):
        count = max(1, round(weight * per_weight * (0.8 + 0.4 * rnd())))
        commune = agency.commune_id
        for _n in range(count):
            sid += 1
            sex = "male" if rnd() < 0.48 else "female"
            name, folded = names.person(sex)
            if positions in ("CB", "CC"):
                leaders = 0.5 if positions == "CB" else 0.05
                category = "CB" if rnd() < leaders else "CC"
                pool = POSITIONS[category]
            else:
                category, pool = "VC", POSITIONS[positions]
            position = pool[int(rnd() * len(pool))]
            phone = phones()
            home = commune or communes[int(rnd() * len(communes))]
            uid = account(name, folded, phone, home, 1966 + int(rnd() * 36), added)
            role(uid, "civil_servant", granted=added)
            active = "t" if rnd() < 0.97 else "f"
            staff.add(
                f"{sid}\t{name}\t{category}\t{position}\t{phone}\t\t{active}\t"
                f"{folded} {phone}\t{added}\t{agency.pk}\t{uid}\n"
            )
            staff_rows.append((uid, index, category, name))
    for table in (users, roles, households, residents, staff):
        table.close()
    report.loaded(users, roles, households, residents, staff)
    return {
        "team_members": team_members,
        "household_hamlet": household_hamlet,
        "household_first": household_first,
        "household_size": household_size,
        "resident_birth": resident_birth,
        "resident_account": resident_account,
        "learners": learners,
        "staff": staff_rows,
        "households": hid,
        "residents": rid,
    }


def visits_load(url, world, people, rng, clock, scale, report):
    """Door-to-door visits in date order: who was present, the skills each was
    guided on, and consent given at a person's first visit."""
    from django.conf import settings

    from community_teams.models import Skill

    skills = list(Skill.objects.order_by("order").values_list("pk", flat=True))
    visits = Table(
        url,
        "community_teams_visit",
        "id, uuid, visited_on, note, content_hash, status, review_comment, "
        "reviewed_at, received_at, household_id, member_id, reviewed_by_id, team_id",
    )
    attendees = Table(url, "community_teams_visitattendee", "id, resident_id, visit_id")
    guidance = Table(
        url,
        "community_teams_guidance",
        "id, by_themselves, skill_id, attendee_id",
    )
    consents = Table(
        url,
        "community_teams_consent",
        "id, purpose, policy_version, action, method, guardian_name, at, "
        "recorded_by_id, resident_id, visit_id, user_id",
    )
    rnd = rng.random
    getrandbits = rng.getrandbits
    hamlets = world["hamlets"]
    teams = [people["team_members"][hamlet.pk] for hamlet in hamlets]
    household_hamlet = people["household_hamlet"]
    household_first = people["household_first"]
    household_size = people["household_size"]
    birth = people["resident_birth"]
    has_account = people["resident_account"]
    consented = bytearray(people["residents"] + 1)
    policy = settings.LMS_PRIVACY_NOTICE_VERSION
    households = people["households"]
    total = max(1, int(VISITS * scale))
    start = clock.day_of(datetime.date(2025, 7, 15))
    span = clock.days - start
    year = datetime.date.fromisoformat(clock.date[-1]).year
    in_person = []  # (resident id, leader, day) of residents certified in person
    aid = gid = cid = 0
    for vid in range(1, total + 1):
        day = start + (vid - 1) * span // total
        home = int(rnd() * households)
        hamlet = household_hamlet[home]
        team, seats = teams[hamlet]
        member = seats[int(rnd() * len(seats))]
        visited = clock.date[day]
        received = clock.at(min(day + int(rnd() * 3), clock.days), rnd)
        status_draw = rnd()
        if status_draw < 0.85:
            status, reviewed_by, reviewed_at = "approved", seats[0], received
        elif status_draw < 0.97:
            status, reviewed_by, reviewed_at = "received", NULL, NULL
        else:
            status, reviewed_by, reviewed_at = "needs_correction", seats[0], received
        visits.add(
            f"{vid}\t{getrandbits(128):032x}\t{visited}\t\t{getrandbits(256):064x}\t"
            f"{status}\t\t{reviewed_at}\t{received}\t{home + 1}\t{member}\t"
            f"{reviewed_by}\t{team}\n"
        )
        first = household_first[home]
        size = household_size[home]
        # Distinct people: consecutive seats from a random one.
        present = 1 + int(rnd() * min(size, 3))
        seat = int(rnd() * size)
        for offset in range(present):
            resident = first + (seat + offset) % size
            aid += 1
            attendees.add(f"{aid}\t{resident}\t{vid}\n")
            taught = 1 + int(rnd() * 2.2)
            chosen = int(rnd() * len(skills))
            for step in range(taught):
                gid += 1
                alone = "t" if rnd() < 0.4 else "f"
                guidance.add(
                    f"{gid}\t{alone}\t{skills[(chosen + step) % len(skills)]}\t{aid}\n"
                )
            if not consented[resident]:
                consented[resident] = 1
                cid += 1
                guardian = ""
                if year - birth[resident] < 18:
                    guardian = "Người giám hộ"
                consents.add(
                    f"{cid}\toutreach\t{policy}\tgiven\tmember_phone\t{guardian}\t"
                    f"{received}\t{member}\t{resident}\t{vid}\t{NULL}\n"
                )
                if not has_account[resident] and rnd() < 0.03:
                    in_person.append((resident, seats[0], day))
    for table in (visits, attendees, guidance, consents):
        table.close()
    report.loaded(visits, attendees, guidance, consents)
    return in_person


def learning_load(url, world, people, in_person, rng, clock, report):
    """Enrolments, lesson progress, certificates and training finished elsewhere."""
    from certificates.codes import code_generate

    enrollments = Table(
        url,
        "courses_enrollment",
        "id, enrolled_at, last_activity_at, completed_at, course_id, "
        "last_lesson_id, user_id",
    )
    progress = Table(
        url,
        "courses_lessonprogress",
        "id, status, opened_at, completed_at, enrollment_id, lesson_id",
    )
    certificates = Table(
        url,
        "certificates_certificate",
        "id, code, recipient_name, course_title, issuer_name, signer_name, "
        "signer_title, issued_on, issued_at, source, reason, language, pdf, "
        "pdf_sha256, revoked_at, revocation_reason, course_id, issued_by_id, "
        "revoked_by_id, user_id, reissued_at, resident_id",
    )
    external = Table(
        url,
        "coverage_externalcompletion",
        "id, completed_on, source, evidence, imported_at, course_id, "
        "imported_by_id, skill_id, user_id",
    )
    rnd = rng.random
    getrandbits = rng.getrandbits
    province = world["province"]
    issuer = f"Sở Khoa học và Công nghệ tỉnh {province.name}"
    courses = world["courses"]
    codes = set()
    state = {"enrollment": 0, "progress": 0, "certificate": 0, "external": 0}

    def certificate(
        course_index,
        day,
        at,
        *,
        user=NULL,
        resident=NULL,
        name,
        by=NULL,
        source="completion",
    ):
        code = code_generate()
        while code in codes:
            code = code_generate()
        codes.add(code)
        state["certificate"] += 1
        course, _lessons = courses[course_index]
        revoked, reason = NULL, ""
        if rnd() < 0.003:
            revoked, reason = at, "Cấp nhầm người"
        month = clock.date[day][:7].replace("-", "/")
        certificates.add(
            f"{state['certificate']}\t{code}\t{name}\t{course.title}\t{issuer}\t"
            f"Nguyễn Văn Thành\tGiám đốc\t{clock.date[day]}\t{at}\t{source}\t\tvi\t"
            f"certificates/{month}/{getrandbits(128):032x}.pdf\t{getrandbits(256):064x}\t"
            f"{revoked}\t{reason}\t{course.pk}\t{by}\t{NULL}\t{user}\t{NULL}\t{resident}\n"
        )

    def enrol(user, name, course_index, begin, finish_by, finished: bool):
        """One enrolment from day ``begin``; finished by day ``finish_by`` or
        left part of the way."""
        state["enrollment"] += 1
        eid = state["enrollment"]
        course, lessons = courses[course_index]
        day = begin
        opened = clock.at(day, rnd)
        done = len(lessons) if finished else int(rnd() * len(lessons))
        last = opened
        for number, lesson in enumerate(lessons):
            if number > done:
                break
            day = min(
                clock.days, begin + (finish_by - begin) * (number + 1) // len(lessons)
            )
            at = clock.at(day, rnd)
            state["progress"] += 1
            if number < done:
                progress.add(
                    f"{state['progress']}\tcompleted\t{at}\t{at}\t{eid}\t{lesson}\n"
                )
            else:
                progress.add(
                    f"{state['progress']}\topened\t{at}\t{NULL}\t{eid}\t{lesson}\n"
                )
            last = at
        completed = last if finished else NULL
        last_lesson = lessons[min(done, len(lessons) - 1)]
        enrollments.add(
            f"{eid}\t{opened}\t{last}\t{completed}\t{course.pk}\t{last_lesson}\t{user}\n"
        )
        if finished:
            certificate(course_index, day, last, user=user, name=name)

    # Civil servants: their assignments, most finished, some on OneTouch.
    agencies = world["agencies"]
    education = DEPARTMENTS.index("Sở Giáo dục và Đào tạo")
    year_start = clock.day_of(datetime.date(2025, 3, 1))
    shares = {0: 0.86, 1: 0.6, 2: 0.45, 3: 0.3}
    deadlines = {
        0: clock.day_of(datetime.date(2025, 12, 31)),
        1: clock.day_of(datetime.date(2026, 6, 30)),
        2: clock.day_of(datetime.date(2026, 9, 30)),
        3: clock.days,
    }
    imported = clock.at(clock.day_of(datetime.date(2026, 3, 2)), rnd)
    for user, index, category, name in people["staff"]:
        _agency, _weight, _positions, department = agencies[index]
        due = [0, 1]
        if category == "VC" or department == education:
            due.append(2)
        if department >= 0 and department != education:
            due.append(3)
        for course_index in due:
            draw = rnd()
            share = shares[course_index]
            deadline = deadlines[course_index]
            if course_index == 0 and draw < 0.1:
                state["external"] += 1
                day = year_start + int(rnd() * (deadline - year_start))
                external.add(
                    f"{state['external']}\t{clock.date[day]}\tonetouch\t"
                    f"OT-{getrandbits(32):08X}\t{imported}\t{courses[0][0].pk}\t"
                    f"{NULL}\t{NULL}\t{user}\n"
                )
                continue
            if draw < share + 0.1:
                begin = year_start + int(
                    rnd() * max(1, min(deadline, clock.days) - year_start - 10)
                )
                end = min(clock.days, begin + 3 + int(rnd() * 40))
                enrol(user, name, course_index, begin, end, draw < share)

    # Residents learning online.
    resident_courses = [
        i for i, c in enumerate(COURSES) if c[2] in ("residents", "everyone")
    ]
    online_start = clock.day_of(datetime.date(2025, 8, 1))
    for user, name in people["learners"]:
        taken = 1 + int(rnd() * 2.6)
        first = int(rnd() * len(resident_courses))
        for step in range(taken):
            begin = online_start + int(rnd() * (clock.days - online_start - 2))
            end = min(clock.days, begin + 1 + int(rnd() * 20))
            enrol(
                user,
                name,
                resident_courses[(first + step) % len(resident_courses)],
                begin,
                end,
                rnd() < 0.62,
            )

    # Residents without an account whom a team trained in person: the team
    # leader issued their certificate of the basic course.
    with psycopg.connect(url) as connection:
        named = dict(
            connection.execute(
                "SELECT id, full_name FROM community_teams_resident WHERE id = ANY(%s)",
                [[resident for resident, _leader, _day in in_person]],
            ).fetchall()
        )
    basic = next(i for i, c in enumerate(COURSES) if c[2] == "residents")
    for resident, leader, day in in_person:
        certificate(
            basic,
            day,
            clock.at(day, rnd),
            resident=resident,
            name=named[resident],
            by=leader,
            source="in_person",
        )
    for table in (enrollments, progress, certificates, external):
        table.close()
    report.loaded(enrollments, progress, certificates, external)


def sequences_set(url: str) -> None:
    """Ids were given by the load: the next row made by the site follows them."""
    with psycopg.connect(url, autocommit=True) as connection:
        for table in LOADED:
            connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
            )


def keys_check() -> int:
    """Save a sample of the generated people through their models, in a
    transaction that is undone, and compare the search keys the models make."""
    from django.db import transaction

    from community_teams.models import Household, Resident
    from coverage.models import StaffMember
    from lms.models import User

    checked = 0
    with transaction.atomic():
        for model in (User, Household, Resident, StaffMember):
            for row in model.objects.order_by("?")[:50]:
                generated = (row.search_key, getattr(row, "duplicate_key", None))
                row.save()
                made = (row.search_key, getattr(row, "duplicate_key", None))
                if made != generated:
                    raise SystemExit(f"{model.__name__} {row.pk}: {generated} ≠ {made}")
                checked += 1
        transaction.set_rollback(True)
    return checked


# The coverage figures of a whole province counted in four statements.
#
# Why not coverage.figures.figures_rebuild, the rule itself: at --scale 1.0 it
# took 260 s here (measured: bench/generate_province.py, 1,866 agencies,
# 200,859 staff, 788,073 enrolments; about 5 s of Python per 200 agencies to
# match each person with each assignment, then ORM deletes and inserts), a
# quarter of the time budget. These statements count the same from the same rows
# in seconds; ``figures_agree`` then recounts a sample of agencies and communes
# with the rule and stops the run at the first difference.
AGENCY_FIGURES = """
WITH finished AS (
    SELECT user_id, course_id, min(day) AS day FROM (
        SELECT user_id, course_id,
               (completed_at AT TIME ZONE %(zone)s)::date AS day
        FROM courses_enrollment WHERE completed_at IS NOT NULL
        UNION ALL
        SELECT user_id, course_id, completed_on FROM coverage_externalcompletion
        WHERE course_id IS NOT NULL
    ) done GROUP BY user_id, course_id
), staff AS (
    SELECT s.id, s.user_id, s.category, s.agency_id, a.path, a.province_id,
           a.commune_id
    FROM coverage_staffmember s JOIN coverage_agency a ON a.id = s.agency_id
    WHERE s.active
), due AS (
    SELECT st.id AS staff_id, st.user_id, st.agency_id, c.course_id, c.deadline,
           extract(year FROM c.deadline)::int AS year
    FROM staff st
    JOIN coverage_courseassignment c ON c.province_id = st.province_id
         AND (c.category = '' OR c.category = st.category)
    LEFT JOIN coverage_agency given ON given.id = c.agency_id
    WHERE c.agency_id IS NULL OR starts_with(st.path, given.path)
), person_year AS (
    SELECT due.staff_id, due.year,
           bool_and(f.day IS NOT NULL) AS done,
           bool_or(due.deadline < %(today)s AND f.day IS NULL) AS late
    FROM due LEFT JOIN finished f
         ON f.user_id = due.user_id AND f.course_id = due.course_id
    GROUP BY due.staff_id, due.year
), years AS (
    SELECT province_id, %(year)s::int AS year FROM coverage_agency
    UNION SELECT province_id, extract(year FROM deadline)::int
    FROM coverage_courseassignment
)
INSERT INTO coverage_agencyfigures
    (agency_id, year, path, province_id, commune_id, staff, assigned, finished,
     overdue)
SELECT st.agency_id, y.year, st.path, st.province_id, st.commune_id, count(*),
       count(p.staff_id), count(*) FILTER (WHERE p.done),
       count(*) FILTER (WHERE NOT p.done AND p.late)
FROM staff st
JOIN years y ON y.province_id = st.province_id
LEFT JOIN person_year p ON p.staff_id = st.id AND p.year = y.year
GROUP BY st.agency_id, y.year, st.path, st.province_id, st.commune_id
"""
AGENCY_MONTH_FIGURES = """
WITH finished AS (
    SELECT user_id, course_id, min(day) AS day FROM (
        SELECT user_id, course_id,
               (completed_at AT TIME ZONE %(zone)s)::date AS day
        FROM courses_enrollment WHERE completed_at IS NOT NULL
        UNION ALL
        SELECT user_id, course_id, completed_on FROM coverage_externalcompletion
        WHERE course_id IS NOT NULL
    ) done GROUP BY user_id, course_id
), courses AS (
    SELECT DISTINCT s.id, s.agency_id, c.course_id
    FROM coverage_staffmember s
    JOIN coverage_agency a ON a.id = s.agency_id
    JOIN coverage_courseassignment c ON c.province_id = a.province_id
         AND (c.category = '' OR c.category = s.category)
    LEFT JOIN coverage_agency given ON given.id = c.agency_id
    WHERE s.active AND (c.agency_id IS NULL OR starts_with(a.path, given.path))
)
INSERT INTO coverage_agencymonthfigures
    (agency_id, month, path, province_id, commune_id, finished_courses)
SELECT a.id, date_trunc('month', f.day)::date, a.path, a.province_id,
       a.commune_id, count(*)
FROM courses
JOIN coverage_staffmember s ON s.id = courses.id
JOIN finished f ON f.user_id = s.user_id AND f.course_id = courses.course_id
JOIN coverage_agency a ON a.id = courses.agency_id
GROUP BY a.id, date_trunc('month', f.day), a.path, a.province_id, a.commune_id
"""
# A certificate counts where its holder lives, or for a resident trained in
# person with no account, where their household is.
CERTIFICATES = """
    SELECT coalesce(u.commune_id, h.commune_id) AS commune_id, c.issued_at
    FROM certificates_certificate c
    LEFT JOIN lms_user u ON u.id = c.user_id
    LEFT JOIN community_teams_resident r ON r.id = c.resident_id
    LEFT JOIN community_teams_household hh ON hh.id = r.household_id
    LEFT JOIN lms_hamlet h ON h.id = hh.hamlet_id
    WHERE c.revoked_at IS NULL
      AND (u.commune_id IS NOT NULL OR (c.user_id IS NULL AND h.commune_id IS NOT NULL))
"""
COMMUNE_FIGURES = f"""
WITH learning AS (
    SELECT u.commune_id, count(DISTINCT e.user_id) AS learners, count(*) AS courses
    FROM courses_enrollment e JOIN lms_user u ON u.id = e.user_id
    WHERE e.completed_at IS NOT NULL AND u.commune_id IS NOT NULL
    GROUP BY u.commune_id
), certified AS (
    SELECT commune_id, count(*) AS certificates FROM ({CERTIFICATES}) c
    GROUP BY commune_id
)
INSERT INTO coverage_communefigures
    (commune_id, province_id, learners_finished, courses_finished, certificates)
SELECT m.code, m.province_id, coalesce(l.learners, 0), coalesce(l.courses, 0),
       coalesce(c.certificates, 0)
FROM lms_commune m
LEFT JOIN learning l ON l.commune_id = m.code
LEFT JOIN certified c ON c.commune_id = m.code
WHERE l.commune_id IS NOT NULL OR c.commune_id IS NOT NULL
"""
COMMUNE_MONTH_FIGURES = f"""
WITH learning AS (
    SELECT u.commune_id,
           date_trunc('month', e.completed_at AT TIME ZONE %(zone)s)::date AS month,
           count(*) AS courses
    FROM courses_enrollment e JOIN lms_user u ON u.id = e.user_id
    WHERE e.completed_at IS NOT NULL AND u.commune_id IS NOT NULL
    GROUP BY 1, 2
), certified AS (
    SELECT commune_id,
           date_trunc('month', issued_at AT TIME ZONE %(zone)s)::date AS month,
           count(*) AS certificates
    FROM ({CERTIFICATES}) c GROUP BY 1, 2
)
INSERT INTO coverage_communemonthfigures
    (commune_id, province_id, month, courses_finished, certificates)
SELECT m.code, m.province_id, coalesce(l.month, c.month),
       coalesce(l.courses, 0), coalesce(c.certificates, 0)
FROM learning l FULL JOIN certified c
     ON c.commune_id = l.commune_id AND c.month = l.month
JOIN lms_commune m ON m.code = coalesce(l.commune_id, c.commune_id)
"""


def figures_count(url: str, report: Report) -> None:
    """The summary tables the dashboards read, counted after the load."""
    from django.conf import settings
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    today = timezone.localdate()
    values = {"zone": settings.TIME_ZONE, "today": today, "year": today.year}
    with report.step("coverage figures (SQL recount)"):
        with psycopg.connect(url) as connection:
            connection.execute("SET work_mem = '256MB'")
            for statement in (
                AGENCY_FIGURES,
                AGENCY_MONTH_FIGURES,
                COMMUNE_FIGURES,
                COMMUNE_MONTH_FIGURES,
            ):
                connection.execute(statement, values)
    with report.step("coverage figures agree with coverage.figures on a sample"):
        checked = figures_agree()
    print(f"  {checked}", flush=True)
    command = (
        REPOSITORY / "community_teams/management/commands/teams_figures_rebuild.py"
    )
    if command.exists():
        with report.step("hamlet figures (manage.py teams_figures_rebuild)"):
            manage("teams_figures_rebuild")
    else:
        print(
            "  hamlet figures: skipped, this version has no "
            "`manage.py teams_figures_rebuild`",
            flush=True,
        )
    # Whatever the structure's saving queued is already in the counts above.
    DBTaskResult.objects.all().delete()


def figures_agree(sample: int = 40) -> str:
    """Recount a random sample of agencies and communes with the rule
    (coverage.figures) and compare with what the statements stored."""
    from coverage import figures
    from coverage.models import (
        Agency,
        AgencyFigures,
        AgencyMonthFigures,
        CommuneFigures,
        CommuneMonthFigures,
    )
    from lms.models import Commune

    agencies = list(Agency.objects.order_by("?").values_list("pk", flat=True)[:sample])
    communes = list(
        Commune.objects.filter(hamlets__isnull=False)
        .distinct()
        .order_by("?")
        .values_list("pk", flat=True)[: sample // 4]
    )
    rows, months = figures.agency_figures_count(agencies)
    commune_rows, commune_months = figures.commune_figures_count(communes)
    pairs = [
        (
            {
                (r.agency_id, r.year): (r.staff, r.assigned, r.finished, r.overdue)
                for r in rows
            },
            {
                (r.agency_id, r.year): (r.staff, r.assigned, r.finished, r.overdue)
                for r in AgencyFigures.objects.filter(agency__in=agencies)
            },
        ),
        (
            {(r.agency_id, r.month): r.finished_courses for r in months},
            {
                (r.agency_id, r.month): r.finished_courses
                for r in AgencyMonthFigures.objects.filter(agency__in=agencies)
            },
        ),
        (
            {
                r.commune_id: (r.learners_finished, r.courses_finished, r.certificates)
                for r in commune_rows
            },
            {
                r.commune_id: (r.learners_finished, r.courses_finished, r.certificates)
                for r in CommuneFigures.objects.filter(commune__in=communes)
            },
        ),
        (
            {
                (r.commune_id, r.month): (r.courses_finished, r.certificates)
                for r in commune_months
            },
            {
                (r.commune_id, r.month): (r.courses_finished, r.certificates)
                for r in CommuneMonthFigures.objects.filter(commune__in=communes)
            },
        ),
    ]
    for rule, stored in pairs:
        if rule != stored:
            different = sorted(
                key
                for key in rule.keys() | stored.keys()
                if rule.get(key) != stored.get(key)
            )
            raise SystemExit(
                f"The recount differs from coverage.figures at {different[:5]}: "
                f"{[(rule.get(k), stored.get(k)) for k in different[:5]]}"
            )
    return (
        f"{len(agencies)} agencies ({len(rows)} yearly and {len(months)} monthly "
        f"rows) and {len(communes)} communes recounted by coverage.figures: equal"
    )


def summary_tables() -> list[str]:
    from django.apps import apps

    return [
        model._meta.db_table
        for model in apps.get_models()
        if model.__module__
        in ("coverage.models.figures", "community_teams.models.figures")
    ]


def analyse(url: str, report: Report, step: str, tables=()) -> None:
    """Statistics for the planner: without them a query over freshly loaded
    tables may be planned as if they were empty."""
    with report.step(step), psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"ANALYZE {', '.join(tables)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument(
        "--scale", type=float, default=1.0, help="1.0: the full province"
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--province", default=PROVINCE, help="its code (25: Phú Thọ)")
    arguments = parser.parse_args()
    url = arguments.database_url
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--database-url must name a PostgreSQL database.")
    report = Report()
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    sys.path.insert(0, str(REPOSITORY))
    with report.step("database dropped, created and migrated"):
        database_recreate(url)

    import django

    django.setup()
    from django.utils import timezone

    rng = random.Random(arguments.seed)
    # Everything generated happened by yesterday, in Vietnam's time.
    clock = Clock(timezone.localdate() - datetime.timedelta(days=1))
    names = Names(rng)
    phones = Phones(arguments.seed)
    from django.db import transaction

    with (
        report.step("places, courses, agencies and assignments (ORM)"),
        transaction.atomic(),
    ):
        world = structure_build(arguments.province, rng, clock)
    with psycopg.connect(url) as connection:
        again = keys_drop(connection)
    with report.step("people (COPY)"):
        people = people_load(
            url, world, rng, clock, names, phones, arguments.scale, report
        )
    with report.step("visits (COPY)"):
        in_person = visits_load(url, world, people, rng, clock, arguments.scale, report)
    with report.step("learning (COPY)"):
        learning_load(url, world, people, in_person, rng, clock, report)
    with report.step("indexes and foreign keys made again (every key checked)"):
        keys_make(url, again, report)
    sequences_set(url)
    analyse(url, report, "ANALYZE")
    checked = keys_check()
    print(f"  search keys of {checked} people saved again by their models: equal")
    figures_count(url, report)
    analyse(url, report, "ANALYZE of the summary tables", summary_tables())
    total = round(time.perf_counter() - report.started, 1)
    rows = sum(table.get("rows", 0) for table in report.tables.values())
    print(f"Loaded {rows:,} rows by COPY; {total} s in all.")
    print(
        json.dumps(
            {
                "database": url.rsplit("/", 1)[1],
                "province": arguments.province,
                "scale": arguments.scale,
                "seed": arguments.seed,
                "agencies": len(world["agencies"]),
                "hamlets": len(world["hamlets"]),
                "rows_copied": rows,
                "tables": report.tables,
                "steps": report.steps,
                "total_seconds": total,
            }
        )
    )


if __name__ == "__main__":
    main()

"""The community teams' pages and sync API with a whole commune's outreach.

Uses the PostgreSQL database named by DATABASE_URL (by default lms_bench_teams on
127.0.0.1:5432 as the user postgres; created if missing), migrates it, and fills it
once with a generated commune: --households households (four residents each) in
ten hamlets, and --visits visits over the last eleven months by the hamlets'
team members, each with one to three people guided on one or two skills. A later
run with the same numbers reuses them.

Then, through Django's full request handling (the test client, sessions,
middleware), as the leader of the first hamlet's team: the hamlet page (its
figures and the first page of its household list) and a household's page,
median and p95 server time and queries; visits accepted per second by the sync
API in batches of 20 (CPU time of this process, wall clock beside it); the
household list page's weight on a phone, compressed as nginx sends it, with the
service worker and the scripts and stylesheet it loads; and what the service
worker caches on a first visit. Ends with one JSON line.

Targets: pages median ≤ 200 ms with the same queries at any size; ≥ 500 visits/s;
household list ≤ 60 KB.

    .venv/bin/python bench/community_teams.py
"""

import argparse
import datetime
import gzip
import json
import os
import random
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import REPOSITORY, database_ensure, manage  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_teams"
HAMLETS = 10
RESIDENTS_PER_HOUSEHOLD = 4
BATCH = 20
TARGETS = {"page_median_ms": 200, "visits_per_second": 500, "list_kb": 60}
GIVEN = [
    "Văn An",
    "Thị Bình",
    "Văn Cường",
    "Thị Dung",
    "Văn Đức",
    "Thị Hoa",
    "Văn Hùng",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]


def fill(households: int, visits: int) -> None:
    """Generate the commune, unless a run with the same numbers already did."""
    from django.db import connection

    from community_teams.models import (
        Guidance,
        Household,
        Resident,
        Skill,
        Team,
        Visit,
        VisitAttendee,
    )
    from lms.models import Commune, Hamlet, Province, User
    from lms.models.users import Role
    from lms.services import role_grant
    from lms.text import fold

    generated = Visit.objects.filter(content_hash="generated")
    if Household.objects.count() == households and generated.count() == visits:
        return
    print(f"Generating {households} households and {visits} visits…", flush=True)
    # The consent ledger refuses deletes through the ORM, by design; the
    # benchmark's own database is emptied table by table instead.
    tables = [
        model._meta.db_table
        for model in (Guidance, VisitAttendee, Visit, Resident, Household, Team, Hamlet)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
    rng = random.Random(7)
    province, _created = Province.objects.get_or_create(
        code="66", defaults={"name": "Đắk Lắk", "kind": Province.Kind.PROVINCE}
    )
    commune, _created = Commune.objects.get_or_create(
        code="24100",
        defaults={"province": province, "name": "Ea Tu", "kind": Commune.Kind.COMMUNE},
    )
    hamlets = [
        Hamlet.objects.create(
            commune=commune, name=f"Thôn {n + 1}", kind=Hamlet.Kind.THON
        )
        for n in range(HAMLETS)
    ]
    members = []
    for number, hamlet in enumerate(hamlets):
        team = Team.objects.create(
            name=f"Tổ CNTS {hamlet.name}", commune=commune, hamlet=hamlet
        )
        for seat, role in enumerate(
            (Role.TEAM_LEADER, Role.TEAM_MEMBER, Role.TEAM_MEMBER)
        ):
            person, _created = User.objects.get_or_create(
                username=f"bench-team-{number}-{seat}",
                defaults={"full_name": f"Thành viên {number}-{seat}"},
            )
            role_grant(user=person, role=role, team=team, by=None)
            members.append((team, hamlet, person))
    homes = []
    for number in range(households):
        hamlet = hamlets[number % HAMLETS]
        head = f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        house = str(number // HAMLETS + 1)
        homes.append(
            Household(
                hamlet=hamlet,
                head_name=head,
                house_number=house,
                search_key=fold(f"{head} {house}"),
                duplicate_key=f"{fold(head)}|{house}",
            )
        )
    homes = Household.objects.bulk_create(homes, batch_size=2000)
    residents = []
    for home in homes:
        for seat in range(RESIDENTS_PER_HOUSEHOLD):
            name = (
                home.head_name
                if seat == 0
                else f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
            )
            residents.append(
                Resident(
                    household=home,
                    full_name=name,
                    search_key=fold(name),
                    birth_year=rng.randint(1950, 2010),
                )
            )
    residents = Resident.objects.bulk_create(residents, batch_size=5000)
    by_home = {}
    for resident in residents:
        by_home.setdefault(resident.household_id, []).append(resident)
    teams = {hamlet.pk: [m for m in members if m[1] == hamlet] for hamlet in hamlets}
    skills = list(Skill.objects.all())
    today = datetime.date.today()
    for start in range(0, visits, 5000):
        rows, people = [], []
        for _n in range(start, min(start + 5000, visits)):
            home = rng.choice(homes)
            team, _hamlet, member = rng.choice(teams[home.hamlet_id])
            rows.append(
                Visit(
                    uuid=uuid.UUID(int=rng.getrandbits(128)),
                    household=home,
                    team=team,
                    member=member,
                    visited_on=today - datetime.timedelta(days=rng.randint(0, 330)),
                    content_hash="generated",
                )
            )
            people.append(rng.sample(by_home[home.pk], rng.randint(1, 3)))
        rows = Visit.objects.bulk_create(rows)
        attendees = VisitAttendee.objects.bulk_create(
            [
                VisitAttendee(visit=visit, resident=resident)
                for visit, present in zip(rows, people, strict=True)
                for resident in present
            ]
        )
        Guidance.objects.bulk_create(
            [
                Guidance(
                    attendee=attendee, skill=skill, by_themselves=rng.random() < 0.4
                )
                for attendee in attendees
                for skill in rng.sample(skills, rng.randint(1, 2))
            ]
        )


def timed(client, url, repeat):
    from django.db import connection

    # Each request empties Django's query log as it starts: count as they run.
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
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "queries": len(captured),
        "bytes": len(response.content),
        "body": response.content,
    }


def adults(home):
    # A minor's consent needs a guardian's name: the generated visits are adults'.
    year = datetime.date.today().year
    return [r for r in home.residents.all() if r.birth_year <= year - 18]


def sync_rate(client, homes, batches):
    """Visits per second through the sync API, new visits in batches of 20."""
    skills = ["vneid", "thanh-toan", "an-toan-thong-tin"]
    today = datetime.date.today().isoformat()
    bodies = []
    for number in range(batches):
        visits = []
        for home in homes[number * BATCH : (number + 1) * BATCH]:
            visits.append(
                {
                    "uuid": str(uuid.uuid4()),
                    "household": home.pk,
                    "visited_on": today,
                    "attendees": [
                        {
                            "resident": resident.pk,
                            "skills": [{"skill": code} for code in skills[:2]],
                            "consent": True,
                        }
                        for resident in adults(home)[:2]
                    ],
                }
            )
        bodies.append(json.dumps({"visits": visits}))
    cpu, wall = time.process_time(), time.perf_counter()
    for body in bodies:
        response = client.post(
            "/teams/api/sync/", body, content_type="application/json"
        )
        answers = response.json()["visits"]
        assert all(answer["status"] == 201 for answer in answers), answers[:1]
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    count = batches * BATCH
    return {
        "cpu_per_second": round(count / cpu),
        "wall_per_second": round(count / wall),
    }


def weight(body: bytes) -> dict:
    """The page and what it loads, gzip-compressed as nginx sends them."""
    from django.contrib.staticfiles import finders

    files = {"page": body}
    for path in sorted(set(re.findall(rb'(?:src|href)="/static/([^"?]+)', body))):
        found = finders.find(path.decode())
        if found:
            files[path.decode()] = Path(found).read_bytes()
    files["sw.js"] = Path(finders.find("lms/sw.js")).read_bytes()
    sizes = {name: len(gzip.compress(data, 6)) for name, data in files.items()}
    return {"files": sizes, "total_kb": round(sum(sizes.values()) / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--batches", type=int, default=25)
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

    from community_teams.models import Household, Team, Visit
    from lms.models.users import Role

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
        LANGUAGE_CODE="vi",
    ).enable()
    fill(arguments.households, arguments.visits)
    team = Team.objects.order_by("pk").first()
    leader = team.role_assignments.get(role=Role.TEAM_LEADER).user
    client = Client()
    client.force_login(leader)
    home = Household.objects.filter(hamlet=team.hamlet).order_by("pk").first()
    hamlet_page = timed(client, f"/teams/hamlets/{team.hamlet_id}/", arguments.repeat)
    household_page = timed(client, f"/teams/households/{home.pk}/", arguments.repeat)
    sync = sync_rate(
        client,
        list(
            Household.objects.filter(hamlet=team.hamlet)
            .prefetch_related("residents")
            .order_by("pk")[: arguments.batches * BATCH]
        ),
        arguments.batches,
    )
    page_weight = weight(hamlet_page.pop("body"))
    household_page.pop("body")
    offline = client.get("/offline/").content
    shell = weight(offline)
    results = {
        "households": Household.objects.count(),
        "visits": Visit.objects.count(),
        "hamlet_page": hamlet_page,
        "household_page": household_page,
        "sync": sync,
        "household_list_weight": page_weight,
        "service_worker_first_cache_kb": shell["total_kb"],
        "targets": TARGETS,
    }
    print(
        f"Hamlet page (figures + households): median {hamlet_page['median_ms']} ms, "
        f"p95 {hamlet_page['p95_ms']} ms, {hamlet_page['queries']} queries"
    )
    print(
        f"Household page: median {household_page['median_ms']} ms, "
        f"p95 {household_page['p95_ms']} ms, {household_page['queries']} queries"
    )
    print(
        f"Sync API: {sync['cpu_per_second']} visits/s (CPU), "
        f"{sync['wall_per_second']} visits/s (wall), batches of {BATCH}"
    )
    print(
        f"Household list on a phone: {page_weight['total_kb']} KB compressed, "
        f"{page_weight['files']}"
    )
    print(f"Service worker's first cache: {shell['total_kb']} KB compressed")
    print(json.dumps(results))


if __name__ == "__main__":
    main()

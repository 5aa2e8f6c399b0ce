"""The summary tables of the teams' reach: refreshing a hamlet, rebuilding them all.

Uses the PostgreSQL database named by DATABASE_URL (by default
lms_bench_hamlet_figures on 127.0.0.1:5432 as the user postgres; created if
missing), migrates it, and fills it once with a generated commune: --hamlets
hamlets of --households households each (four residents a household), and
--visits-per-household visits on average over the last eleven months, each with
one to three people guided on one or two skills. A later run with the same
numbers reuses them.

Then: the refresh of one hamlet after a change (what the worker does for each
sync batch), median of --repeat runs, with nothing to write and with the hamlet's
rows to write again; the rebuild of every hamlet from empty tables and again with
nothing changed (``manage.py teams_figures_rebuild``), per hamlet and
extrapolated to a province's 1,500 hamlets; and the dashboards' read, one
commune's hamlets and the province per commune, median. Ends with one JSON line.

Targets: one hamlet refreshed ≤ 500 ms; a province rebuilt ≤ 30 min; a read ≤ 50 ms.

    .venv/bin/python bench/hamlet_figures.py
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import REPOSITORY, database_ensure, manage  # noqa: E402

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/lms_bench_hamlet_figures"
RESIDENTS_PER_HOUSEHOLD = 4
PROVINCE_HAMLETS = 1500
TARGETS = {"refresh_ms": 500, "province_rebuild_minutes": 30, "read_ms": 50}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
GIVEN = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Đức", "Thị Hoa"]


def fill(hamlets: int, households: int, visits_per_household: float) -> None:
    """Generate the commune, unless a run with the same numbers already did."""
    from django.db import connection

    from community_teams.models import (
        Guidance,
        HamletFigures,
        HamletMonthFigures,
        HamletSkillFigures,
        Household,
        Resident,
        Skill,
        Team,
        Visit,
        VisitAttendee,
    )
    from lms.models import Commune, Hamlet, Province, User

    visits = round(hamlets * households * visits_per_household)
    generated = Visit.objects.filter(content_hash="generated")
    if (
        Hamlet.objects.count() == hamlets
        and Household.objects.count() == hamlets * households
        and generated.count() == visits
    ):
        return
    print(
        f"Generating {hamlets} hamlets of {households} households, {visits} visits…",
        flush=True,
    )
    # The consent ledger refuses deletes through the ORM, by design; the
    # benchmark's own database is emptied table by table instead.
    tables = [
        model._meta.db_table
        for model in (
            HamletFigures,
            HamletSkillFigures,
            HamletMonthFigures,
            Guidance,
            VisitAttendee,
            Visit,
            Resident,
            Household,
            Team,
            Hamlet,
        )
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
    member, _created = User.objects.get_or_create(
        username="bench-figures-member", defaults={"full_name": "Thành viên"}
    )
    skills = list(Skill.objects.all())
    today = datetime.date.today()
    for number in range(hamlets):
        hamlet = Hamlet.objects.create(
            commune=commune, name=f"Thôn {number + 1}", kind=Hamlet.Kind.THON
        )
        team = Team.objects.create(
            name=f"Tổ CNTS {hamlet.name}", commune=commune, hamlet=hamlet
        )
        homes = []
        for seat in range(households):
            home = Household(
                hamlet=hamlet,
                head_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                house_number=str(seat + 1),
            )
            home.normalise()
            homes.append(home)
        homes = Household.objects.bulk_create(homes, batch_size=2000)
        people = []
        for home in homes:
            for _seat in range(RESIDENTS_PER_HOUSEHOLD):
                person = Resident(
                    household=home,
                    full_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
                    birth_year=rng.randint(1950, 2005),
                )
                person.normalise()
                people.append(person)
        people = Resident.objects.bulk_create(people, batch_size=5000)
        by_home = {}
        for person in people:
            by_home.setdefault(person.household_id, []).append(person)
        rows, present = [], []
        for _n in range(round(households * visits_per_household)):
            home = rng.choice(homes)
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
            present.append(rng.sample(by_home[home.pk], rng.randint(1, 3)))
        rows = Visit.objects.bulk_create(rows, batch_size=5000)
        attendees = VisitAttendee.objects.bulk_create(
            [
                VisitAttendee(visit=visit, resident=person)
                for visit, there in zip(rows, present, strict=True)
                for person in there
            ],
            batch_size=5000,
        )
        Guidance.objects.bulk_create(
            [
                Guidance(
                    attendee=attendee, skill=skill, by_themselves=rng.random() < 0.4
                )
                for attendee in attendees
                for skill in rng.sample(skills, rng.randint(1, 2))
            ],
            batch_size=5000,
        )
        print(f"  hamlet {number + 1}/{hamlets}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def median_ms(action, repeat: int) -> float:
    times = []
    for _n in range(repeat):
        begun = time.perf_counter()
        action()
        times.append((time.perf_counter() - begun) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hamlets", type=int, default=20)
    parser.add_argument("--households", type=int, default=1000)
    parser.add_argument("--visits-per-household", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=15)
    arguments = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database (see the top).")
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.base"
    sys.path.insert(0, str(REPOSITORY))
    database_ensure(url)
    manage("migrate", "--noinput", "-v", "0")

    import django

    django.setup()
    from django.db import connection

    from community_teams.figures import (
        figures_recount,
        figures_stored,
        hamlet_figures_recount_all,
        hamlet_figures_refresh,
    )
    from community_teams.models import (
        HamletFigures,
        HamletMonthFigures,
        HamletSkillFigures,
        Household,
        Resident,
        Visit,
    )
    from community_teams.selectors import reach_figures
    from lms.models import Hamlet

    fill(arguments.hamlets, arguments.households, arguments.visits_per_household)
    hamlets = list(Hamlet.objects.order_by("pk").values_list("pk", flat=True))
    commune = Hamlet.objects.get(pk=hamlets[0]).commune

    def empty():
        for model in (HamletFigures, HamletSkillFigures, HamletMonthFigures):
            model.objects.all().delete()

    empty()
    begun = time.perf_counter()
    hamlet_figures_recount_all()
    rebuild_s = time.perf_counter() - begun
    begun = time.perf_counter()
    hamlet_figures_recount_all()
    rebuild_same_s = time.perf_counter() - begun
    assert figures_stored(hamlets) == figures_recount(hamlets)

    one = hamlets[len(hamlets) // 2]
    captured = []
    with connection.execute_wrapper(
        lambda execute, sql, *rest: captured.append(sql) or execute(sql, *rest)
    ):
        hamlet_figures_refresh([one])
    refresh_ms = median_ms(lambda: hamlet_figures_refresh([one]), arguments.repeat)

    def rewrite():
        HamletFigures.objects.filter(hamlet=one).update(visits=0)
        HamletMonthFigures.objects.filter(hamlet=one).update(visits=0)
        hamlet_figures_refresh([one])

    rewrite_ms = median_ms(rewrite, arguments.repeat)
    read_commune_ms = median_ms(
        lambda: reach_figures(commune_ids=[commune.pk], group_by="hamlet"),
        arguments.repeat,
    )
    read_province_ms = median_ms(
        lambda: reach_figures(province_ids=[commune.province_id], group_by="commune"),
        arguments.repeat,
    )
    per_hamlet_ms = rebuild_s * 1000 / len(hamlets)
    results = {
        "hamlets": len(hamlets),
        "households": Household.objects.count(),
        "residents": Resident.objects.count(),
        "visits": Visit.objects.count(),
        "refresh_one_hamlet_median_ms": refresh_ms,
        "refresh_one_hamlet_rewritten_median_ms": rewrite_ms,
        "refresh_queries": len(captured),
        "rebuild_s": round(rebuild_s, 1),
        "rebuild_unchanged_s": round(rebuild_same_s, 1),
        "rebuild_per_hamlet_ms": round(per_hamlet_ms, 1),
        "province_rebuild_minutes_estimated": round(
            per_hamlet_ms * PROVINCE_HAMLETS / 60000, 1
        ),
        "read_commune_by_hamlet_median_ms": read_commune_ms,
        "read_province_by_commune_median_ms": read_province_ms,
        "targets": TARGETS,
    }
    print(
        f"Refresh of one hamlet ({arguments.households} households): median "
        f"{refresh_ms} ms with nothing to write, {rewrite_ms} ms rewriting its rows, "
        f"{len(captured)} queries"
    )
    print(
        f"Rebuild of {len(hamlets)} hamlets: {results['rebuild_s']} s from empty "
        f"tables ({results['rebuild_per_hamlet_ms']} ms a hamlet, about "
        f"{results['province_rebuild_minutes_estimated']} min for "
        f"{PROVINCE_HAMLETS} hamlets), {results['rebuild_unchanged_s']} s unchanged"
    )
    print(
        f"Dashboards' read: a commune by hamlet median {read_commune_ms} ms, "
        f"the province by commune median {read_province_ms} ms"
    )
    print(json.dumps(results))


if __name__ == "__main__":
    main()

"""With a read replica, dashboards read their summary tables from it; nothing else
does, and nothing is written to it.

The test settings' ``replica`` is the test database itself (``TEST: MIRROR``),
reached on a connection of its own, as a streaming replica would be; these tests
turn it on with ``LMS_READ_REPLICA``. A mirror sees only committed rows, so the
tests that read through it commit (``transaction=True``).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.test.utils import CaptureQueriesContext

from community_teams.models import Household, Resident
from coverage.models import (
    Agency,
    AgencyFigures,
    AgencyMonthFigures,
    CommuneFigures,
    CommuneMonthFigures,
    StaffMember,
)
from lms.models import User
from tests.coverage.world import assign, coverage_world, finish, member

ROOT = Path(__file__).resolve().parents[2]
SUMMARIES = {AgencyFigures, AgencyMonthFigures, CommuneFigures, CommuneMonthFigures}
REPLICA = "replica"


ROUTER = "lms.db_router.ReplicaRouter"


@pytest.fixture
def replica_on(settings):
    """What the settings make of DATABASE_REPLICA_URL."""
    settings.LMS_READ_REPLICA = REPLICA
    settings.DATABASE_ROUTERS = [ROUTER]


def tables(queries) -> set[str]:
    """The tables each captured query reads from or writes to."""
    found = set()
    for query in queries:
        sql = query["sql"]
        found.update(
            model._meta.db_table
            for model in apps.get_models()
            if f'"{model._meta.db_table}"' in sql
        )
    return found


def production_databases(**environment) -> dict:
    """What lms.settings.production makes of the environment, in a new process."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL", "DJANGO_SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        LMS_SMS_SENDER="lms.accounts.sms.OutboxSmsSender",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        WAGTAILADMIN_BASE_URL="https://hoc.example.vn",
        DATABASE_URL="postgres://lms@db.example.vn:5432/lms",
        **environment,
    )
    script = (
        "import json; from django.conf import settings as s; print(json.dumps("
        "{'aliases': {a: [d['HOST'], d['NAME'], d['CONN_MAX_AGE']] "
        "for a, d in s.DATABASES.items()}, 'replica': s.LMS_READ_REPLICA, "
        "'routers': s.DATABASE_ROUTERS}))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_reads_the_replica_from_its_own_variable():
    made = production_databases(
        DATABASE_REPLICA_URL="postgres://lms@replica.example.vn:5432/lms"
    )

    assert made["aliases"] == {
        "default": ["db.example.vn", "lms", 600],
        "replica": ["replica.example.vn", "lms", 600],
    }
    assert (made["replica"], made["routers"]) == (REPLICA, [ROUTER])


def test_production_without_a_replica_has_no_router():
    made = production_databases()

    assert list(made["aliases"]) == ["default"]
    assert (made["replica"], made["routers"]) == ("", [])


def test_without_a_replica_the_router_leaves_every_choice_to_django(settings):
    settings.LMS_READ_REPLICA = ""
    settings.DATABASE_ROUTERS = [ROUTER]

    for model in (AgencyFigures, User, Household):
        assert router.db_for_read(model) == DEFAULT_DB_ALIAS
        assert router.db_for_write(model) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(REPLICA, "coverage") is True


def test_only_summary_tables_are_read_from_the_replica(replica_on):
    summaries = {m for m in apps.get_models() if getattr(m, "summary_table", False)}

    assert SUMMARIES <= summaries
    for model in apps.get_models():
        expected = REPLICA if model in summaries else DEFAULT_DB_ALIAS
        assert router.db_for_read(model) == expected, model
        assert router.db_for_write(model) == DEFAULT_DB_ALIAS, model
    for personal in (User, Household, Resident, StaffMember, Agency):
        assert personal not in summaries


@pytest.mark.django_db
def test_a_row_read_from_the_replica_is_saved_and_followed_on_the_primary(
    replica_on,
):
    row = AgencyFigures(year=2026)
    row._state.db = REPLICA

    assert router.db_for_write(AgencyFigures, instance=row) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Agency, instance=row) == DEFAULT_DB_ALIAS
    agency = Agency()
    agency._state.db = DEFAULT_DB_ALIAS
    assert router.allow_relation(row, agency) is True


def test_migrations_run_on_the_primary_only(replica_on):
    assert (
        router.allow_migrate(REPLICA, "coverage", model_name="agencyfigures") is False
    )
    assert router.allow_migrate(
        DEFAULT_DB_ALIAS, "coverage", model_name="agencyfigures"
    )


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_dashboard_reads_its_figures_from_the_replica_and_writes_go_to_the_primary(
    replica_on, client
):
    world = coverage_world()
    lan = member(world.department, "Nguyễn Thị Lan")
    member(world.office, "Trần Văn Minh")
    assign(world, agency=world.department)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
            finish(lan.user, world.course)
    # The figures were recounted and written: all of it on the primary.
    assert on_replica.captured_queries == []
    assert "coverage_agencyfigures" in tables(on_primary.captured_queries)

    client.force_login(world.people.province_official)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary:
            response = client.get(f"/coverage/agencies/{world.department.pk}/")

    assert response.status_code == 200
    # One of the department's two civil servants finished (read from the replica).
    assert "1 of 2 civil servants trained (50.0%)" in response.text
    assert tables(on_replica.captured_queries) == {
        "coverage_agencyfigures",
        "coverage_agencymonthfigures",
    }
    assert all(
        query["sql"].startswith("SELECT") for query in on_replica.captured_queries
    )
    read_on_primary = tables(on_primary.captured_queries)
    assert "coverage_agency" in read_on_primary
    assert not read_on_primary & {m._meta.db_table for m in SUMMARIES}


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_people_behind_a_figure_are_read_from_the_primary(replica_on, client):
    world = coverage_world()
    member(world.department, "Nguyễn Thị Lan")
    client.force_login(world.people.province_official)

    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(f"/coverage/agencies/{world.department.pk}/people/")

    assert response.status_code == 200
    assert "Nguyễn Thị Lan" in response.text
    assert on_replica.captured_queries == []

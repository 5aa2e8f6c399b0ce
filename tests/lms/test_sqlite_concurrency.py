"""The development SQLite database takes writes from several processes at once.

The web server and the task worker are separate processes writing one file
(a bulk certificate issue while learners send H5P results). Each test runs real
processes on the development settings (``lms.settings.dev``) against a
temporary SQLite file; the test settings' own database is not involved.
"""

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, who TEXT NOT NULL)")
    return path


def start(database: Path, *args: str, options: dict | None = None):
    """A writer process on the development settings (see ``sqlite_writer``)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        LMS_TEST_SQLITE_OPTIONS=json.dumps(options or {}),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "tests.lms.sqlite_writer", *args],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(process, line: str) -> list[str]:
    """Lines the process printed up to ``line`` (fails if it ended first)."""
    seen = []
    while True:
        output = process.stdout.readline()
        assert output, f"ended before {line!r}: {seen} {process.stderr.read()}"
        seen.append(output.strip())
        if output.strip() == line:
            return seen


def finish(process, timeout: float = 120) -> list[str]:
    out, err = process.communicate(timeout=timeout)
    lines = out.splitlines()
    assert process.returncode == 0, lines + err.splitlines()[-5:]
    return lines


def failure(process, timeout: float = 120) -> str:
    out, _err = process.communicate(timeout=timeout)
    assert process.returncode == 1, out
    return out.splitlines()[-1]


def notes(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [who for (who,) in db.execute("SELECT who FROM note ORDER BY id")]


def told_to_write(database: Path, **kwargs):
    writer = start(database, "write-when-told", **kwargs)
    wait_for(writer, "ready")
    return writer


def tell(process) -> None:
    process.stdin.write("go\n")
    process.stdin.flush()


def test_the_database_file_is_in_wal_mode(database):
    lines = finish(start(database, "write"))

    assert "journal_mode wal" in lines
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_transaction_that_reads_then_writes_survives_another_writer(database):
    reader = start(database, "read-then-write")
    wait_for(reader, "read")
    # The reader holds the write lock from its first statement: this one waits.
    writer = start(database, "write")
    time.sleep(1)
    tell(reader)

    finish(reader)
    finish(writer)
    assert notes(database) == ["reader", "writer"]


def test_without_immediate_transactions_the_same_reader_fails(database):
    """What the setting prevents: SQLite refuses the upgrade from read to write."""
    deferred = {"transaction_mode": None}
    reader = start(database, "read-then-write", options=deferred)
    wait_for(reader, "read")
    finish(start(database, "write", options=deferred))
    tell(reader)

    assert failure(reader) == "error: database is locked"
    assert notes(database) == ["writer"]


def test_a_writer_waits_longer_than_sqlites_default_five_seconds(database):
    writer = told_to_write(database)
    holder = start(database, "hold", "7")
    wait_for(holder, "holding")

    tell(writer)

    finish(holder)
    waited = finish(writer)[-2]
    assert float(waited.removeprefix("waited ")) > 5
    assert notes(database) == ["holder", "writer"]


def test_with_pythons_default_timeout_the_same_writer_fails(database):
    writer = told_to_write(database, options={"timeout": None})
    holder = start(database, "hold", "7")
    wait_for(holder, "holding")

    tell(writer)

    assert failure(writer) == "error: database is locked"
    finish(holder)
    assert notes(database) == ["holder"]


def test_a_bulk_issue_and_learners_writing_together_lose_nothing(database):
    batches, per_learner, learners = 10, 100, 3
    issuer = start(database, "batches", str(batches), "0.3")
    crowd = [start(database, "many", str(per_learner)) for _ in range(learners)]

    for process in [issuer, *crowd]:
        assert finish(process)[-1] == "done"
    written = notes(database)
    assert written.count("batch") == batches
    assert written.count("learner") == learners * per_learner

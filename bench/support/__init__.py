"""What several benchmarks share: a PostgreSQL database made ready to fill."""

import subprocess
import sys
from pathlib import Path

import psycopg

REPOSITORY = Path(__file__).resolve().parents[2]


def database_ensure(url: str) -> None:
    """Create the database ``url`` names if the server does not have it yet."""
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        found = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(*arguments: str) -> None:
    """Run a management command of this project in a child process, quietly."""
    subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=REPOSITORY,
        check=True,
        stdout=subprocess.DEVNULL,
    )

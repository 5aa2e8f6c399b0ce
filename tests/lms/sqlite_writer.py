"""A process writing to the development SQLite database, for the concurrency tests.

Run as ``python -m tests.lms.sqlite_writer ACTION [ARGUMENT]`` with
``DJANGO_SETTINGS_MODULE=lms.settings.dev`` and ``DATABASE_URL`` naming a SQLite
file that holds a ``note(id INTEGER PRIMARY KEY, who TEXT)`` table. It talks
through Django's connection, so the settings' ``OPTIONS`` apply. It prints what it
did, one line at a time, and ``error: …`` (exit status 1) when a write fails.

Actions (each inside ``transaction.atomic()``, as a view or a task writes):

- ``hold SECONDS``: write a row, say ``holding``, keep the transaction open;
- ``read-then-write``: read, say ``read``, wait for a line on stdin, write;
- ``write``: write a row;
- ``write-when-told``: say ``ready`` once connected, wait for a line on stdin,
  write a row and say how many seconds the write took;
- ``many COUNT``: COUNT transactions that read, then write (learners' results);
- ``batches COUNT SECONDS``: COUNT transactions that write, then keep the lock
  SECONDS (a bulk issue rendering a batch of certificates).

``LMS_TEST_SQLITE_OPTIONS`` (JSON) replaces options, to show what fails without.
"""

import json
import os
import sys
import time

import django


def main(action: str, argument: str = "0", seconds: str = "0") -> int:
    django.setup()
    from django.conf import settings
    from django.db import OperationalError, connection, transaction

    overrides = json.loads(os.environ.get("LMS_TEST_SQLITE_OPTIONS", "{}"))
    options = settings.DATABASES["default"]["OPTIONS"]
    for name, value in overrides.items():
        if value is None:
            options.pop(name, None)
        else:
            options[name] = value

    def say(line: str) -> None:
        print(line, flush=True)

    def note(cursor, who: str) -> None:
        cursor.execute("INSERT INTO note (who) VALUES (%s)", [who])

    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            say(f"journal_mode {cursor.fetchone()[0]}")
        if action == "hold":
            with transaction.atomic(), connection.cursor() as cursor:
                note(cursor, "holder")
                say("holding")
                time.sleep(float(argument))
        elif action == "read-then-write":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM note")
                say("read")
                sys.stdin.readline()
                note(cursor, "reader")
        elif action == "write":
            with transaction.atomic(), connection.cursor() as cursor:
                note(cursor, "writer")
        elif action == "write-when-told":
            say("ready")
            sys.stdin.readline()
            began = time.monotonic()
            with transaction.atomic(), connection.cursor() as cursor:
                note(cursor, "writer")
            say(f"waited {time.monotonic() - began:.1f}")
        elif action == "many":
            for _number in range(int(argument)):
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SELECT count(*) FROM note")
                    note(cursor, "learner")
        elif action == "batches":
            for _number in range(int(argument)):
                with transaction.atomic(), connection.cursor() as cursor:
                    note(cursor, "batch")
                    time.sleep(float(seconds))
        else:
            raise SystemExit(f"unknown action {action}")
    except OperationalError as error:
        say(f"error: {error}")
        return 1
    say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

#!/bin/sh
# Bring the database and the static files up to this checkout of the code. Run it
# after every update, as the site's user, with the production environment loaded
# (install.sh, the container and the CI check all do). Safe to run again.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"

"$PYTHON" manage.py check --deploy --fail-level ERROR
"$PYTHON" manage.py migrate --noinput
# The dashboards' summary tables, counted once when a release first adds them
# (later changes keep them up to date through the task worker).
"$PYTHON" manage.py teams_figures_rebuild --if-empty
"$PYTHON" manage.py coverage_figures_rebuild --if-empty
# Hashed and gzip-compressed copies for nginx (whitenoise's compressed manifest).
"$PYTHON" manage.py collectstatic --noinput --verbosity 0
# The provinces and communes people choose from (idempotent).
"$PYTHON" manage.py load_admin_units

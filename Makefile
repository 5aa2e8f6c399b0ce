# `make run` sets up and runs the site; `make test` sets up and runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test deploy-check setup system-deps bench-deps lint format messages bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian packages the tests use: the browser, PDF-to-image, a QR decoder, and nginx
# for the check that runs the production stack (tests/deploy).
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null \
	  && [ -x /usr/sbin/nginx ] \
	  || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium poppler-utils zbar-tools nginx; }

# The load generator the throughput benches drive the server with.
bench-deps:
	@command -v wrk >/dev/null \
	  || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq wrk; }

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_admin_units
	$(PY) manage.py load_demo_data
	@echo ""
	@echo "H5P activities: none ship with the demo, because their licences vary. To add one:"
	@echo "  1. get a .h5p package you may use: an example from h5p.org (check the licence shown"
	@echo "     with each one) or your own, made in an H5P editor such as Lumi;"
	@echo "  2. $(PY) manage.py import_h5p FILE.h5p"
	@echo "  3. in /admin/: H5P > Hoạt động (Activities), add an activity for the package,"
	@echo "     then add a \"Hoạt động H5P\" (H5P activity) block to a lesson."
	@echo ""
	@echo "Site: http://$(HOST):$(PORT)/  (Ctrl+C stops the server and the task worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  LMS_PUBLIC_BASE_URL=http://$(HOST):$(PORT) $(PY) manage.py db_worker --queue-name '*' & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# One worker per CPU; a module's tests stay in one worker (tests/conftest.py).
PYTEST_WORKERS = -n auto

test: setup system-deps
	$(PY) -m pytest $(PYTEST_WORKERS)

# Only the production stack: nginx, gunicorn, the task worker, PostgreSQL and Redis,
# walked over HTTPS (docs/deployment.md).
deploy-check: setup system-deps
	$(PY) -m pytest tests/deploy

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: setup
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore=.venv --ignore=node_modules \
	  --ignore=locale-wagtail --ignore=staticfiles --ignore=tests --ignore=bench
	cd locale/vi/LC_MESSAGES && msgfmt --check-format -o django.mo django.po

bench: setup system-deps bench-deps
	for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles .test-media

# `make run` sets up and runs the site; `make test` sets up and runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup system-deps lint format messages bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# Debian packages the tests use: the browser, PDF-to-image and a QR decoder.
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null && command -v zbarimg >/dev/null \
	  || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium poppler-utils zbar-tools; }

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_admin_units
	$(PY) manage.py load_demo_data
	@echo "Site: http://$(HOST):$(PORT)/  (Ctrl+C stops the server and the task worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py db_worker --queue-name '*' & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

test: setup system-deps
	$(PY) -m pytest

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

bench: setup
	for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules staticfiles .test-media

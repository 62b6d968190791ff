# Co-creation Platform. `make run` and `make test` work on a fresh machine.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
export FLASK_APP := wsgi.py

PG_URL    ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15

.PHONY: run test test-pg test-sqlite services install i18n migrate seed worker bench-pages bench-matching bench-voting lint clean browser a11y

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PY) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PY))"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

i18n: install
	$(BIN)/flask i18n compile

migrate: i18n
	$(BIN)/flask db upgrade

## run: the app on http://127.0.0.1:5000 with SQLite and inline jobs (no Redis needed)
run: migrate
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## services: start PostgreSQL and Redis on loopback if they are not running
services:
	@scripts/services.sh

## lint: ruff (rules and format), the layer contract (lint-imports) and no import cycle in app/
lint: install
	$(BIN)/ruff check app tests benchmarks
	$(BIN)/ruff format --check app tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python scripts/import_cycles.py

## test: lint first (fails fast), then the whole suite against PostgreSQL + Redis, then again on SQLite
test: lint i18n services browser a11y
	TEST_DATABASE_URL=$(PG_URL) TEST_REDIS_URL=$(REDIS_URL_TEST) $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-pg: i18n services
	TEST_DATABASE_URL=$(PG_URL) TEST_REDIS_URL=$(REDIS_URL_TEST) $(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-sqlite: i18n
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

## browser: Debian's Chromium for the Playwright tests (installed when missing)
browser:
	@scripts/browser.sh

## a11y: axe-core for the accessibility gate (test-only npm package in tests/a11y; never served)
AXE := tests/a11y/node_modules/axe-core/axe.min.js
a11y: $(AXE)

$(AXE): tests/a11y/package.json
	cd tests/a11y && npm install --no-audit --no-fund --silent
	touch $(AXE)

worker: install
	$(BIN)/flask worker --with-scheduler

bench-pages: install services
	$(BIN)/python benchmarks/pages.py

bench-matching: install
	$(BIN)/python benchmarks/matching.py

bench-voting: install services
	$(BIN)/python benchmarks/live_voting.py --processes 1
	$(BIN)/python benchmarks/live_voting.py --processes 2

clean:
	rm -rf $(VENV) instance

# SofaDoc — `make run` (demo site) and `make test` (the suite) do all set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PEER_VENV := var/bench-peer/venv

.PHONY: run test e2e smoke lint format messages makemessages migrate seed worker clean system-packages browser-packages bench bench-load bench-faults bench-calendars vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

system-packages:
	@scripts/ensure-system-packages.sh

# The suite's browser tests drive Debian's Chromium (Playwright never downloads a browser) and
# inject axe-core, installed from the npm registry into tests/e2e/axe/ (once; offline after).
browser-packages:
	@scripts/ensure-system-packages.sh browser
	@scripts/ensure-axe-core.sh

# Compile the committed .po catalogues (needs Debian's gettext).
messages: system-packages $(VENV)/.installed
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore=$(VENV) -v 0

# Re-extract strings after changing code or templates; then translate locale/de.
makemessages: system-packages $(VENV)/.installed
	DJANGO_DEBUG=1 $(MANAGE) makemessages -l de -l en --no-obsolete --no-location \
	  --ignore=$(VENV) --ignore=var --ignore=tests --ignore=bench --ignore=staticfiles \
	  --ignore=locale_overrides

migrate: $(VENV)/.installed
	@mkdir -p var
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input -v 0

seed: migrate
	DJANGO_DEBUG=1 $(MANAGE) seed_demo

# Demo: SQLite, console e-mail, Celery worker + beat beside the web server. Ctrl-C stops all.
run: messages seed
	@scripts/run-demo.sh

test: messages browser-packages
	$(BIN)/pytest $(PYTEST_ARGS)

# Only the browser journeys (tests marked e2e); screenshots of their key pages in test-artifacts/.
e2e: messages browser-packages
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Production smoke test: gunicorn (DJANGO_DEBUG=0), a Celery worker and beat on the local
# PostgreSQL and Redis (database sofadoc_smoke, Redis db 15); books and pays one session over HTTP
# and waits for the confirmation message. Stops everything it started.
smoke: messages
	scripts/prod-smoke.sh

# Refresh the vendored browser SDK (twilio-video) from the npm registry; commit the result.
vendor:
	scripts/vendor-twilio-video.sh $(TWILIO_VIDEO_VERSION)

# Benchmarks (not part of the suite): a database of their own on the local PostgreSQL.
bench: messages $(PEER_VENV)/.installed
	$(BIN)/python -m bench.slot_engine
	$(BIN)/python -m bench.directory
	$(BIN)/python -m bench.free_slots --peer
	$(BIN)/python -m bench.booking_flow
	$(BIN)/python -m bench.earnings
	$(BIN)/python -m bench.fee_invoices
	$(BIN)/python -m bench.series_check
	$(BIN)/python -m bench.clients

# Calendar sync against the local Radicale (5,000 events): takes minutes, so on its own.
bench-calendars: messages
	$(BIN)/python -m bench.calendar_sync

# django-appointment, the peer bench.free_slots compares with: its own virtualenv, bench only
# (not a project dependency), pinned so the comparison stays the same.
$(PEER_VENV)/.installed:
	@mkdir -p var/bench-peer
	$(PYTHON) -m venv $(PEER_VENV)
	$(PEER_VENV)/bin/pip install --quiet "django-appointment==3.12.0" "Django>=5.2,<5.3" \
	  "psycopg[binary]>=3.2,<3.4"
	touch $@

# Load benchmark: gunicorn in its production configuration under wrk (Debian's `wrk`), 16
# connections on loopback; prints a table and writes var/bench-load.md. BENCH_LOAD_ARGS e.g.
# "--duration 20 --profile".
bench-load: messages
	@scripts/ensure-system-packages.sh bench
	$(BIN)/python -m bench.load $(BENCH_LOAD_ARGS)

# Fault benchmark: gunicorn on a PostgreSQL and a Redis of its own, booking and sign-in load
# while Redis (60 s) and PostgreSQL (20 s) go away, twice; writes var/bench-faults.md.
bench-faults: messages
	$(BIN)/python -m bench.faults $(BENCH_FAULTS_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@mkdir -p var
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(BIN)/python -m mypy
	$(BIN)/lint-imports --no-cache
	PYTHONPATH=. $(BIN)/python scripts/import_cycles.py

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var staticfiles .pytest_cache .ruff_cache
	find . -name '*.mo' -not -path './$(VENV)/*' -delete

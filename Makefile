# Porte-Voix. `make run` starts everything; `make test` runs the unit suite.
# Both create .venv from the lock files first, and again only when a lock file changes.

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STATIC_STAMP := var/static/.collected
PORT ?= 8000
# Extra arguments for pytest, e.g. `make test ARGS="-k quiz -x"`.
ARGS ?=
# pytest-xdist: one test process per core. `make test XDIST=` runs in a single process.
XDIST ?= -n auto
# Scaled mode for the integration suite (.ci/run sets the same; override to taste).
INTEGRATION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
INTEGRATION_BROKER_URL ?= redis://127.0.0.1:6379/15
INTEGRATION_CACHE_URL ?= redis://127.0.0.1:6379/14
# `make run-scaled`: the same code on PostgreSQL and Redis (override any of them to taste).
SCALED_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/porte_voix
SCALED_BROKER_URL ?= redis://127.0.0.1:6379/0
SCALED_CACHE_URL ?= redis://127.0.0.1:6379/1
# What the template and Django-idiom checks read: tracked files, migrations left alone.
TEMPLATES = $(shell git ls-files 'templates/*.html' 2>/dev/null || find templates -name '*.html')
PY_SOURCES = $(shell { git ls-files '*.py' 2>/dev/null || find . -name '*.py' -not -path './.venv/*'; } | grep -v '/migrations/')
# What bandit reads: the applications and the run script (tests and benchmarks are left out, as
# in ruff's S rules; see [tool.bandit] in pyproject.toml).
BANDIT_TARGETS := lms courses policy certification advocacy_share bin/run
# `make bench-load`: the scaled mode's database is dropped and created again, its two Redis
# databases emptied: give disposable ones.
LOAD_PORT ?= 8001
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/porte_voix_load
LOAD_BROKER_URL ?= redis://127.0.0.1:6379/12
LOAD_CACHE_URL ?= redis://127.0.0.1:6379/13
PIP_COMPILE_FLAGS := --no-emit-index-url --no-emit-find-links --strip-extras --no-header --quiet

.DEFAULT_GOAL := help
.PHONY: help install run run-scaled test test-journeys test-integration check format bench bench-bulk bench-load lock messages ci clean

help:
	@echo "make run               install if needed, migrate, load the demo, start web + worker + beat on PORT ($(PORT))"
	@echo "make run-scaled        the same on PostgreSQL + Redis (started if installed and down), 2 Celery workers"
	@echo "make test              unit suite (pytest, SQLite file database; DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make test-journeys     browser journeys (employee, advocate, HR) against the real server, as make run starts it"
	@echo "make test-integration  integration suite: PostgreSQL + Redis + a real Celery worker"
	@echo "make check             ruff check (with the S security rules), ruff format --check, lint-imports, migrations check, bandit"
	@echo "make format            ruff format + ruff check --fix (rewrites files)"
	@echo "make bench             performance budgets: pages, quiz submit, post checker, PDF, tracked links, dashboards (not part of CI)"
	@echo "make bench-bulk        bulk certificate PDF re-issue by Celery workers against Redis"
	@echo "make bench-load        60 s mixed load (Locust), embedded and scaled, demo and 10x demo (ARGS=--short: smoke run)"
	@echo "make lock              recompile requirements*.lock from requirements*.in (UPGRADE=1 to upgrade)"
	@echo "make messages          extract and compile translations (needs gettext)"
	@echo "make ci                what CI runs: .ci/run"

install: $(STAMP)

$(STAMP): requirements.lock requirements-dev.lock
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required (python3.11 or python3 on PATH)"; exit 1; }
	@if ! $(PY) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" 2>/dev/null; then \
		$(PYTHON) -c "import sys; sys.exit(sys.version_info[:2] != (3, 11))" \
			|| { echo "Python 3.11 is required, $(PYTHON) is $$($(PYTHON) --version)"; exit 1; }; \
		echo "Creating $(VENV) with $$($(PYTHON) --version)"; \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); \
	fi
	@echo "Installing requirements.lock and requirements-dev.lock into $(VENV)"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	@touch $@

# collectstatic compresses every file (whitenoise), which takes a while: only run it again when
# static/ or the installed packages changed.
$(STATIC_STAMP): $(STAMP) $(shell find static -type f 2>/dev/null)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@touch $@

# The address the demo content is built with (the "Verify:" link of the demo PDFs): the one
# bin/run gives the servers, unless WAGTAILADMIN_BASE_URL is already set.
RUN_BASE_URL := WAGTAILADMIN_BASE_URL=$${WAGTAILADMIN_BASE_URL:-http://localhost:$(PORT)}

run: $(STAMP) $(STATIC_STAMP)
	@mkdir -p var/broker/queue var/broker/processed var/broker/control var/media
	$(RUN_BASE_URL) $(PY) manage.py migrate --noinput
	$(RUN_BASE_URL) $(PY) manage.py load_demo
	PORT=$(PORT) exec $(PY) bin/run

# DATABASE_URL, CELERY_BROKER_URL and CACHE_URL from the environment win over the defaults above.
SCALED_ENV = DATABASE_URL=$${DATABASE_URL:-$(SCALED_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(SCALED_BROKER_URL)} \
	CACHE_URL=$${CACHE_URL:-$(SCALED_CACHE_URL)}

run-scaled: $(STAMP) $(STATIC_STAMP)
	@mkdir -p var/media
	$(SCALED_ENV) $(PY) bin/run --scaled --prepare
	$(SCALED_ENV) $(RUN_BASE_URL) $(PY) manage.py migrate --noinput
	$(SCALED_ENV) $(RUN_BASE_URL) $(PY) manage.py load_demo
	$(SCALED_ENV) PORT=$(PORT) exec $(PY) bin/run --scaled

# CACHE_URL is cleared: each test process keeps its own in-memory cache (lms/settings/test.py).
# The browser journeys start a server of their own: `make test-journeys` runs them.
test: $(STAMP)
	@rm -rf var/test && mkdir -p var/test
	PORTE_VOIX_TEST_VAR_DIR=$(CURDIR)/var/test CACHE_URL= $(PY) -m pytest --ds=lms.settings.test -m "not integration and not journey" $(XDIST) $(ARGS)

# One process (the journeys share one server and run in order): collectstatic, migrate and
# load_demo in a temporary var/, then bin/run on 127.0.0.1:$(JOURNEY_PORT). Screenshots go to
# var/browser-artefacts/<journey>/ (see tests/browser/journeys/conftest.py). The accessibility
# walk (axe-core on every page, 390 px, keyboard only) runs first on the same server.
JOURNEY_PORT ?= 8270
test-journeys: $(STAMP)
	@rm -rf var/test-journeys && mkdir -p var/test-journeys
	PORTE_VOIX_TEST_VAR_DIR=$(CURDIR)/var/test-journeys PORTE_VOIX_JOURNEY_PORT=$(JOURNEY_PORT) CACHE_URL= \
		$(PY) -m pytest --ds=lms.settings.test -m journey -p no:xdist tests/browser/journeys $(ARGS)

test-integration: $(STAMP)
	@rm -rf var/test-integration && mkdir -p var/test-integration
	PORTE_VOIX_TEST_VAR_DIR=$(CURDIR)/var/test-integration \
	DATABASE_URL=$${DATABASE_URL:-$(INTEGRATION_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(INTEGRATION_BROKER_URL)} \
	CACHE_URL=$${CACHE_URL:-$(INTEGRATION_CACHE_URL)} \
	$(PY) -m pytest --ds=lms.settings.test -m integration -p no:xdist tests/integration $(ARGS)

# Runs every step and fails at the end if any failed, so one run shows every problem. ruff's S
# rules and bandit are the static security analysis: each exception is justified on its line.
check: $(STAMP)
	@status=0; \
	echo "--- ruff check"; $(VENV)/bin/ruff check --output-format concise . || status=1; \
	echo "--- ruff format --check"; $(VENV)/bin/ruff format --check --output-format concise . || status=1; \
	echo "--- lint-imports"; $(VENV)/bin/lint-imports || status=1; \
	echo "--- makemigrations --check"; $(PY) manage.py makemigrations --check --dry-run || status=1; \
	echo "--- djhtml --check"; $(VENV)/bin/djhtml --check $(TEMPLATES) || status=1; \
	echo "--- django-upgrade"; $(VENV)/bin/django-upgrade --target-version 5.2 $(PY_SOURCES) || status=1; \
	echo "--- mypy"; $(VENV)/bin/mypy || status=1; \
	echo "--- bandit"; $(VENV)/bin/bandit -c pyproject.toml -q -r $(BANDIT_TARGETS) -f custom \
		--msg-template "{relpath}:{line}: {test_id} [{severity}] {msg}" || status=1; \
	if [ $$status -ne 0 ]; then echo "make check failed; \`make format\` fixes formatting, import order, template indentation and Django idioms"; fi; \
	exit $$status

# Rewrites files: ruff format, the autofixable lint findings (import order...), template
# indentation and Django idioms.
format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix --output-format concise .
	-$(VENV)/bin/djhtml $(TEMPLATES)
	-$(VENV)/bin/django-upgrade --target-version 5.2 $(PY_SOURCES)

# Pages, quiz submit and query counts (ARGS go to bench/run.py), then the post checker and the
# certificate PDF. Every script builds its own database in a temporary directory.
bench: $(STAMP)
	$(PY) bench/run.py $(ARGS)
	$(PY) bench/policy_and_pdf.py
	$(PY) bench/leaderboard.py
	$(PY) bench/training_report.py
	$(PY) bench/analytics.py
	$(PY) bench/pages_http.py  # catalogue, course and policy pages vs the home page, gunicorn + wrk (needs wrk)
	$(PY) bench/links.py  # bench-links: /s/<code> under gunicorn + wrk (needs wrk)

# Bulk PDF re-issue by 2 Celery workers against Redis (long; ARGS="--count 200" for a short run).
bench-bulk: $(STAMP)
	$(PY) bench/bulk_render.py $(ARGS)

# A working day's mix (Locust, headless) on servers started as `make run` and `make run-scaled`
# start them, with the demo and ten times the demo: throughput, percentiles, errors, memory,
# nothing lost (about 20 minutes; ARGS=--short for a smoke run, ARGS="--mode embedded" for one mode).
bench-load: $(STAMP)
	LOAD_DATABASE_URL=$(LOAD_DATABASE_URL) LOAD_BROKER_URL=$(LOAD_BROKER_URL) LOAD_CACHE_URL=$(LOAD_CACHE_URL) \
		$(PY) bench/load.py --port $(LOAD_PORT) $(ARGS)

lock: $(STAMP)
	@$(PY) -m piptools --version >/dev/null 2>&1 || $(PY) -m pip install --quiet --disable-pip-version-check pip-tools
	$(PY) -m piptools compile $(PIP_COMPILE_FLAGS) $(if $(UPGRADE),--upgrade) --output-file requirements.lock requirements.in
	$(PY) -m piptools compile $(PIP_COMPILE_FLAGS) $(if $(UPGRADE),--upgrade) --output-file requirements-dev.lock requirements-dev.in

messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "gettext is needed: apt-get install gettext"; exit 1; }
	$(PY) manage.py makemessages --locale fr --ignore ".venv/*" --ignore "var/*" --ignore "bench/*" --ignore "tests/*"
	$(PY) manage.py compilemessages --locale fr --ignore ".venv/*"

ci:
	bash .ci/run

# Removes the installed marker and caches; keeps var/ (the demo database and media).
clean:
	rm -f $(STAMP)
	rm -rf .pytest_cache .ruff_cache var/test var/test-integration
	find . -path ./.venv -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

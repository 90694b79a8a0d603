# The two commands of the README: `make run` and `make test` (and `make test-dates`, which CI
# runs after it).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
REDIS_DEFAULT ?= redis://127.0.0.1:6379/0
PORT ?= 8000
SCALE ?= city

.PHONY: install run demo test test-dates test-fast lint format bench migrations messages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@mkdir -p var/build  # setup.cfg: the build's by-products (egg-info) go there
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Demo: SQLite and Celery's file-system broker under var/, no servers. Web, worker and beat.
run: install
	@mkdir -p var
	PORTAL_DEV=1 DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	PORTAL_DEV=1 DEBUG=1 $(BIN)/python manage.py demo --scale $(SCALE) --if-empty
	@BIN=$(BIN) PORT=$(PORT) scripts/run-dev.sh

demo: install
	PORTAL_DEV=1 DEBUG=1 $(BIN)/python manage.py migrate --noinput -v0
	PORTAL_DEV=1 DEBUG=1 $(BIN)/python manage.py demo --scale $(SCALE)

# Tests: PostgreSQL and Redis when they answer (always in CI), SQLite otherwise; tests that
# need a server skip locally with the reason, and fail in CI (CI=true).
TEST_SERVERS = if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then export DATABASE_URL=$${DATABASE_URL:-$(PG_URL)}; \
	  else echo "PostgreSQL is not answering: tests run on SQLite"; fi; \
	if $(BIN)/python -c "import redis,sys; sys.exit(0 if redis.Redis.from_url('$(REDIS_DEFAULT)', socket_connect_timeout=1).ping() else 1)" 2>/dev/null; \
	  then export REDIS_URL=$${REDIS_URL:-$(REDIS_DEFAULT)}; else echo "Redis is not answering: Redis tests skip"; fi
PYTEST = $(BIN)/pytest -n $${PYTEST_WORKERS:-2} --dist loadfile

test: install
	@$(TEST_SERVERS); \
	$(PYTEST) $(PYTEST_ARGS)

# The date-sensitive tests again on 1 January, 29 February (2028), 30 June and 31 December, in
# one session (each test once per day, tests/conftest.py). Tests derive every year, period and
# quarter from the pinned day, and the demo is anchored to it: the calendar must not matter.
TEST_DATES ?= 2027-01-01,2028-02-29,2027-06-30,2027-12-31
# The longest files (the secrecy walk, the full demo) first, so neither worker idles at the end.
DATE_TEST_DIRS := tests/inspections tests/stations tests/funding tests/evaluations tests/rectification tests/talent tests/services
DATE_TESTS ?= $(DATE_TEST_DIRS) \
	$(filter-out $(addsuffix /%,$(DATE_TEST_DIRS)),$(sort $(wildcard tests/*/test_demo.py)))

test-dates: install
	@$(TEST_SERVERS); \
	$(PYTEST) --today=$(TEST_DATES) $(DATE_TESTS) $(PYTEST_ARGS)

# Style, the import contracts of pyproject.toml (apps depend on one another only as DESIGN.md
# allows) and mypy on the scoping core, every rules.py and every selectors.py.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	PORTAL_DEV=1 DEBUG=1 $(BIN)/mypy

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations:
	PORTAL_DEV=1 $(BIN)/python manage.py makemigrations

messages:
	PORTAL_DEV=1 $(BIN)/python manage.py makemessages -l en --ignore '.venv/*' --ignore 'var/*' --ignore 'static/vendor/*'
	PORTAL_DEV=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

# Benchmarks print server time and query counts at a scale (city, province, nation); each
# command loads its data into a database of its own on the PostgreSQL server and drops it.
BENCH_ENV = DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} PORTAL_DEV=1 PORTAL_PLAIN_STATIC=1
bench: install
	@pg_isready -q -h 127.0.0.1 -p 5432 || (echo "bench needs PostgreSQL" && exit 1)
	$(BENCH_ENV) $(BIN)/python manage.py bench --scale $(SCALE)
	$(BENCH_ENV) $(BIN)/python manage.py evaluations_bench --scale $(SCALE)
	$(BENCH_ENV) $(BIN)/python manage.py funding_bench --scale $(SCALE)
	$(BENCH_ENV) $(BIN)/python manage.py talent_bench --scales $(SCALE)
	$(BENCH_ENV) $(BIN)/python manage.py inspections_bench

clean:
	rm -rf var/portal.sqlite3 var/celery-broker var/celerybeat-schedule*

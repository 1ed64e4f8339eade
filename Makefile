# Plaza — two commands: `make run` (embedded, no services) and `make test` (PostgreSQL + Redis).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

# `make test` and `make run-services` use the local services unless told otherwise.
SERVICE_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/plaza)
SERVICE_REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/0)
TEST_REDIS_URL := $(or $(REDIS_URL),redis://127.0.0.1:6379/1)
TEST_ENV := DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_TASK_ALWAYS_EAGER=1

.PHONY: install system-packages run run-services test test-embedded fuzz lint format check-services migrations-check audit bench clean media-tools

# The live video media server (docs/live.md, "Video"): Debian's nginx with its RTMP module, and
# ffmpeg (replays; the system tests push with it). Installed with apt when missing (CI is a
# fresh Debian machine, as root; elsewhere through sudo).
MEDIA_PACKAGES := nginx libnginx-mod-rtmp ffmpeg
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

$(STAMP): requirements.txt requirements-dev.txt
	@echo "==> creating virtualenv $(VENV) and installing requirements"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

# ffmpeg/ffprobe probe voice notes and videos (docs/media.md); Debian's package, installed
# when missing (CI runs as root; elsewhere through sudo).
system-packages:
	@command -v ffprobe >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 || { \
	  echo "==> installing ffmpeg"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends ffmpeg; }

install: system-packages $(STAMP)

run: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py seed_demo
	@echo "==> Plaza on http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/api/docs/)"
	@echo "==> live shows play external stream URLs only here: no media server (RTMP ingest, HLS, replays) in this mode; make run-services starts one"
	env -u DATABASE_URL -u REDIS_URL WEBHOOK_ALLOW_PRIVATE_NETWORKS=$${WEBHOOK_ALLOW_PRIVATE_NETWORKS:-1} \
	  $(BIN)/uvicorn superapp.asgi:application --host 127.0.0.1 --port 8000

run-services: install check-services media-tools
	DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(SERVICE_REDIS_URL) BIN=$(BIN) scripts/run_services.sh

check-services: install
	@DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python scripts/check_services.py

media-tools:
	@if ! command -v nginx >/dev/null || ! test -f /usr/lib/nginx/modules/ngx_rtmp_module.so \
	    || ! command -v ffmpeg >/dev/null || ! command -v ffprobe >/dev/null; then \
	  echo "==> installing the media server: $(MEDIA_PACKAGES)"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(MEDIA_PACKAGES); \
	fi

# lint-imports checks the app boundaries in pyproject.toml (docs/architecture.md, "Boundaries").
lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	DATABASE_URL=sqlite://:memory: $(BIN)/python manage.py makemigrations --check --dry-run

# pip-audit over requirements.txt: fails on a known vulnerability; prints
# `audit=unavailable (reason)` and passes when the vulnerability service cannot be reached.
audit: install
	$(BIN)/python scripts/audit.py

# Two workers (one per core), each with its own test database, each test module whole on one
# worker (`--dist loadfile` in pyproject.toml): a module that starts real servers ("servers")
# owns its ports, so two workers never start the same ones (docs/testing.md).
PYTEST_WORKERS ?= 2
test: install check-services media-tools lint migrations-check audit
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-embedded

# The concurrency tests (marker `embedded`) again on the embedded default of `make run`: a
# fresh SQLite file of their own, no Redis, Celery eager, real threads (docs/testing.md).
test-embedded: install
	@dir=$$(mktemp -d); db=$$dir/plaza-test.sqlite3; \
	env -u REDIS_URL DATABASE_URL=sqlite:///$$db TEST_DATABASE_NAME=$$db CELERY_TASK_ALWAYS_EAGER=1 \
	  $(BIN)/pytest -n 0 -m embedded; status=$$?; rm -rf $$dir; exit $$status

# A deeper schemathesis sweep than the one `make test` runs (same checks, more examples).
fuzz: install check-services
	$(TEST_ENV) FUZZ_MAX_EXAMPLES=50 FUZZ_OTHER_ROLE_EXAMPLES=10 $(BIN)/pytest tests/superapp/api

# Every bench, each on a fresh database of its own and free local ports (bench/run_all.py):
# the figures against their targets go to docs/benchmarks.md, every run's figures are appended
# to bench/history.csv and charted in docs/benchmarks-history.svg. QUICK=1: smaller sizes
# (~15 min on 2 cores instead of ~45). bench/payments.py runs pgbench (PostgreSQL's client
# package), installed here if missing.
bench: install check-services
	@command -v pgbench >/dev/null || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || \
	  { echo "==> installing pgbench (postgresql-client)"; \
	    apt-get update -q && apt-get install -y -q postgresql-client; }
	DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(SERVICE_REDIS_URL) \
	  $(BIN)/python bench/run_all.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache

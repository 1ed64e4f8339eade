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

.PHONY: install run run-services test fuzz lint format check-services migrations-check audit clean \
  web-install web-build web-types web-types-check web-check web-e2e web-screenshot chromium

# --- The web app (web/, docs/web.md) ----------------------------------------------------------
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
WEB_STAMP := web/node_modules/.installed-$(shell cksum < web/package-lock.json | cut -d' ' -f1)
WEB_SOURCES := $(shell find web/app/src web/app/public web/app/index.html web/app/vite.config.ts -type f 2>/dev/null)

$(STAMP): requirements.txt requirements-dev.txt
	@echo "==> creating virtualenv $(VENV) and installing requirements"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: install web-build
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py seed_demo
	@echo "==> Plaza on http://127.0.0.1:$(PORT)  (log in as alice / plaza-demo-pass; API docs: http://127.0.0.1:$(PORT)/api/docs/)"
	env -u DATABASE_URL -u REDIS_URL WEBHOOK_ALLOW_PRIVATE_NETWORKS=$${WEBHOOK_ALLOW_PRIVATE_NETWORKS:-1} \
	  $(BIN)/uvicorn superapp.asgi:application --host 127.0.0.1 --port $(PORT)

# npm ci from the committed lock file, again only when it changes; never downloads browsers.
$(WEB_STAMP): web/package-lock.json
	@echo "==> installing the web app's packages (npm ci)"
	cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@rm -f web/node_modules/.installed-*
	@touch $@

web-install: $(WEB_STAMP)

web/app/dist/index.html: $(WEB_STAMP) $(WEB_SOURCES)
	@echo "==> building the web app (vite build)"
	cd web/app && npx vite build --logLevel warn

web-build: web/app/dist/index.html

# Regenerate web/app/src/api/{openapi.yaml,schema.d.ts} after changing an endpoint; commit both.
web-types: install web-install
	BIN=$(BIN) scripts/web_types.sh

web-types-check: install web-install
	BIN=$(BIN) scripts/web_types.sh --check

# Type check, lint (ESLint + Prettier) and unit tests of the client.
web-check: web-install web-types-check
	cd web/app && npm run --silent typecheck && npm run --silent lint && npm run --silent test
	cd web/e2e && npx tsc -p .

# Debian's Chromium for the end-to-end tests (CI runs as root); Playwright never downloads one.
chromium:
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)

# docs/img/app-chats.png from a running `make run` (PLAZA_URL, default http://127.0.0.1:$(PORT)).
web-screenshot: web-install chromium
	cd web/e2e && PLAZA_URL=$${PLAZA_URL:-http://127.0.0.1:$(PORT)} CHROMIUM=$(CHROMIUM) node screenshot.mjs

web-e2e: install web-build chromium check-services
	cd web/e2e && DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  PLAZA_PYTHON=$(abspath $(BIN))/python CHROMIUM=$(CHROMIUM) npx playwright test

run-services: install check-services
	DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(SERVICE_REDIS_URL) BIN=$(BIN) scripts/run_services.sh

check-services: install
	@DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(BIN)/python scripts/check_services.py

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

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
test: install check-services lint migrations-check audit web-check
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	$(MAKE) web-e2e

# A deeper schemathesis sweep than the one `make test` runs (same checks, more examples).
fuzz: install check-services
	$(TEST_ENV) FUZZ_MAX_EXAMPLES=50 FUZZ_OTHER_ROLE_EXAMPLES=10 $(BIN)/pytest tests/superapp/api

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache web/node_modules web/app/dist

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

.PHONY: install system-packages run run-services test test-embedded fuzz lint format check-services \
  migrations-check audit bench clean media-tools \
  web-install web-build web-types web-types-check web-sdk-check web-check web-e2e web-screenshot \
  web-screenshot-miniprogram chromium

# The live video media server (docs/live.md, "Video"): Debian's nginx with its RTMP module, and
# ffmpeg (replays; the system tests push with it). Installed with apt when missing (CI is a
# fresh Debian machine, as root; elsewhere through sudo).
MEDIA_PACKAGES := nginx libnginx-mod-rtmp ffmpeg
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)


# --- The web app (web/, docs/web.md) ----------------------------------------------------------
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
WEB_STAMP := web/node_modules/.installed-$(shell cksum < web/package-lock.json | cut -d' ' -f1)
WEB_SOURCES := $(shell find web/app/src web/app/build web/app/public web/app/index.html web/app/vite.config.ts -type f 2>/dev/null)
# plaza-sdk (web/sdk): its wire-format types are shared with the app and the storefront.
SDK_SOURCES := $(shell find web/sdk/src web/sdk/vite.config.ts -type f -not -name '*.test.ts' 2>/dev/null)
# The storefront mini-program (web/storefront, docs/shop.md) also reads the app's API types and
# its order status names.
STOREFRONT_SOURCES := $(shell find web/storefront/src web/storefront/public web/storefront/index.html \
  web/storefront/vite.config.ts web/app/src/api/schema.d.ts web/app/src/i18n/orderStatus.ts -type f 2>/dev/null)

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

run: install web-build
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/python manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/python manage.py storefront_release
	@echo "==> Plaza on http://127.0.0.1:$(PORT)  (log in as alice / plaza-demo-pass; API docs: http://127.0.0.1:$(PORT)/api/docs/)"
	@echo "==> live shows play external stream URLs only here: no media server (RTMP ingest, HLS, replays) in this mode; make run-services starts one"
	env -u DATABASE_URL -u REDIS_URL WEBHOOK_ALLOW_PRIVATE_NETWORKS=$${WEBHOOK_ALLOW_PRIVATE_NETWORKS:-1} \
	  PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
	  $(BIN)/uvicorn superapp.asgi:application --host 127.0.0.1 --port $(PORT)

# npm ci from the committed lock file, again only when it changes; never downloads browsers.
$(WEB_STAMP): web/package-lock.json
	@echo "==> installing the web app's packages (npm ci)"
	cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
	@rm -f web/node_modules/.installed-*
	@touch $@

web-install: $(WEB_STAMP)

web/app/dist/index.html: $(WEB_STAMP) $(WEB_SOURCES) $(SDK_SOURCES)
	@echo "==> building the web app (vite build)"
	cd web/app && npx vite build --logLevel warn

# Released as every shop's mini-program by seed_demo / `manage.py storefront_release`.
web/storefront/dist/index.html: $(WEB_STAMP) $(STOREFRONT_SOURCES) $(SDK_SOURCES)
	@echo "==> building the storefront mini-program (vite build)"
	cd web/storefront && npx vite build --logLevel warn

# plaza-sdk.js and its typings, built from web/sdk (TypeScript) and committed: Django serves them.
miniprograms/static/plaza-sdk.js: $(WEB_STAMP) $(SDK_SOURCES)
	@echo "==> building plaza-sdk.js (web/sdk, vite library mode)"
	cd web/sdk && npx vite build --logLevel warn

web-build: miniprograms/static/plaza-sdk.js web/app/dist/index.html web/storefront/dist/index.html

# Fails when the committed plaza-sdk.js / plaza-sdk.d.ts differ from a fresh build of web/sdk.
web-sdk-check: web-install
	@out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	  (cd web/sdk && SDK_OUT_DIR=$$out npx vite build --logLevel warn) || exit 1; \
	  for file in plaza-sdk.js plaza-sdk.d.ts; do \
	    if ! diff -u miniprograms/static/$$file $$out/$$file >&2; then \
	      echo "web-sdk-check: miniprograms/static/$$file differs from a fresh build of web/sdk; run 'make web-build' and commit it" >&2; \
	      exit 1; \
	    fi; \
	  done; \
	  echo "web-sdk-check: the committed plaza-sdk.js and plaza-sdk.d.ts match web/sdk"

# Regenerate web/app/src/api/{openapi.yaml,schema.d.ts} after changing an endpoint; commit both.
web-types: install web-install
	BIN=$(BIN) scripts/web_types.sh

web-types-check: install web-install
	BIN=$(BIN) scripts/web_types.sh --check

# Type check, lint (ESLint + Prettier) and unit tests of the client.
web-check: web-install web-types-check web-sdk-check
	cd web/app && npm run --silent typecheck && npm run --silent lint && npm run --silent test
	cd web/storefront && npm run --silent typecheck && npm run --silent lint && npm run --silent test
	cd web/sdk && npm run --silent typecheck && npm run --silent lint && npm run --silent test
	cd web/e2e && npx tsc -p . && npm run --silent lint

# Debian's Chromium for the end-to-end tests (CI runs as root); Playwright never downloads one.
# With a colour emoji font: a person's emoji (the chat's quick picker, messages) are drawn as on
# their phone, in the browser tests and the screenshots too, not as empty boxes.
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
chromium:
	@test -x $(CHROMIUM) -a -e $(EMOJI_FONT) || \
		(apt-get update -qq && apt-get install -y -qq chromium fonts-noto-color-emoji)

# docs/img/app-chats.png from a running `make run` (PLAZA_URL, default http://127.0.0.1:$(PORT)).
web-screenshot: web-install chromium
	cd web/e2e && PLAZA_URL=$${PLAZA_URL:-http://127.0.0.1:$(PORT)} CHROMIUM=$(CHROMIUM) node screenshot.mjs

# docs/miniprogram-guide.md's screenshots: a DEBUG Plaza with the demo data and the coffee server.
web-screenshot-miniprogram: web-install chromium
	cd web/e2e && PLAZA_URL=$${PLAZA_URL:-http://127.0.0.1:$(PORT)} CHROMIUM=$(CHROMIUM) node miniprogram-screenshots.mjs

web-e2e: install web-build chromium check-services
	cd web/e2e && DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  PLAZA_PYTHON=$(abspath $(BIN))/python CHROMIUM=$(CHROMIUM) npx playwright test

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
test: install check-services media-tools lint migrations-check audit web-check web-build
	$(TEST_ENV) $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-embedded
	$(MAKE) --no-print-directory web-e2e

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
# package), installed here if missing; bench/web.py needs the built app and Debian's Chromium.
bench: install check-services web-build chromium
	@command -v pgbench >/dev/null || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || \
	  { echo "==> installing pgbench (postgresql-client)"; \
	    apt-get update -q && apt-get install -y -q postgresql-client; }
	DATABASE_URL=$(SERVICE_DATABASE_URL) REDIS_URL=$(SERVICE_REDIS_URL) CHROMIUM=$(CHROMIUM) \
	  $(BIN)/python bench/run_all.py $(if $(QUICK),--quick)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm .pytest_cache .ruff_cache web/node_modules web/app/dist

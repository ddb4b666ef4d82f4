# comptoir — `make run` serves the demo shop, `make test` runs every test on Postgres.
SHELL := /bin/bash
PYTHON := $(shell scripts/find-python.sh)
VENV := .venv
# `make run` without STRIPE_SECRET_KEY serves card payments from the project's fake Stripe on this port.
FAKE_STRIPE_PORT ?= 12111
# `make run PORT=8001` serves the shop on another port; SHOP_BASE_URL (links in emails) and the fake Stripe's
# webhooks follow it.
PORT ?= 8000
PY := $(VENV)/bin/python
export DATABASE_URL_TEST ?= postgres://postgres:postgres@127.0.0.1:5432/comptoir

.PHONY: run test audit bench mutation lint messages css clean check-python

check-python:
	@test -n "$(PYTHON)" || { scripts/find-python.sh; exit 1; }

$(VENV)/.installed-run: requirements.txt | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed-run
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# make run's web server and job runner share one page cache, kept in the SQLite database itself, so stock released
# by a job shows at once on the pages the web server cached (CACHE_URL in the environment overrides it).
run: export CACHE_URL ?= dbcache://comptoir_cache
run: $(VENV)/.installed-run
	@scripts/ensure-secret-key.sh
	@scripts/ensure-pdf-libs.sh || echo "Could not install Pango: the shop runs, its PDF downloads will not."
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "comptoir is at http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/, admin / admin)"
	@echo "Periodic jobs (outbox sweep, unpaid card orders, refunds, reminders, backorders, customer scores) run beside it: http://127.0.0.1:$(PORT)/admin/jobs/jobrun/"
	@if [ -z "$$STRIPE_SECRET_KEY" ]; then echo "Card payments go to the local fake Stripe: card 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined."; fi
	@export SHOP_BASE_URL=$${SHOP_BASE_URL:-http://127.0.0.1:$(PORT)}; pids=; \
	if [ -z "$$STRIPE_SECRET_KEY" ]; then \
	  export STRIPE_SECRET_KEY=sk_test_comptoir_demo STRIPE_WEBHOOK_SECRET=whsec_comptoir_demo \
	         STRIPE_API_BASE=http://127.0.0.1:$(FAKE_STRIPE_PORT); \
	  $(PY) manage.py fake_stripe --port $(FAKE_STRIPE_PORT) \
	    --webhook-url http://127.0.0.1:$(PORT)/payments/stripe/webhook/ & pids=$$!; \
	fi; \
	$(PY) manage.py run_jobs & pids="$$pids $$!"; \
	trap 'kill $$pids 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# axe-core (accessibility checks injected into the browser tests) and vnu-jar (the Nu HTML checker, run with Java on
# every page the browser tests receive) come from the npm registry.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || scripts/ensure-services.sh
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The whole suite twice: on PostgreSQL (what a production shop runs) and on SQLite (what `make run` and everyone
# trying comptoir first runs). On SQLite only tests marked `postgres` or `concurrency` (row-lock races, full-text
# search) are skipped, and each run prints how many. `make test TEST_DATABASES=sqlite` runs one of them.
TEST_DATABASES ?= postgres sqlite
test: $(VENV)/.installed-dev node_modules/.installed
	@echo "=== The layers (import-linter: pyproject.toml) ==="
	$(VENV)/bin/lint-imports --no-cache --no-logo
	scripts/ensure-services.sh
	@failed=; for db in $(TEST_DATABASES); do \
	  case $$db in \
	    postgres) url=$(DATABASE_URL_TEST) ;; \
	    sqlite) url=sqlite:///$(CURDIR)/.test-db.sqlite3 ;; \
	    *) echo "TEST_DATABASES: postgres and/or sqlite, not $$db" >&2; exit 2 ;; \
	  esac; \
	  echo "=== The test suite on $$db ==="; \
	  DATABASE_URL=$$url REDIS_URL=redis://127.0.0.1:6379/0 $(VENV)/bin/pytest $(PYTEST_ARGS) || failed="$$failed $$db"; \
	done; \
	if [ -n "$$failed" ]; then echo "=== FAILED on:$$failed ===" >&2; exit 1; fi; echo "=== Passed on: $(TEST_DATABASES) ==="

bench: $(VENV)/.installed-dev
	scripts/ensure-services.sh
	$(PY) bench/run.py

# Mutation testing (cosmic-ray) of the modules holding the rules on money, stock, an order's state and an email's
# delivery (mutation/modules.toml): each mutant runs the tests that reach it; survivors are listed per module.
# Not part of `make test` (see the README for how long it takes). `make mutation MODULES="core/money.py
# orders/services/pricing.py"` narrows it, JOBS=1 runs one worker (default: one per CPU); the report stays in
# .mutation/report.txt.
mutation: $(VENV)/.installed-dev
	scripts/ensure-services.sh
	$(PY) mutation/run.py $(if $(JOBS),--jobs $(JOBS)) $(MODULES)

# Bootstrap's CSS cut down to the classes the shop's templates, forms and template tags use (PurgeCSS, configured in
# purgecss.config.cjs), written to static/css/bootstrap.css, which is committed. Run it after using a new Bootstrap
# class; tests/test_bytes.py fails when a page carries a class the built file lacks.
css: node_modules/.installed $(VENV)/.installed-run
	npx --no-install purgecss --config purgecss.config.cjs
	sed -i '1s|^@charset "UTF-8";|&/* Built by `make css` (purgecss.config.cjs) from the bootstrap npm package: do not edit. */|' static/css/bootstrap.css

# Lighthouse (npm `lighthouse`, Debian's Chromium) on the demo shop: home, a category, a product, the cart and
# checkout with an item, help, in English and French. Prints the scores; fails under 100 in accessibility or best
# practices, or in SEO on a page search engines may index (scripts/audit.py). Not part of `make test` (4 minutes).
audit: $(VENV)/.installed-run node_modules/.installed
	$(PY) scripts/audit.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

messages: $(VENV)/.installed-run
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=bench --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) staticfiles .test-media node_modules

# comptoir — `make run` serves the demo shop, `make test` runs every test on Postgres.
SHELL := /bin/bash
PYTHON := $(shell scripts/find-python.sh)
VENV := .venv
# `make run` without STRIPE_SECRET_KEY serves card payments from the project's fake Stripe on this port.
FAKE_STRIPE_PORT ?= 12111
PY := $(VENV)/bin/python
export DATABASE_URL_TEST ?= postgres://postgres:postgres@127.0.0.1:5432/comptoir

.PHONY: run test bench lint messages clean check-python

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

run: $(VENV)/.installed-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v0
	@echo "comptoir is at http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/, admin / admin)"
	@if [ -z "$$STRIPE_SECRET_KEY" ]; then echo "Card payments go to the local fake Stripe: card 4242 4242 4242 4242 pays, 4000 0000 0000 0002 is declined."; fi
	@if [ -n "$$STRIPE_SECRET_KEY" ]; then exec $(PY) manage.py runserver 127.0.0.1:8000; fi; \
	export STRIPE_SECRET_KEY=sk_test_comptoir_demo STRIPE_WEBHOOK_SECRET=whsec_comptoir_demo \
	       STRIPE_API_BASE=http://127.0.0.1:$(FAKE_STRIPE_PORT); \
	$(PY) manage.py fake_stripe --port $(FAKE_STRIPE_PORT) --webhook-url http://127.0.0.1:8000/payments/stripe/webhook/ & \
	fake=$$!; trap 'kill $$fake 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

# axe-core (accessibility checks injected into the browser tests) comes from the npm registry.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || scripts/ensure-services.sh
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed-dev node_modules/.installed
	scripts/ensure-services.sh
	DATABASE_URL=$(DATABASE_URL_TEST) REDIS_URL=redis://127.0.0.1:6379/0 $(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	scripts/ensure-services.sh
	$(PY) bench/run.py
	$(PY) bench/orders.py
	DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/comptoir_bench $(PY) bench/search.py

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .

messages: $(VENV)/.installed-run
	$(PY) manage.py makemessages -l fr --ignore=.venv --ignore=bench --ignore=node_modules
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) staticfiles .test-media node_modules

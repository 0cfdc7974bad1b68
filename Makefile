# pomochi — two commands: `make run` serves the demo community, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
SERVE_HOST ?= 0.0.0.0

.PHONY: setup run serve stop test lint format e2e-deps a11y-deps bench-deps bench

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "pomochi needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## setup: virtualenv, pinned dependencies, database migrations (quick when nothing changed)
setup: $(STAMP)
	$(BIN)/pomochi migrate --noinput -v 0
	$(BIN)/pomochi collectstatic --noinput -v 0

## run: set up, load the demo village if absent, serve http://$(HOST):$(PORT)
run: setup
	$(BIN)/pomochi seed_demo --if-absent
	DEBUG=$${DEBUG:-1} $(BIN)/pomochi runserver $(HOST):$(PORT)

## serve: set up, then serve your own community in the background (gunicorn, DEBUG off, plain
## HTTP on the village network, data in ./data/); `make stop` stops it. No demo is loaded.
serve: setup
	HOST=$(SERVE_HOST) PORT=$(PORT) BIN=$(BIN) scripts/laptop.sh start

stop:
	BIN=$(BIN) scripts/laptop.sh stop

## test: set up, then every test (browser tests included when chromium can be had)
test: setup e2e-deps a11y-deps bench-deps
	$(BIN)/python -m pytest

# Debian's chromium for the Playwright browser tests, and GNU gettext for the test that every
# string in the code is in the Russian catalogue; installed only when missing and root.
e2e-deps:
	@if [ -x /usr/bin/chromium ] && command -v xgettext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and gettext for the tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium gettext >/dev/null) \
		|| echo "WARNING: could not install chromium or gettext; their tests will be skipped"; \
	else echo "WARNING: chromium or gettext is missing and we are not root: their tests will be skipped"; fi

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

# axe-core (npm, pinned in package-lock.json) for the browser tests' accessibility check;
# Debian's npm is installed when missing and root.
AXE := node_modules/axe-core/axe.min.js
a11y-deps: $(AXE)

$(AXE): package.json package-lock.json
	@if ! command -v npm >/dev/null && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's npm for the accessibility tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null) \
		|| echo "WARNING: could not install npm; the accessibility tests will be skipped"; \
	fi
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $(AXE); \
	else echo "WARNING: npm is missing; the accessibility tests will be skipped"; fi

# Mesa, for the simulator's benchmark and the test that our model survives as Mesa's does
bench-deps: $(STAMP)
	$(BIN)/python -c 'import mesa' 2>/dev/null || $(BIN)/python -m pip install --quiet -e '.[bench]'

bench: setup bench-deps
	$(BIN)/python benchmarks/ledger.py
	$(BIN)/python benchmarks/allocation.py
	$(BIN)/python benchmarks/rounds.py
	$(BIN)/python benchmarks/sim.py

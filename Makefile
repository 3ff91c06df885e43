# ConflictKG: make install | make run | make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
STORE  ?= ./kg-store

.PHONY: install run test test-fast lint serve clean lock bench bench-tools bench-http bench-scale web chromium virtuoso test-virtuoso wheel screenshots

install: $(STAMP) web

## browser libraries for the pages (YASGUI, Cytoscape) into node_modules/, pinned by package-lock.json
web: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## the browser the page tests drive (Debian's chromium; never `playwright install`)
chromium:
	@test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

## build the graph from the bundled sample articles and serve it on http://$(HOST):$(PORT)
run: install
	$(BIN)/kg ingest samples --published 2024-07-24 --store $(STORE)
	$(BIN)/kg serve --store $(STORE) --host $(HOST) --port $(PORT)

## a wheel in dist/ that carries the ontology, shapes and the web files the pages serve (kg/resources.py)
wheel: install
	$(BIN)/python scripts/stage_resources.py
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps -w dist .

## the README's pictures (docs/img/*.png), from samples/ and docs/img/articles/ only, in Chromium
screenshots: install chromium
	$(BIN)/python scripts/screenshots.py

## the whole test suite, after the linter and the type checker
test: install chromium virtuoso lint
	$(BIN)/python -m pytest -q

## the fast tier: mechanisms and units, no model, no server, no subprocess (tests/conftest.py marks the rest
## slow and does not import their modules); no third-party pytest plugin is needed there, so none is loaded
test-fast: install
	PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 $(BIN)/python -m pytest -q -m "not slow"

## ruff (rules in pyproject.toml) on the code and tests, mypy on the packages: both must be clean
lint: install
	$(BIN)/ruff check kg api tests bench
	$(BIN)/mypy kg api

## Debian's Virtuoso (virtuoso-opensource 7.2), the second SPARQL server of the remote-store tests
virtuoso:
	@command -v virtuoso-t >/dev/null && command -v isql-vt >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource; }

## just the remote-store tests against Virtuoso (the tests start and stop it on 127.0.0.1 and free ports)
test-virtuoso: install virtuoso
	$(BIN)/python -m pytest -q tests/test_remote.py -k virtuoso

bench: install
	$(BIN)/python bench/ingest.py

## wrk (Debian's package), the load generator of bench/sparql_http.py and bench/scale.py
bench-tools:
	@command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; }

## /sparql of kg serve against the Oxigraph server on the same data (bench/sparql_http.py)
bench-http: install bench-tools
	$(BIN)/python bench/sparql_http.py

## routes and pages on stores of 30 to 3,000 articles (bench/scale.py --sizes 30,300,3000,30000 for all)
bench-scale: install bench-tools
	$(BIN)/python bench/scale.py --sizes 30,300,3000

## regenerate requirements.lock from pyproject.toml (needs the registry)
lock:
	rm -rf /tmp/kg-lock-venv && $(PYTHON) -m venv /tmp/kg-lock-venv
	/tmp/kg-lock-venv/bin/pip install --quiet -e '.[dev]'
	/tmp/kg-lock-venv/bin/pip freeze --exclude-editable | grep -v '^conflict-kg' > requirements.lock

clean:
	rm -rf $(VENV) $(STORE) .pytest_cache

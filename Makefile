# fredpipe — `make demo` runs the product on embedded defaults; `make test` runs every suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NPM_STAMP := client/node_modules/.installed
UV_VERSION := 0.13.9
# pytest-xdist workers: most of the suite waits on MariaDB, dbt and server subprocesses, so
# four workers keep two cores busy. Each test file runs whole on one worker (module fixtures
# such as the dbt builds are made once). PYTEST_WORKERS=0 runs in-process, one test at a time.
PYTEST_WORKERS ?= 4

.PHONY: help venv client-deps client demo test lint test-python test-client lock schema clean bench-ingest bench-dbt bench-forecast screenshots

help:
	@echo "make demo   set up, run the pipeline on demo data, serve http://127.0.0.1:8000"
	@echo "make test   set up and run every test suite (Python + client)"
	@echo "make lint   ruff + mypy;  make lock  re-pin Python dependencies"

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync --quiet -p $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet -p $(BIN)/python --no-deps -e .
	touch $(STAMP)

client-deps: $(NPM_STAMP)

$(NPM_STAMP): client/package.json client/package-lock.json
	cd client && npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

client: client-deps
	cd client && npm run build

demo: venv client
	$(BIN)/fredpipe demo

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test-python: venv client
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile

test-client: client-deps
	cd client && npm test

test: lint test-client test-python

lock: venv
	$(BIN)/uv pip compile pyproject.toml --extra dev -p 3.11 -o requirements.lock

schema: venv
	$(BIN)/python -m graphql_api.export_schema > client/schema.graphql

bench-ingest: venv
	$(BIN)/python bench/ingest_bulk.py --repeat 3

# dbt build, full and after one new day, on the catalog's real history (FREDPIPE_REAL_DATA_DIR)
# and 1,000,000 synthetic rows; MariaDB too when FREDPIPE_TEST_MYSQL_URL is set.
bench-dbt: venv
	$(BIN)/python -m bench.dbt_build --repeat 3

# the whole forecast run (backtests, selection, final fits) on the catalog's real history
# (FREDPIPE_REAL_DATA_DIR): accuracy vs seasonal naive, interval coverage, wall time
bench-forecast: venv
	$(BIN)/python -m bench.forecast --repeat 3

# the README's screenshot of each dashboard view, from the demo data (bench/screenshots.py)
screenshots: venv client
	$(BIN)/python -m bench.screenshots

clean:
	rm -rf $(VENV) data client/node_modules client/dist transforms/target transforms/logs

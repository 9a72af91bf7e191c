# machikpi — the two commands a user needs: `make demo` and `make test`.
# Each bootstraps its own virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint types pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/machikpi demo

# Prints how long the whole run took (issue 10: under 5 minutes on 2 cores).
test: $(STAMP)
	@start=$$(date +%s); status=0; \
	$(MAKE) lint types pytest || status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s in total (lint, types, pytest on SQLite and PostgreSQL)"; \
	exit $$status

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy

# The database tests (marker db) run on SQLite first, then again on PostgreSQL; the browser
# tests (pages and flows in Chromium: what they store is checked by the db tests on both
# databases) and schemathesis (the API's schema) do not depend on the database and run once.
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
# Each run is spread over PYTEST_JOBS processes (pytest-xdist), one test file per process at a
# time; each process has its own SQLite file or PostgreSQL schema (tests/storage_db.py), its own
# server and browser. PYTEST_JOBS=0 runs in one process.
PYTEST_JOBS ?= 2
PYTEST_PARALLEL = -n $(PYTEST_JOBS) --dist loadfile

pytest: $(STAMP)
	$(BIN)/pytest $(PYTEST_PARALLEL)
	MACHIKPI_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(PYTEST_PARALLEL) -m db --ignore=tests/browser --ignore=tests/test_api_schemathesis.py

bench: $(STAMP)
	$(BIN)/python bench/extract_throughput.py

clean:
	rm -rf $(VENV) demo .pytest_cache .mypy_cache .ruff_cache

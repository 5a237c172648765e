# Each target builds .venv on first use and re-installs when pyproject.toml or the lock changes,
# so `make demo` and `make test` work on a fresh machine that has only python3.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
# Bytecode compiled at install: with PYTHONDONTWRITEBYTECODE set (containers, CI) nothing else
# would write it, and every process would compile Prefect from source again.
INSTALL = $(UV) pip install --python $(BIN)/python --quiet --compile-bytecode -c requirements.lock

# The gallery tests drive Debian's Chromium through Playwright; Playwright never downloads a browser.
CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint bench load lock clean

demo: $(VENV)/.stamp-base
	$(BIN)/paletteflow demo

test: $(VENV)/.stamp-test $(CHROMIUM)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.stamp-bench
	$(BIN)/python -m benchmarks.recolor
	$(BIN)/python -m benchmarks.recolor_human
	$(BIN)/python -m benchmarks.svg
	$(BIN)/python -m benchmarks.encoding
	$(BIN)/python -m benchmarks.pipeline
	$(BIN)/python -m benchmarks.prefect_overhead
	$(BIN)/python -m benchmarks.palettes
	$(BIN)/python -m benchmarks.startup

# Too slow for `make bench`: 50 runs at once, then 200 inbox requests, on SQLite and on PostgreSQL
# (Debian's postgresql, installed here when missing; the benchmark starts its own throwaway cluster).
load: $(VENV)/.stamp-bench
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql; }
	$(BIN)/python -m benchmarks.load

lock: $(UV)
	$(UV) pip compile pyproject.toml --all-extras --universal --python-version 3.11 --quiet -o requirements.lock

$(CHROMIUM):
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.4,<1"

$(VENV)/.stamp-base: pyproject.toml requirements.lock | $(UV)
	$(INSTALL) -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml requirements.lock | $(UV)
	$(INSTALL) -e ".[test,dask,aws]"
	touch $@

$(VENV)/.stamp-bench: pyproject.toml requirements.lock | $(UV)
	$(INSTALL) -e ".[test,bench]"
	touch $@

clean:
	rm -rf $(VENV) paletteflow-output bench-results test-artifacts

# SPDX-License-Identifier: EUPL-1.2
#
# make venv          create/refresh .venv from requirements.lock (+ the project, editable)
# make lock          recompile requirements.lock from requirements.in
# make demo          run the demo (embedded SQLite; needs nothing else)
# make test          ruff + pytest against real PostgreSQL and Kafka (started and stopped here)
# make lint          ruff check
# make bench         run every benchmarks/bench_*.py
# make services-up / services-down   start/stop the throwaway PostgreSQL and Kafka

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := venv

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
VENV := .venv
VPY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.vroegsignaal-installed
PG := scripts/services/postgres.sh
KAFKA := scripts/services/kafka.sh
PYTEST_ARGS ?=

.PHONY: venv lock demo test lint bench services-up services-down

venv: $(STAMP)

$(UV):
	@if ! $(VPY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
	    echo "creating $(VENV) with $(PYTHON)"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	@$(VPY) -m pip --version >/dev/null 2>&1 || $(VPY) -m ensurepip >/dev/null
	$(VPY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --python $(VPY) --compile-bytecode -r requirements.lock
	$(UV) pip install --python $(VPY) --no-deps -e .
	@touch $@

lock: | $(UV)
	$(UV) pip compile requirements.in --python-version 3.11 -o requirements.lock

demo: venv
	$(VENV)/bin/vroegsignaal demo

lint: venv
	$(VENV)/bin/ruff check .

bench: venv
	@status=0; for f in benchmarks/bench_*.py; do \
	    [[ -e "$$f" ]] || { echo "no benchmarks/bench_*.py"; break; }; \
	    echo "== $$f"; $(VPY) "$$f" || status=$$?; \
	done; exit $$status

services-up:
	$(PG) start
	$(KAFKA) start

services-down:
	$(KAFKA) stop
	$(PG) stop

# Services already running before `make test` stay running; the ones started
# here are stopped afterwards, also when a step fails. The exit code is
# pytest's when it fails, else ruff's.
test: venv
	@pg_started=0; kafka_started=0; \
	cleanup() { \
	    if [[ $$kafka_started == 1 ]]; then $(KAFKA) stop || true; fi; \
	    if [[ $$pg_started == 1 ]]; then $(PG) stop || true; fi; \
	}; \
	trap cleanup EXIT; \
	if ! $(PG) status >/dev/null 2>&1; then pg_started=1; $(PG) start; fi; \
	if ! $(KAFKA) status >/dev/null 2>&1; then kafka_started=1; $(KAFKA) start; fi; \
	ruff_rc=0; $(VENV)/bin/ruff check . || ruff_rc=$$?; \
	pytest_rc=0; \
	VROEGSIGNAAL_TEST_POSTGRES_URL="$$($(PG) url)" \
	VROEGSIGNAAL_TEST_KAFKA_BOOTSTRAP="$$($(KAFKA) bootstrap)" \
	    $(VPY) -m pytest $(PYTEST_ARGS) || pytest_rc=$$?; \
	if [[ $$pytest_rc != 0 ]]; then exit $$pytest_rc; fi; \
	exit $$ruff_rc

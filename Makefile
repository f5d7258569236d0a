# SPDX-License-Identifier: EUPL-1.2
#
# make venv          create/refresh .venv from requirements.lock (+ the project, editable),
#                    and the web assets
# make web-assets    npm ci from package-lock.json (when it changed) and copy the pages'
#                    CSS/JS/fonts into api/static/vendor/ (generated, git-ignored; no CDN)
# make lock          recompile requirements.lock from requirements.in
# make demo          run the demo (embedded SQLite; needs nothing else), then serve the web
#                    app on http://127.0.0.1:8000 until Ctrl-C; SERVE=0 stops before serving
# make test          ruff + mypy (vroegsignaal/) + pytest against real PostgreSQL, Kafka and
#                    Keycloak (started and stopped here) and a real Chromium (Debian's,
#                    installed when missing)
# make lint          ruff check and mypy
# make bench         run every benchmarks/bench_*.py
# make services-up / services-down   start/stop the throwaway PostgreSQL, Kafka and Keycloak

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
KEYCLOAK := scripts/services/keycloak.sh
WEB_ASSETS := scripts/web-assets.sh
NPM_STAMP := node_modules/.vroegsignaal-installed
VENDOR_STAMP := api/static/vendor/.copied
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=

.PHONY: venv web-assets weasyprint-libs lock demo test lint bench services-up services-down

venv: $(STAMP) web-assets

$(UV):
	@if ! $(VPY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
	    echo "creating $(VENV) with $(PYTHON)"; rm -rf $(VENV); $(PYTHON) -m venv $(VENV); fi
	@$(VPY) -m pip --version >/dev/null 2>&1 || $(VPY) -m ensurepip >/dev/null
	$(VPY) -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): requirements.lock pyproject.toml | $(UV)
	$(UV) pip install --python $(VPY) --compile-bytecode -r requirements.lock
	$(UV) pip install --python $(VPY) --no-deps -e .
	@touch $@

web-assets: $(VENDOR_STAMP)

$(NPM_STAMP): package.json package-lock.json
	$(WEB_ASSETS) install
	@touch $@

$(VENDOR_STAMP): $(NPM_STAMP) $(WEB_ASSETS)
	$(WEB_ASSETS) vendor
	@touch $@

# Debian's Chromium for the browser tests (Playwright drives it; it cannot download
# browsers of its own here). Installed only when missing; needs root.
$(CHROMIUM):
	@[[ $$(id -u) == 0 ]] || { echo "$(CHROMIUM) missing: apt-get install chromium (as root)"; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-liberation

# WeasyPrint (offer letters as PDF) needs Pango and HarfBuzz from Debian; installed only
# when missing (needs root), like Chromium.
WEASYPRINT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
weasyprint-libs:
	@if ! /sbin/ldconfig -p | grep 'libpangoft2-1.0.so.0' >/dev/null; then \
	    [[ $$(id -u) == 0 ]] || { echo "Pango missing: apt-get install $(WEASYPRINT_DEBS) (as root)"; exit 1; }; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(WEASYPRINT_DEBS); \
	fi

lock: | $(UV)
	$(UV) pip compile requirements.in --python-version 3.11 -o requirements.lock

SERVE ?= 1
demo: venv weasyprint-libs
	$(VENV)/bin/vroegsignaal demo $(if $(filter 0,$(SERVE)),--no-serve,--serve)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: venv
	@status=0; for f in benchmarks/bench_*.py; do \
	    [[ -e "$$f" ]] || { echo "no benchmarks/bench_*.py"; break; }; \
	    echo "== $$f"; $(VPY) "$$f" || status=$$?; \
	done; exit $$status

services-up:
	$(PG) start
	$(KAFKA) start
	$(KEYCLOAK) start

services-down:
	$(KEYCLOAK) stop
	$(KAFKA) stop
	$(PG) stop

# Services already running before `make test` stay running; the ones started
# here are stopped afterwards, also when a step fails. Keycloak (the slowest, ~15-45 s;
# 1-2 min on a fresh machine) starts in the background while the others start and the
# first tests run; its pytest fixture waits for the realm. The exit code is pytest's
# when it fails, else Keycloak's start's, else ruff's, else mypy's (the core
# package, pyproject.toml).
test: venv $(CHROMIUM) weasyprint-libs
	@pg_started=0; kafka_started=0; keycloak_started=0; keycloak_pid=; \
	cleanup() { \
	    if [[ -n $$keycloak_pid ]]; then wait $$keycloak_pid || true; fi; \
	    if [[ $$keycloak_started == 1 ]]; then $(KEYCLOAK) stop || true; fi; \
	    if [[ $$kafka_started == 1 ]]; then $(KAFKA) stop || true; fi; \
	    if [[ $$pg_started == 1 ]]; then $(PG) stop || true; fi; \
	}; \
	trap cleanup EXIT; \
	if ! $(KEYCLOAK) status >/dev/null 2>&1; then \
	    keycloak_started=1; $(KEYCLOAK) start & keycloak_pid=$$!; fi; \
	if ! $(PG) status >/dev/null 2>&1; then pg_started=1; $(PG) start; fi; \
	if ! $(KAFKA) status >/dev/null 2>&1; then kafka_started=1; $(KAFKA) start; fi; \
	ruff_rc=0; $(VENV)/bin/ruff check . || ruff_rc=$$?; \
	mypy_rc=0; $(VENV)/bin/mypy || mypy_rc=$$?; \
	pytest_rc=0; \
	VROEGSIGNAAL_TEST_POSTGRES_URL="$$($(PG) url)" \
	VROEGSIGNAAL_TEST_KAFKA_BOOTSTRAP="$$($(KAFKA) bootstrap)" \
	VROEGSIGNAAL_TEST_KEYCLOAK_ISSUER="$$($(KEYCLOAK) url)" \
	    $(VPY) -m pytest $(PYTEST_ARGS) || pytest_rc=$$?; \
	if [[ $$pytest_rc != 0 ]]; then exit $$pytest_rc; fi; \
	if [[ -n $$keycloak_pid ]]; then \
	    wait $$keycloak_pid || { echo "Keycloak did not start" >&2; exit 1; }; keycloak_pid=; fi; \
	if [[ $$ruff_rc != 0 ]]; then exit $$ruff_rc; fi; \
	exit $$mypy_rc

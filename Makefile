# Two commands on a fresh Debian machine: `make serve` (build the graph and serve it) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
KG := $(VENV)/bin/kg
STAMP := $(VENV)/.installed
WEB_STAMP := api/static/dist/.built
WEB_SOURCES := web/package.json web/package-lock.json web/build.mjs $(wildcard web/src/*)

.PHONY: setup serve test lint format bench check-kg docs clean chromium java

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Front-end libraries come from npm at build time; the bundle goes to api/static/dist/ (not committed).
$(WEB_STAMP): $(WEB_SOURCES)
	npm ci --prefix web --no-audit --no-fund
	npm run build --prefix web
	touch $(WEB_STAMP)

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser). Installing it takes root;
# without root, KG_CHROMIUM names another Chromium, or the browser tests are skipped and counted in the summary.
chromium:
	@if [ -n "$$KG_CHROMIUM" ] || [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
	  echo "note: no Chromium, and installing it needs root (sudo apt-get install chromium); the browser tests" \
	    "will be skipped. Set KG_CHROMIUM=/path/to/chromium to use another one." >&2; \
	fi

# `kg validate --reason` and `kg build --reason` run HermiT on Java, found at KG_JAVA (default /usr/bin/java, never
# on PATH). Installing Debian's runtime takes root; without root, a note says how, and those checks say it too.
java:
	@if [ -n "$$KG_JAVA" ] || [ -x /usr/bin/java ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; \
	else \
	  echo "note: no Java at /usr/bin/java, and installing it needs root (sudo apt-get install" \
	    "default-jre-headless); kg validate --reason will say so. Set KG_JAVA=/path/to/java to use another one." >&2; \
	fi

setup: $(STAMP) $(WEB_STAMP) java

serve: setup
	$(KG) serve

test: setup chromium
	npm test --prefix web
	$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "error: no tests ran" >&2; exit 1; fi; exit $$rc

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && npm run lint --prefix web

format: setup
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix . && npm run format --prefix web

check-kg: setup
	$(KG) validate

# README's tables of commands and settings, generated from the Typer app and kg/settings.py by
# docs/readme_tables.py; tests/test_readme_tables.py fails when README differs from what this writes.
docs: setup
	$(VENV)/bin/cog -r -I docs README.md
	$(VENV)/bin/kg build && $(VENV)/bin/kg coverage --write

bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/run.py

clean:
	rm -rf var .pytest_cache

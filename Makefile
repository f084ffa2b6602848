# Two commands on a fresh Debian machine: `make serve` (build the graph and serve it) and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
KG := $(VENV)/bin/kg
STAMP := $(VENV)/.installed

.PHONY: setup serve test lint format bench check-kg clean

$(PY):
	python3 -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

serve: setup
	$(KG) serve

test: setup
	$(PY) -m pytest; rc=$$?; if [ $$rc -eq 5 ]; then echo "error: no tests ran" >&2; exit 1; fi; exit $$rc

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

check-kg: setup
	$(KG) validate

bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/run.py

clean:
	rm -rf var .pytest_cache

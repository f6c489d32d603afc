# call insights: one entry point. `make demo` to see it work, `make test` to prove it.
# Every target installs what it needs first (idempotent): `make help` lists them.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Stamps named after a hash of what they install, so a changed file (not a touched one) reinstalls.
REQ_HASH := $(shell cat requirements.txt requirements-local.txt | sha256sum | cut -c1-16)
NODE_HASH := $(shell cat package.json | sha256sum | cut -c1-16)
REQ_STAMP := $(VENV)/.installed-$(REQ_HASH)
NODE_STAMP := node_modules/.installed-$(NODE_HASH)

FILES ?=
CALL ?=
SET ?=
SEARCH ?=
FROM ?=
TO ?=
REVIEWER ?= $(USER)
PYTEST_ARGS ?=

.PHONY: help setup check-system demo up down status process list approve reject delete reextract reprocess review ui \
        screenshots test lint eval bench clean distclean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

setup: check-system $(REQ_STAMP) $(NODE_STAMP) local.settings.json  ## venv + npm packages + settings

check-system:
	@$(PYTHON) stack/system.py --browser

$(REQ_STAMP):
	@$(PYTHON) stack/system.py --build
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "setup: installing requirements-local.txt into $(VENV) (the first llama-cpp-python" \
	      "build compiles for ~15 min on 2 cores; pip caches the wheel)" >&2
	CMAKE_BUILD_PARALLEL_LEVEL=$$(nproc) $(PY) -m pip install --disable-pip-version-check \
	    -r requirements-local.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

$(NODE_STAMP):
	@# npm ci on a clean clone (exact lock); npm install keeps a node_modules that is in use
	@if [ -f package-lock.json ] && [ ! -d node_modules ]; then npm ci --no-audit --no-fund; \
	 else npm install --no-audit --no-fund; fi
	@rm -f node_modules/.installed-*
	@touch $@

local.settings.json:
	cp local.settings.example.json $@
	@echo "setup: wrote local.settings.json from local.settings.example.json" >&2

demo: setup  ## start the stack, process samples/, show the records, stop
	$(PY) -m stack demo

up: setup  ## start Azurite, the model server and the host in the background
	$(PY) -m stack up

down:  ## stop what `make up` started
	@if [ -x $(PY) ]; then $(PY) -m stack down; fi

status:  ## is the stack up?
	@$(PY) -m stack status

process: setup  ## make process FILES="a.wav b.mp3": one JSON line per call on stdout
	@if [ -z "$(FILES)" ]; then echo 'usage: make process FILES="a.wav b.mp3"' >&2; exit 2; fi
	@$(PY) -m stack process $(FILES)

list:  ## calls awaiting approval; all calls matching a search: make list SEARCH="--status '' --customer dana --flagged"
	@$(PY) -m stack list $(SEARCH)

review: setup  ## start the stack if needed and print the review page's URL (with the key)
	@$(PY) -m stack review

ui: review

approve:  ## make approve CALL=<id> [SET="city=Denver budget=3000"] [REVIEWER=name]
	@if [ -z "$(CALL)" ]; then echo 'usage: make approve CALL=<call id> [SET="field=value ..."]' >&2; exit 2; fi
	@$(PY) -m stack approve $(CALL) $(SET) --reviewer "$(REVIEWER)"

reject:  ## make reject CALL=<id> [REVIEWER=name]
	@if [ -z "$(CALL)" ]; then echo 'usage: make reject CALL=<call id>' >&2; exit 2; fi
	@$(PY) -m stack reject $(CALL) --reviewer "$(REVIEWER)"

delete:  ## make delete CALL=<id> [FORCE=1]: the call's recording, transcripts, record and history
	@if [ -z "$(CALL)" ]; then echo 'usage: make delete CALL=<call id> [FORCE=1]' >&2; exit 2; fi
	@$(PY) -m stack delete $(CALL) $(if $(FORCE),--force,)

reextract:  ## make reextract CALL=<id> (or FROM=YYYY-MM-DD TO=YYYY-MM-DD): extract again from the transcript
	@if [ -z "$(CALL)$(FROM)$(TO)" ]; then \
	  echo 'usage: make reextract CALL=<call id>, or FROM=<YYYY-MM-DD> TO=<YYYY-MM-DD>' >&2; exit 2; fi
	@$(PY) -m stack reextract $(CALL) $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO))

reprocess:  ## make reprocess CALL=<id>: run a call's whole pipeline again from its recording
	@if [ -z "$(CALL)" ]; then echo 'usage: make reprocess CALL=<call id>' >&2; exit 2; fi
	@$(PY) -m stack reprocess $(CALL)

screenshots: setup  ## the review page's screenshots in docs/screenshots/ (browser tests)
	SCREENSHOTS=1 $(PY) -m pytest -q tests/browser

test: setup  ## ruff, then the whole pytest suite (unit, services, end to end, browser)
	$(PY) -m ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup  ## ruff
	$(PY) -m ruff check .

eval: setup  ## extraction accuracy on the fixtures and the own call sets
	$(PY) bench/eval_extraction.py

bench: setup  ## every benchmark in bench/, figures on stdout
	@set -e; for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script; done

clean: down  ## remove local data, logs and caches (keeps .venv and node_modules)
	rm -rf .data .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path './.venv/*' -not -path './node_modules/*' \
	    -prune -exec rm -rf {} +

distclean: clean  ## also remove .venv and node_modules
	rm -rf $(VENV) node_modules

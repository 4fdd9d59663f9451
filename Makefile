# threadbot: `make demo` runs the main job on the local sandbox, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install sandbox browser lint bench clean

# A virtual environment with threadbot and its test tools; redone when pyproject.toml changes.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

# Node 22 and @atproto/dev-env for the local AT Protocol network (idempotent).
sandbox:
	bash scripts/sandbox/install.sh

# Start the sandbox, post the sample thread, archive it, serve it on http://127.0.0.1:8001
demo: install sandbox
	$(BIN)/python scripts/demo.py

# Debian's headless Chromium for the browser tier (tests/browser), which Playwright drives by
# its path: Playwright's own browser download cannot work here. Skipped once installed.
CHROMIUM := /usr/bin/chromium-headless-shell
browser:
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell; }
	@test -x $(CHROMIUM) || { echo "make browser: $(CHROMIUM) is missing after the install" >&2; exit 1; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install sandbox browser lint
	$(BIN)/pytest

bench: install sandbox
	$(BIN)/python scripts/bench/archive_thread.py

clean:
	rm -rf $(VENV) scripts/sandbox/node_modules scripts/sandbox/.node .pytest_cache .ruff_cache

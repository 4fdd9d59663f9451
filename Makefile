# threadbot: `make demo` runs the main job on the local sandbox, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install sandbox lint bench clean

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

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: install sandbox lint
	$(BIN)/pytest

bench: install sandbox
	$(BIN)/python scripts/bench/archive_thread.py

clean:
	rm -rf $(VENV) scripts/sandbox/node_modules scripts/sandbox/.node .pytest_cache .ruff_cache

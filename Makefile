# Two commands on a fresh machine with Python 3.11+:
#   make run    open the browser on the bundled case file
#   make test   lint, type-check, import contract and the whole test suite
# Both create .venv/ and install what they need themselves.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench system-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/casefiles

# Debian packages the tests drive: tmux (a real terminal), fzf (search comparison),
# vim (a real editor behind `casefiles edit`) and pandoc (the Markdown export).
SYSTEM_TOOLS := tmux fzf vim pandoc
system-deps:
	@missing=; for t in $(SYSTEM_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -n 2 -q

bench: $(STAMP) system-deps
	$(BIN)/python bench/store.py

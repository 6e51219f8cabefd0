# Everyday entry points. `make test` from a clean clone prepares everything it needs itself:
# system packages (scripts/setup-system.sh), the virtualenv, then lint and the test suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install, so the install reruns only when pyproject.toml changes.
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: venv setup lint test run clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

setup:
	bash scripts/setup-system.sh

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# slack_sdk honours HTTP(S)_PROXY and ignores NO_PROXY, so a proxy would capture the tests'
# loopback calls; Tesseract is several times slower on 2 cores without OMP_THREAD_LIMIT=1.
test: setup venv lint
	env -u HTTP_PROXY -u HTTPS_PROXY -u http_proxy -u https_proxy OMP_THREAD_LIMIT=1 \
		$(BIN)/pytest $(PYTEST_ARGS)

# The embedded desk: the sample mail is read, then the terminal chat opens (it ends at once
# when standard input is not a terminal, so `make run </dev/null` can be scripted).
run: setup venv
	$(BIN)/icdesk demo
	$(BIN)/icdesk chat

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis build *.egg-info
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

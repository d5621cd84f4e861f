# Two entry points for a fresh machine: `make demo` and `make test`.
# Each makes its own virtual environment in .venv on first use.
# `make test-fast` is the tier to run often: lint, types and every test not marked slow
# (no LibreOffice, Chromium, wheel build or fresh virtual environment).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= mkbcopy-output

.PHONY: demo test test-fast lint format bench bytecode clean messages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(MAKE) --no-print-directory bytecode
	touch $@

demo: $(VENV)/.installed
	$(BIN)/mkbcopy generate mkbcopy/data/example-brief.yaml --out $(OUT) --preview
	@echo "Open $(OUT)/index.html in a browser to review the drafts."

lint: $(VENV)/.installed
	$(BIN)/ruff check mkbcopy tests bench
	$(BIN)/ruff format --check mkbcopy tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest
	$(BIN)/python -m bench --smoke

# Both cores (pytest-xdist): the fast tier is the loop a developer runs often.
test-fast: lint
	$(BIN)/python -m pytest -m "not slow" -n 2

format: $(VENV)/.installed
	$(BIN)/ruff format mkbcopy tests bench
	$(BIN)/ruff check --fix mkbcopy tests bench

# Extract messages from the code, add new ones to the Dutch catalogue, compile it (.mo).
# Settings: [tool.babel.*] in pyproject.toml. Translate the empty msgstr lines, run again.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract
	$(BIN)/pybabel update
	$(BIN)/pybabel compile

bench: $(VENV)/.installed bytecode
	$(BIN)/python -m bench

# An editable install leaves mkbcopy's own modules uncompiled, and with
# PYTHONDONTWRITEBYTECODE set every run would compile them again: do it once, as
# installing a wheel does. Works whatever that variable says.
bytecode:
	$(BIN)/python -m compileall -q mkbcopy

clean:
	rm -rf $(VENV) $(OUT) dist build .pytest_cache .mypy_cache .ruff_cache

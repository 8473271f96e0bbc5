# Safeguarding Watch: every target sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test serve check bench fuzz clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: $(BIN)/.installed
	$(BIN)/site-builder build

check: $(BIN)/.installed
	$(BIN)/site-builder check

serve: $(BIN)/.installed
	$(BIN)/site-builder serve

test: $(BIN)/.installed-test
	bash tests/setup-browser.sh
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) output .cache

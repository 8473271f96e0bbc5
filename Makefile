# Safeguarding Watch: every target sets up what it needs first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test lint golden serve check bench bench-serve fuzz clean

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

# The tests run in two processes (pytest-xdist): most wait on Chromium, Java or a build.
test: lint
	bash tests/setup-browser.sh
	$(BIN)/python -m pytest -n 2

# Layout, lint and types: zero findings, or the tests do not run.
lint: $(BIN)/.installed-test
	$(BIN)/ruff check site_builder tests bench
	$(BIN)/ruff format --check site_builder tests bench
	$(BIN)/mypy --strict site_builder

# Rebuild tests/golden/minimal from tests/fixtures/minimal on purpose; review the diff.
golden: $(BIN)/.installed-test
	$(BIN)/python -m pytest tests/test_golden.py --update-golden -q

clean:
	rm -rf $(VENV) output .cache

# A long property-based search of check and build (tests/test_fuzz.py): FUZZ_SCALE times the
# inputs of `make test` (default 20). It prints how many inputs it tried; each failing input is
# kept in .cache/fuzz-failures/ to be copied into tests/fuzz_regressions/.
fuzz: $(BIN)/.installed-test
	HYPOTHESIS_PROFILE=long $(BIN)/python -m pytest tests/test_fuzz.py -q -s --hypothesis-show-statistics

# Our build and preview beside Hugo's on synthetic records (bench/run.py; figures in
# docs/performance.md). 100,000 records take long: make bench SIZES="1000 10000 100000"
# Builds only, without the previews' save-to-served times: make bench BENCH_FLAGS=--no-serve
SIZES ?= 1000 10000
RUNS ?= 3
BENCH_FLAGS ?=
bench: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py --sizes $(SIZES) --runs $(RUNS) $(BENCH_FLAGS)

# The live preview's save-to-served time (bench/serve_latency.py), on the default content or,
# after make bench, on a generated corpus: make bench-serve SERVE_CONTENT=bench/work/10000/content
SERVE_CONTENT ?= content
bench-serve: $(BIN)/.installed
	$(BIN)/python bench/serve_latency.py --content $(SERVE_CONTENT) --templates templates --runs $(RUNS)

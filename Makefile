# gongkai — make demo | make test | make bench
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test bench fuzz score clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/gongkai check examples/ ; test $$? -le 1
	@DB=$$(mktemp -d)/demo.duckdb && $(BIN)/gongkai ingest examples/ --db $$DB && $(BIN)/gongkai stats --db $$DB \
		&& rm -rf $$(dirname $$DB)

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python tools/bench.py

# Long mutation fuzz of every reader (text, html, docx, pdf, image): prints runs / crashes / hangs /
# peak memory; FUZZ_RUNS=… to change the count (a few hundred also run in `make test`).
FUZZ_RUNS ?= 10000
fuzz: $(STAMP)
	$(BIN)/python tools/fuzz.py --runs $(FUZZ_RUNS)

# Score against the shared real-report corpus (developers and CI only; a user's machine has no ../shared).
score: $(STAMP)
	$(PY) ../shared/tools/score.py --cmd '$(BIN)/gongkai parse {input} --json' --cases ../shared/corpus

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache

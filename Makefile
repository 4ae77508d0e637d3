# gongkai — make demo | make test | make bench
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo serve test test-fast bench fuzz score clean lean-size

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,web]'
	touch $(STAMP)

install: $(STAMP)

DEMO_DB ?= .demo/demo.duckdb
HOST ?= 127.0.0.1
PORT ?= 8000

# Check the examples, ingest them into a fresh demo database, then serve the review workspace.
# On a terminal the server runs until Ctrl-C; without one (CI, a pipe) it starts, answers one
# request to show it works, and stops, so `make demo` never blocks a script.
demo: $(STAMP)
	$(BIN)/gongkai check examples/ ; test $$? -le 1
	@rm -rf $$(dirname $(DEMO_DB)) && mkdir -p $$(dirname $(DEMO_DB))
	$(BIN)/gongkai ingest examples/ --db $(DEMO_DB)
	$(BIN)/gongkai stats --db $(DEMO_DB)
	@if [ -t 0 ] && [ -t 1 ]; then \
		echo "打开 http://$(HOST):$(PORT)/ 开始审核（Ctrl-C 停止）"; \
		$(BIN)/gongkai serve --db $(DEMO_DB) --host $(HOST) --port $(PORT); \
	else \
		$(BIN)/gongkai serve --db $(DEMO_DB) --host $(HOST) --port $(PORT) & pid=$$!; \
		$(BIN)/python -c "import time, urllib.request as u; [time.sleep(0.3) for _ in range(60) if not __import__('socket').socket().connect_ex(('$(HOST)', $(PORT))) == 0]; print('审核工作台已启动：http://$(HOST):$(PORT)/ 首页', u.urlopen('http://$(HOST):$(PORT)/').status)"; \
		kill $$pid; echo "（没有终端：已停止；在终端运行 make demo 或 make serve 即可一直开着）"; \
	fi

# The review workspace alone, on the database of `make demo` (or DEMO_DB=…).
serve: $(STAMP)
	$(BIN)/gongkai serve --db $(DEMO_DB) --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

# Without the browser tests (no chromium needed)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m 'not browser'

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
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .demo tests/artifacts

# The base install's size, as the README prints it: a fresh venv in a temporary folder, `pip install .`, du -sh.
lean-size:
	@d=$$(mktemp -d) && $(PY) -m venv $$d/venv && echo "空 venv：$$(du -sh $$d/venv | cut -f1)" && \
	$$d/venv/bin/python -m pip install --quiet . && echo "pip install . 之后：$$(du -sh $$d/venv | cut -f1)"; \
	rm -rf $$d

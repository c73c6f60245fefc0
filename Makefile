# Two entry points for a fresh machine: `make demo` (the main job on the embedded SQLite store) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo/gongkai.db
TEST_WORKERS ?= auto  # pytest-xdist workers for `make test` (auto = one per core)

# compileall: bytecode up front, as a wheel install writes it (an editable install under PYTHONDONTWRITEBYTECODE
# would compile every gongkai module again at each command's start, ~25 ms).
$(BIN)/gongkai: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q cli domain projections scheduler service storage
	touch $@

.PHONY: demo test lint
demo: $(BIN)/gongkai  ## record the seed's two 2020 applications and print tables 三 and 四
	mkdir -p $(dir $(DEMO_DB))
	$(BIN)/gongkai --db $(DEMO_DB) agency-name 宁波市鄞州区司法局 --date 2020-01-02
	$(BIN)/gongkai --db $(DEMO_DB) import tests/fixtures/seed_2020.jsonl
	$(BIN)/gongkai --db $(DEMO_DB) report annual 2020

lint: $(BIN)/gongkai
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint  ## lint, types, then every test (PostgreSQL tests need GONGKAI_TEST_POSTGRES)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal

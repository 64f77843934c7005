PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test quick lint clean

# one test process per core (at most 4: each holds the sentence model in memory); tests in an
# xdist_group run in one worker (the web console's: one browser, one console group)
PYTEST_WORKERS := -n auto --maxprocesses 4 --dist loadgroup

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	# the CPU build of torch lies on this kind of machine's disk; taking it first keeps
	# sentence-transformers from pulling a multi-GB CUDA build
	$(BIN)/pip install --quiet 'torch==2.13.0'
	$(BIN)/pip install --quiet -e '.[dev,semantic]'
	touch $(STAMP)

install: $(STAMP)

# A local key for held posts, made once; production sets PRACTICEBOT_SECRET_KEY itself.
var/dev-secret-key:
	mkdir -p var
	$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))' > $@
	chmod 600 $@

run: install var/dev-secret-key
	PRACTICEBOT_SECRET_KEY="$${PRACTICEBOT_SECRET_KEY:-$$(cat var/dev-secret-key)}" $(BIN)/python -m bot run

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy bot handlers adapters scheduler
	$(BIN)/python -m pytest $(PYTEST_WORKERS) --cov --cov-report=term:skip-covered -q

# The suite without the tests marked slow (subprocesses, fake-server storms, model exports),
# for the edit-test loop; `make test` is what CI runs.
quick: install
	$(BIN)/python -m pytest $(PYTEST_WORKERS) -q -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy bot handlers adapters scheduler

clean:
	rm -rf $(VENV)

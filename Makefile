PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint clean

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
	$(BIN)/python -m pytest --cov --cov-report=term:skip-covered -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy bot handlers adapters scheduler

clean:
	rm -rf $(VENV)

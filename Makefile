PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install ocr-engine run test quick lint clean

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

# Tesseract (Debian's tesseract-ocr) reads photos and scanned pages (issue 18); pip cannot install
# it. As root with apt-get it is installed here; otherwise a loud warning says what is missing:
# the bot then holds photos and scans for a moderator as unreadable, and the OCR tests are skipped
# (in CI, PRACTICEBOT_REQUIRE_OCR=1 makes them fail instead).
ocr-engine:
	@command -v tesseract >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing tesseract-ocr (reads photos and scanned PDFs)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      tesseract-ocr tesseract-ocr-eng >/dev/null; \
	  else \
	    echo "WARNING: tesseract is not installed: photos and scanned PDFs cannot be read" \
	      "(they are held for a moderator) and the OCR tests are SKIPPED." \
	      "Install it: sudo apt-get install tesseract-ocr tesseract-ocr-eng" \
	      "(macOS: brew install tesseract)" >&2; \
	  fi; }

# A local key for held posts, made once; production sets PRACTICEBOT_SECRET_KEY itself.
var/dev-secret-key:
	mkdir -p var
	$(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))' > $@
	chmod 600 $@

run: install ocr-engine var/dev-secret-key
	PRACTICEBOT_SECRET_KEY="$${PRACTICEBOT_SECRET_KEY:-$$(cat var/dev-secret-key)}" $(BIN)/python -m bot run

test: install ocr-engine
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy bot handlers adapters scheduler
	$(BIN)/python -m pytest $(PYTEST_WORKERS) --cov --cov-report=term:skip-covered -q

# The suite without the tests marked slow (subprocesses, fake-server storms, model exports),
# for the edit-test loop; `make test` is what CI runs.
quick: install ocr-engine
	$(BIN)/python -m pytest $(PYTEST_WORKERS) -q -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy bot handlers adapters scheduler

clean:
	rm -rf $(VENV)

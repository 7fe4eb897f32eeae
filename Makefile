# Two commands do everything: `make run` and `make test`. Both create .venv from the lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= $(or $(STREAMLIT_SERVER_PORT),8501)
CHROMIUM ?= $(or $(DTMATURITY_CHROMIUM),/usr/bin/chromium)

.PHONY: run test chromium lint format lock demo clean catalogues catalogues-check

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Local mode (no sign-in, every visitor is admin) listens on 127.0.0.1 only: serve adds
# --server.address 127.0.0.1 then, and refuses another address (README, Configuration).
run: $(STAMP)
	$(BIN)/python -m dtmaturity.web.serve --server.port $(PORT)

# The browser tests drive Debian's Chromium (never a browser download). Install it when missing,
# which needs root and apt-get (as in CI); where that fails the tests are skipped, loudly.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium \
		|| echo "!!! WARNING: could not install Chromium: the browser tests will be SKIPPED"; \
	else \
		echo "!!! WARNING: $(CHROMIUM) is missing and apt-get cannot run here (needs root):"; \
		echo "!!!          the browser tests will be SKIPPED. Install the chromium package."; \
	fi

test: $(STAMP) chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Translations (README, "Languages"): messages.pot from the bokmål catalogue, new keys carried
# into every other catalogue as empty entries; then the check that every one is complete.
LOCALE := dtmaturity/locale
catalogues: $(STAMP)
	$(BIN)/python tools/catalogues.py pot
	for lang in $$(ls $(LOCALE) | grep -v -e '\.pot$$' -e '^nb$$'); do \
		$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages -l $$lang -w 100 || exit 1; \
	done

catalogues-check: $(STAMP)
	$(BIN)/python tools/catalogues.py check
	$(BIN)/pybabel compile -d $(LOCALE) -D messages --statistics
	find $(LOCALE) -name '*.mo' -delete

demo: $(STAMP)
	$(BIN)/dtmaturity demo

# Re-pin every dependency from pyproject.toml into requirements.lock.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet ".[dev]"
	(echo "# Pinned, locked dependencies (pip freeze of a working environment). Regenerate: make lock"; \
	 .lockenv/bin/pip freeze --exclude dtmaturity) > requirements.lock
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

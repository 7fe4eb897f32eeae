# Two commands do everything: `make run` and `make test`. Both create .venv from the lock files:
# `make run` installs the runtime lock only (requirements.lock), `make test` adds the development
# lock (requirements-dev.lock: test tools, browser driver, linters). Both locks pin every package
# with its hashes, so pip installs exactly the files that were locked (--require-hashes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= $(or $(STREAMLIT_SERVER_PORT),8501)
CHROMIUM ?= $(or $(DTMATURITY_CHROMIUM),/usr/bin/chromium)
PIP_TOOLS := pip-tools==7.7.0
# Test worker processes (pytest-xdist), a test file per worker at a time (tests/conftest.py says
# which files start first): four on the 2-core CI machine, as a browser test leaves the cores
# mostly idle while it waits on the page.
TEST_WORKERS ?= 4

.PHONY: run test chromium postgresql lint format lock demo clean catalogues catalogues-check

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The runtime: what `make run` needs, and nothing more.
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# The runtime and the development tools (a superset of requirements.lock, at the same versions).
$(DEV_STAMP): requirements-dev.lock $(STAMP)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(DEV_STAMP)

# Local mode (no sign-in, every visitor is admin) listens on 127.0.0.1 only: serve adds
# --server.address 127.0.0.1 then, and refuses another address (README, Configuration).
run: $(STAMP)
	$(BIN)/python -m dtmaturity.web.serve --server.port $(PORT)

# A Debian package the tests need, installed when missing (which needs root and apt-get, as in
# CI); where that fails, the tests that need it are skipped, loudly. $(1): the shell test that it
# is there; $(2): the package; $(3): its name; $(4): the tests that need it; $(5): what is missing.
define install-or-warn
	@if $(1); then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing $(3) for $(4) (apt-get install $(2))"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(2) \
		|| echo "!!! WARNING: could not install $(3): $(4) will be SKIPPED"; \
	else \
		echo "!!! WARNING: $(5) is missing and apt-get cannot run here (needs root):"; \
		echo "!!!          $(4) will be SKIPPED. Install the $(2) package."; \
	fi
endef

# The browser tests drive Debian's Chromium (never a browser download).
chromium:
	$(call install-or-warn,[ -x "$(CHROMIUM)" ],chromium,Chromium,the browser tests,$(CHROMIUM))

# The PostgreSQL tests start a throw-away cluster of Debian's PostgreSQL (tests/pgcluster.py), as
# an unprivileged user, on loopback.
PG_INITDB = $$(ls /usr/lib/postgresql/*/bin/initdb "$$(pg_config --bindir 2>/dev/null)/initdb" 2>/dev/null | head -n 1)
postgresql:
	$(call install-or-warn,[ -n "$(PG_INITDB)" ],postgresql,PostgreSQL,the PostgreSQL tests,PostgreSQL (initdb))

test: $(DEV_STAMP) chromium postgresql
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

format: $(DEV_STAMP)
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

# Re-pin every dependency from pyproject.toml, with hashes: the runtime into requirements.lock,
# the runtime and the `dev` extra into requirements-dev.lock (constrained to the runtime's pins).
# pip-compile keeps the versions already locked unless pyproject.toml asks otherwise; delete a
# lock file (or pass UPGRADE=--upgrade) to move to the newest versions.
LOCK_FLAGS := --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links $(UPGRADE)
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv
	.lockenv/bin/pip install --quiet $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" .lockenv/bin/pip-compile $(LOCK_FLAGS) \
		--output-file requirements.lock pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" .lockenv/bin/pip-compile $(LOCK_FLAGS) --extra dev \
		--constraint requirements.lock --output-file requirements-dev.lock pyproject.toml
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

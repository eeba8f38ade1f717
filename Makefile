# The register's three entry points (see README "Quick start" and ../shared/CONTRACT.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
ASSETS := fpp/static/nhsuk
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: install run test clean

install: $(VENV)/.installed $(ASSETS)/.built

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The NHS.UK design system, from the committed lock file, copied where the app serves it.
$(ASSETS)/.built: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(ASSETS) && mkdir -p $(ASSETS)
	cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css \
	   node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js $(ASSETS)/
	cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets $(ASSETS)/assets
	touch $@

run: install
	$(BIN)/fpp init-db
	$(BIN)/fpp demo --if-empty
	$(BIN)/python -m fpp.runner

# SQLite first (everything), then the database-backed tests again on PostgreSQL.
# In CI the PostgreSQL run is mandatory; elsewhere it is skipped with a message when no server answers.
test: install $(VENV)/.installed-test
	$(BIN)/pytest
	@if [ -n "$$CI" ] || $(BIN)/python -m tests.pg_available "$(PG_TEST_URL)"; then \
	  echo "== PostgreSQL run against $(PG_TEST_URL) =="; \
	  FPP_TEST_DATABASE_URL="$(PG_TEST_URL)" $(BIN)/pytest tests/app -m "not browser"; \
	else echo "PostgreSQL is not reachable at $(PG_TEST_URL): skipping the PostgreSQL run (CI runs it)."; fi

clean:
	rm -rf $(VENV) node_modules $(ASSETS) *.egg-info

# The two commands of the README: `make run` and `make test`. Everything else is a helper.

# The first interpreter that is Python 3.12 or newer (Django 6 needs it).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Test processes (pytest-xdist): one per CPU core; TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= auto

.PHONY: run test lint serve install install-dev lock gazetteer superuser check-python clean

run: install ## Install, load the demo network into SQLite and serve it on http://$(HOST):$(PORT)/
	DEBUG=true $(BIN)/python manage.py migrate --noinput -v 0
	DEBUG=true $(BIN)/python manage.py load_demo --with-users
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev ## Install and run the whole test suite (SQLite unless DATABASE_URL is set)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install-dev ## ruff's checks, its formatting and the import contracts, as CI runs them
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

serve: install ## The production profile: migrate, collect static files, the web server (README "Running it for real")
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	exec $(BIN)/python server.py

# Installs come from the lock files only: exact versions, every file checked against its hash.
install: $(VENV)/.runtime-installed ## The packages the site needs (requirements/runtime.txt)

install-dev: $(VENV)/.dev-installed ## Those plus the test and lint tools (requirements/dev.txt)

$(VENV)/.runtime-installed: requirements/runtime.txt | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/runtime.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.runtime-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	touch $@

# Resolve pyproject.toml's ranges anew (UPGRADE="--upgrade" or "--upgrade-package django" for newer
# releases): requirements/dev.txt holds everything, runtime.txt the site's part with the same versions.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --universal --python-version 3.12 --generate-hashes
lock: install-dev ## Rewrite the lock files from pyproject.toml (README "Dependencies and the lock files")
	$(UV_COMPILE) $(UPGRADE) --extra dev -o requirements/dev.txt
	$(UV_COMPILE) -c requirements/dev.txt -o requirements/runtime.txt

gazetteer: install-dev ## Rewrite demo/gazetteer.toml (coordinates, populations) from GeoNames (README "Where the data comes from")
	$(BIN)/python -m demo.gazetteer

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 oder neuer wird benötigt (Django 6). Gefunden: $$(python3 --version 2>&1 || echo keins)." >&2; \
		echo "Bitte Python 3.12+ installieren, z. B. 'pyenv install 3.12' oder das Paket python3.12." >&2; \
		exit 1; \
	fi

superuser: install ## Create an account for the admin
	DEBUG=true $(BIN)/python manage.py createsuperuser

.PHONY: bench
bench: ## Benchmark on PostgreSQL with a large directory; writes docs/performance.md (BENCH_ARGS=--fresh rebuilds the data)
	bash bench/run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

# The two commands of the README: `make run` and `make test`. Everything else is a helper.

# The first interpreter that is Python 3.12 or newer (Django 6 needs it).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test serve install migrate demo superuser check-python clean

run: install ## Install, load the demo network into SQLite and serve it on http://127.0.0.1:8000/
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py load_demo --with-users
	@echo "Das Verzeichnis läuft auf http://$(HOST):$(PORT)/ (Verwaltung: /admin/)"
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install ## Install and run the whole test suite (SQLite unless DATABASE_URL is set)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: install ## The production profile: migrate, collect static files, gunicorn (README "Running it for real")
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	exec $(BIN)/gunicorn -c gunicorn.conf.py engagiert.wsgi

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet ".[dev]"
	touch $@

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

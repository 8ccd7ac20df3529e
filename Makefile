# KVI Portal. `make run` and `make test` are the whole quick start (see README).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist): one per CPU; JOBS=0 runs the suite in this process alone.
JOBS ?= auto

.PHONY: run test lint bench soak install migrate demo clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 or run 'make PYTHON=python3 ...'"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed

migrate: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput

demo: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py load_demo

run: demo
	@echo
	@echo "KVI Portal is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n $(JOBS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	git ls-files '*.py' | xargs $(BIN)/django-upgrade --target-version 5.2 --check

# Speed figures: SQLite pack builds, then at scale on PostgreSQL at 127.0.0.1:5432 (user
# postgres; databases kvi_bench and kvi_bench_tenth created and dropped; BENCH_PG_URL=postgres://u@host:port
# overrides) with pages through gunicorn and Redis at 127.0.0.1:6379 (databases 5 and 6). `make bench BENCH=scale` runs only the PostgreSQL part.
bench: install
	$(BIN)/python -m tests.bench $(BENCH)

# 50 users for 60 s through gunicorn on PostgreSQL (database kvi_soak, created and dropped),
# then a PostgreSQL restart under load on a throwaway cluster; prints figures (see README).
soak: install
	$(BIN)/python -m tests.soak

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles media sent-mail

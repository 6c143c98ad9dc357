# Caseflow: `make run` to try it, `make test` to test it. See README.md.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

# make run and make test work on a developer's machine; production settings are
# the default everywhere else (docker-compose.yml, a server's environment).
export CASEFLOW_ENV ?= development

.PHONY: help install install-dev run test bench migrate demo messages clean

help:
	@echo "make run    install, migrate, load demo data, start web + worker + beat"
	@echo "make test   the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make bench  pages, 50 advisors at once and 10,000 reminders at 200,000 cases, each beside a baseline"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changed.
$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

migrate: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=true $(BIN)/python manage.py seed_demo --cases 60 --if-empty

run: demo
	@echo "Caseflow on http://127.0.0.1:8000/ (Ctrl-C stops web, worker and beat)"
	DEBUG=true TWO_FACTOR_DEMO_EXEMPT=true $(BIN)/honcho --procfile Procfile.dev start

test: install-dev
	$(BIN)/python -m pytest

# At 200,000 cases on PostgreSQL (DATABASE_URL, default caseflow_bench) and Redis (REDIS_URL):
# advisor and team lead pages beside the Django admin, 50 advisors at once for BENCH_LOAD_SECONDS,
# 10,000 reminders by one Celery worker beside one task per call-back. Standard library only.
# BENCH_CASES=2000 BENCH_LOAD_SECONDS=20 BENCH_REMINDERS=1000 for a quick run. See README.md.
bench: install
	$(BIN)/python bench/run.py

# Regenerate the Dutch catalogue after changing texts (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --locale nl --ignore '.venv/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages --locale nl --ignore '.venv/*'

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

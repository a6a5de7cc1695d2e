# Two commands do everything: `make run` and `make test`. See README.md.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint format messages clean-venv bench bench-web

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime dependencies only; re-installs when pyproject.toml or the lock file change.
$(VENV)/.installed-run: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e .
	touch $@

# Everything the test suite needs as well.
$(VENV)/.installed-dev: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@ $(VENV)/.installed-run

# Links in mails point at the port the server really runs on.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed-run
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "KAG Portal: http://127.0.0.1:$(PORT)/  (mail is written to var/mail/)"
	@$(BIN)/python manage.py run_periodic_tasks & trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The seat planner against the LP bound and a greedy baseline (BENCH_ARGS=--quick skips the slow
# baseline on the big events; BENCH_ARGS="--only n060" picks samples).
bench: $(VENV)/.installed-dev
	$(BIN)/python -m matchmaking.bench $(BENCH_ARGS)

# The pages under load against a bare Django project (gunicorn -w 3, production settings, the
# machine's PostgreSQL and Redis db 9; wrk if installed). BENCH_ARGS="--rounds 1 --duration 5".
bench-web: $(VENV)/.installed-dev
	$(BIN)/python -m bench.web $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (apt-get install gettext) to extract strings; compiling needs only Python.
messages: $(VENV)/.installed-dev
	$(BIN)/python manage.py makemessages --locale de --no-obsolete \
	  --ignore "tests/*" --ignore "static/vendor/*" --ignore "var/*"
	$(BIN)/python manage.py compile_catalogues

clean-venv:
	rm -rf $(VENV)

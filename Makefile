# POE Ops — the two commands the README promises: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
# The quick start: DEBUG on, SQLite under var/, no Redis (Celery tasks run in-process).
RUN_ENV := DEBUG=true
# make run PORT=8001 serves on another port.
PORT ?= 8000

.PHONY: run test lint format lock bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Install exactly what was tested: every package pinned by constraints.txt.
$(VENV)/.run-installed: pyproject.toml constraints.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml constraints.txt | $(PY)
	$(PIP) install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	@scripts/system-deps.sh run
	@$(RUN_ENV) $(PY) manage.py migrate --noinput -v 0
	@$(RUN_ENV) $(PY) manage.py seed_demo
	@printf '\nPOE Ops is at http://127.0.0.1:%s/ (demo emails are written to var/mail/). Ctrl-C stops it.\n\n' $(PORT)
	@$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Starts a throwaway PostgreSQL and Redis on loopback, runs ruff, mypy and pytest, stops them.
# Extra pytest arguments: make test PYTEST_ARGS="-k healthz"
test: $(VENV)/.dev-installed
	scripts/system-deps.sh test
	scripts/test.sh $(PYTEST_ARGS)

# Benchmarks against the same throwaway PostgreSQL and Redis (about 2 minutes): prints one table
# and writes it to docs/performance.md. See bench/README.md. Profiles too: make bench BENCH_ARGS=--profile
bench: $(VENV)/.dev-installed
	scripts/system-deps.sh test
	scripts/with-services.sh $(PY) bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Re-pin after changing pyproject.toml: writes constraints.txt from the current .venv.
lock: $(VENV)/.dev-installed
	$(PIP) freeze --exclude-editable --disable-pip-version-check | grep -v '^-e ' > constraints.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache

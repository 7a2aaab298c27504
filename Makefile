# Two commands for a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := MATCHER_ENV=development $(BIN)/flask --app wsgi
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
# pytest with compiled modules kept in __pycache__ (git-ignored) even where the environment sets
# PYTHONDONTWRITEBYTECODE: the PostgreSQL run then reuses what the SQLite run compiled (the test
# modules pytest rewrote, the app's modules), about 7 s of CPU per process instead of compiling again.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

.PHONY: run test test-sqlite test-postgres lint check install install-dev chromium clean bench-engine mutation \
	translations translations-update

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## Serve the app on http://127.0.0.1:5000 with demo data on the embedded SQLite database; the task
## queue's worker (background jobs, mail, periodic work) runs inside the server, on instance/huey.sqlite3.
run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) serve --host 127.0.0.1 --port 5000

## The whole suite: SQLite, then PostgreSQL (skipped with a note when unreachable, unless CI=true).
test: install-dev browser-deps translations
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

## Chromium (apt-get, as root on Debian/Ubuntu) and axe-core (npm ci) for tests/e2e; one line when it cannot.
.PHONY: browser-deps
browser-deps:
	@chromium="$${MATCHER_CHROMIUM:-/usr/bin/chromium}"; \
	if [ ! -x "$$chromium" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
			&& grep -qiE '^ID(_LIKE)?=.*(debian|ubuntu)' /etc/os-release; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; \
	fi; \
	[ -x "$$chromium" ] || echo "browser-deps: no Chromium at $$chromium, so the browser tests are skipped" \
		"(a failure with CI=true); as root on Debian/Ubuntu this target installs it, or set MATCHER_CHROMIUM."
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund --silent >/dev/null 2>&1 \
		|| echo "browser-deps: 'npm ci' could not install axe-core, so the browser tests are skipped (a failure with CI=true)."

lint: install-dev
	$(BIN)/ruff check .

## Static checks: ruff, bandit over matcher/, pip-audit (a warning when the advisory service is unreachable).
check: lint
	$(BIN)/bandit -ll -q -r matcher
	$(BIN)/python scripts/audit_dependencies.py
	$(BIN)/python scripts/check_translations.py

## Compile the catalogues (matcher/translations/*/LC_MESSAGES/*.mo, not committed); the app also
## compiles any missing or stale one when it starts. See README, "Languages".
translations: install
	$(BIN)/pybabel --quiet compile --directory matcher/translations

## After adding or changing strings: re-extract messages.pot and merge it into each catalogue.
translations-update: install
	$(BIN)/python scripts/check_translations.py --update || true

test-sqlite: install-dev translations
	$(PYTEST) -n 2 $(PYTEST_ARGS)

test-postgres: install-dev translations
	@if $(BIN)/python -m tests.support.pg_ready "$(PG_TEST_URL)"; then \
		MATCHER_TEST_DATABASE_URL="$(PG_TEST_URL)" $(PYTEST) -n 2 --ignore=tests/unit --ignore=tests/e2e $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) is unreachable, and CI=true makes that a failure."; exit 1; \
	else \
		echo "SKIPPED the PostgreSQL run: nothing answers at $(PG_TEST_URL) (set PG_TEST_URL to point elsewhere)."; \
	fi

## Benchmark the matching engine against PyPI `matching` (own venv, not the app's requirements).
bench-engine: bench/.venv/.installed
	bench/.venv/bin/python bench/engine.py

bench/.venv/.installed: bench/requirements.txt
	$(PYTHON) -m venv bench/.venv
	bench/.venv/bin/pip install --quiet -r bench/requirements.txt
	touch $@

## Mutation testing with mutmut: the modules and tests are listed in pyproject.toml [tool.mutmut]
## (one line each); prints killed / survived / total per file. See README, "Mutation testing".
MUTATION_JOBS ?= 2
mutation: install-dev
	rm -rf mutants && mkdir mutants && echo '*' > mutants/.gitignore
	@echo "mutmut run --max-children $(MUTATION_JOBS) (progress in mutants/run.log)"
	@start=$$(date +%s); $(BIN)/mutmut run --max-children $(MUTATION_JOBS) > mutants/run.log 2>&1 \
		|| { tail -n 30 mutants/run.log; exit 1; }; echo "mutmut took $$(( $$(date +%s) - start )) s"
	@$(BIN)/mutmut results --all true | awk -F': ' '\
		BEGIN { row = "%-36s %7s %9s %6s %6s %7s\n"; printf row, "module", "killed", "survived", "other", "total", "score" } \
		{ name = $$1; sub(/^ +/, "", name); sub(/\.[^.]*$$/, "", name); \
		  caught = ($$2 == "killed" || $$2 == "timeout"); \
		  total[name]++; killed[name] += caught; survived[name] += ($$2 == "survived") } \
		END { for (m in total) { t += total[m]; k += killed[m]; s += survived[m]; \
		    printf row, m, killed[m], survived[m], total[m] - killed[m] - survived[m], total[m], \
		      sprintf("%.1f%%", 100 * killed[m] / total[m]) | "sort" }; close("sort"); \
		  printf row, "all", k, s, t - k - s, t, sprintf("%.1f%%", t ? 100 * k / t : 0) }'
	@echo "killed includes timeouts; other = no tests / suspicious / skipped. Survivors: $(BIN)/mutmut results"

clean:
	rm -rf $(VENV) .pytest_cache mutants

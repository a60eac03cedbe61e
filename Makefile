# Comptoir developer commands. `make run` serves the product with demo data on the embedded
# default (SQLite, in-memory channel layer, email to the console); `make test` runs the suite.
# Both create .venv on first use with the newest Python >= 3.12 found on the machine.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8000
PYTEST_ARGS ?=

# Candidates are tried in order and each is actually run: pyenv shims exist on PATH even when
# they only print "command not found". `make PYTHON=/path/to/python3.13` puts one first.
PYENV_ROOT ?= $(shell pyenv root 2>/dev/null || echo "$(HOME)/.pyenv")
PYTHON_CANDIDATES = $(PYTHON) python3.13 python3.12 \
	$(shell ls -d $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) \
	$(shell ls -d /usr/bin/python3.1[2-9] /usr/local/bin/python3.1[2-9] 2>/dev/null | sort -rV) \
	python3

# What makemessages must not walk into.
MESSAGES_IGNORE := --ignore=.venv --ignore=staticfiles --ignore=media --ignore=node_modules \
	--ignore=test-results

.PHONY: help install messages compilemessages run worker test lint bench migrations-check \
	clean distclean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(PY):
	@py=""; \
	for cand in $(PYTHON_CANDIDATES); do \
		if "$$cand" -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1; then \
			py="$$cand"; break; \
		fi; \
	done; \
	if [ -z "$$py" ]; then \
		echo "error: Comptoir needs Python 3.12 or newer and none was found." >&2; \
		echo "Install it (Debian/Ubuntu: apt-get install python3.13 python3.13-venv;" >&2; \
		echo "pyenv: pyenv install 3.13), or point at one: make PYTHON=/path/to/python3.13" >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$py (Python $$("$$py" -c 'import platform; print(platform.python_version())'))"; \
	"$$py" -m venv $(VENV) || { rm -rf $(VENV); echo "error: $$py -m venv failed (python3-venv missing?)" >&2; exit 1; }

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -e '.[dev]'
	@touch $@

# axe-core, for the accessibility checks of the browser tests.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

install: $(STAMP) node_modules/.package-lock.json ## Create .venv and install the project (Python and npm dev dependencies)

messages: install ## Extract strings into locale/fr (python, templates, static/ JavaScript)
	@mkdir -p locale
	$(PY) manage.py makemessages -l fr $(MESSAGES_IGNORE)
	$(PY) manage.py makemessages -d djangojs -l fr $(MESSAGES_IGNORE) --ignore=bench \
		--ignore=tests --ignore=deploy

# compilemessages refuses to run when no locale directory exists (git keeps no empty ones).
compilemessages: install ## Compile the .po files (the .mo files are not in git)
	@mkdir -p locale
	$(PY) manage.py compilemessages --ignore=.venv

run: install compilemessages ## Serve the demo at http://127.0.0.1:8000 (PORT=...) with a task worker
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) manage.py db_worker & worker=$$!; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install compilemessages ## Run the tests (DATABASE_URL/REDIS_URL from the environment; PYTEST_ARGS=...)
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests (exit 5)." >&2; fi; \
	[ $$rc -eq 0 ] || exit $$rc
	node --test tests/js/

lint: install ## ruff check
	$(PY) -m ruff check .

bench: install ## Run the benchmarks (python -m bench)
	$(PY) -m bench

migrations-check: install ## Fail if a model change lacks its migration
	$(PY) manage.py makemigrations --check --dry-run

clean: ## Remove caches, compiled messages, collected static files and test output
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -path ./$(VENV) -prune -o -name '*.mo' -type f -exec rm -f {} +
	rm -rf .pytest_cache .ruff_cache staticfiles test-results

distclean: clean ## clean, and remove .venv, the SQLite database and uploaded media
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm media

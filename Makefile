# The two commands of the README: `make run` and `make test`. Both set up the locked environment
# first, so a clean clone needs nothing installed by hand beyond Python 3.11 and make.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export DAGSTER_HOME := $(CURDIR)/.dagster_home
export DO_NOT_TRACK := 1
export GX_ANALYTICS_ENABLED := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup run test bench lint clean dagster-dev

# uv itself comes from PyPI into a private tool folder, pinned, so no global install is needed.
$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# The environment is re-synced whenever the lock file changes.
$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --python $(PYTHON)
	$(VENV)/bin/lmis setup
	touch $@

setup: $(VENV)/.synced

run: setup
	$(VENV)/bin/lmis run

test: setup
	$(VENV)/bin/python -m pytest

bench: setup
	$(VENV)/bin/python -m pytest bench -m bench -p no:cacheprovider

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/sqlfluff lint dbt_project/models --processes 1

dagster-dev: setup
	$(VENV)/bin/dagster dev -m orchestration.definitions

clean:
	rm -rf $(VENV) $(TOOLS) .dagster_home dbt_project/target dbt_project/logs

# Industrial Internet Policy Tracker. `make` (or `make help`) lists the targets.
# Every target sets up what it needs first, so on a fresh clone `make test` alone is enough.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := industrial-internet
DEB_PACKAGES := fonts-noto-cjk fonts-noto-color-emoji poppler-utils chromium

.PHONY: help setup system-packages validate check notebooks hooks charts reports watch publish confirm bench lock fixtures translations test test-fast lab clean distclean

help: ## list the targets
	@echo "Industrial Internet Policy Tracker"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: $(STAMP) system-packages ## create .venv, install the package and its tools, register the Jupyter kernel

# The stamp is rebuilt when pyproject.toml changes, so an unchanged setup costs nothing.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "error: Python 3.11 or newer is needed ($(PYTHON) is $$($(PYTHON) --version 2>&1)); run: make PYTHON=python3.11 ..."; exit 1; }
	@echo "setup: creating $(VENV) and installing the locked versions (about a minute the first time)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) \
		--display-name "Python (Industrial Internet Tracker)" > /dev/null
	@touch $@
	@echo "setup: done; Jupyter kernel '$(KERNEL)' registered in $(VENV)"

# Debian packages: Chinese glyphs in charts and PDFs (fonts-noto-cjk), emoji that may turn up in pasted text
# (fonts-noto-color-emoji, so PDFs show them rather than empty boxes), PDF checks in tests (poppler-utils),
# a real browser for the browser tests (chromium, driven by
# Playwright from PyPI: no browser download). Installed when run as root; otherwise the command is printed.
system-packages:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get > /dev/null; then \
			echo "warning: install these packages with your system's package manager:$$missing"; \
		elif [ "$$(id -u)" = 0 ]; then \
			echo "setup: installing Debian packages:$$missing"; \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing > /dev/null; } \
				|| { echo "error: apt-get could not install:$$missing"; exit 1; }; \
		else \
			echo "warning: missing Debian packages:$$missing"; \
			echo "         install them with: sudo apt-get install -y$$missing"; \
		fi; \
	fi

validate: setup ## check data/ against its schema and rules (ARCHIVE=dir also checks figures against source snapshots)
	@$(BIN)/analysis validate $(if $(ARCHIVE),--archive $(ARCHIVE))

check: setup ## what the pre-commit hooks check, without git: data, notebook pairing, ruff
	@$(BIN)/analysis validate
	@$(BIN)/analysis notebooks check
	@$(BIN)/ruff check .

notebooks: setup ## sync each notebook with its jupytext script (the newer wins) and strip outputs
	@$(BIN)/analysis notebooks sync

hooks: setup ## install the git pre-commit hooks (.pre-commit-config.yaml)
	@$(BIN)/pre-commit install

charts: setup ## draw every chart for the shipped data into reports/charts/ (AS_OF=YYYY-MM-DD, LANGUAGE=en|zh|both)
	@$(BIN)/analysis charts $(if $(AS_OF),--as-of $(AS_OF)) $(if $(LANGUAGE),--language $(LANGUAGE))

reports: setup ## build the briefings in reports/briefings.yml (HTML + PDF); skips what is up to date (ONLY="id ...", FORCE=1, JOBS=N)
	@$(BIN)/analysis build $(if $(strip $(ONLY)),--only $(ONLY)) $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS))

watch: setup ## build, then rebuild what is affected each time a CSV, notebook, template or briefings.yml is saved (Ctrl-C stops)
	@$(BIN)/analysis build --watch $(if $(strip $(ONLY)),--only $(ONLY)) $(if $(JOBS),--jobs $(JOBS))

publish: setup ## stamp each briefing's current build as its next edition (ONLY="id ...", DATE=YYYY-MM-DD, FORCE=1)
	@$(BIN)/analysis publish $(if $(ONLY),--only $(ONLY)) $(if $(DATE),--date $(DATE)) $(if $(FORCE),--force) $(if $(JOBS),--jobs $(JOBS))

confirm: setup ## record that you read a briefing's commentary against today's facts (ID="id ...")
	@test -n "$(strip $(ID))" || { echo "error: say which briefing: make confirm ID=ii-plan-2021-2023"; exit 2; }
	@$(BIN)/analysis commentary confirm $(ID)

bench: setup ## benchmark the build against the naive chain and the limit (ARGS="--scale" or "--all")
	@$(BIN)/python benchmarks/bench.py $(ARGS)

lock: ## re-resolve pyproject.toml in a scratch venv and pin every version in requirements.lock
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	echo "lock: resolving pyproject.toml in a scratch environment (a minute or two)" && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/python" -m pip install --quiet --disable-pip-version-check '.[dev]' && \
	{ sed -n '1,/^[^#]/{/^#/p}' requirements.lock; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^analysis[=@ ]'; } > requirements.lock.new && \
	mv requirements.lock.new requirements.lock && echo "lock: requirements.lock rewritten; 'make setup' installs it"

LOCALE := src/analysis/report/locale

translations: setup ## extract the strings a reader sees and update the catalogs (then translate the empty ones in $(LOCALE)/zh/LC_MESSAGES/messages.po)
	@$(BIN)/pybabel extract -F $(LOCALE)/babel.cfg -o $(LOCALE)/messages.pot --no-wrap --sort-by-file \
		--project "Industrial Internet Policy Tracker" . > /dev/null
	@$(BIN)/pybabel update -i $(LOCALE)/messages.pot -d $(LOCALE) -l zh --no-wrap --no-fuzzy-matching --ignore-obsolete > /dev/null
	@$(BIN)/python -m analysis.report.i18n $(LOCALE)/zh/LC_MESSAGES/messages.po || true

fixtures: ## copy data/ to tests/fixtures/data, the tests' own package (after a schema change)
	@rm -rf tests/fixtures/data.new && cp -r data tests/fixtures/data.new && rm -rf tests/fixtures/data && \
		mv tests/fixtures/data.new tests/fixtures/data && echo "fixtures: tests/fixtures/data is now a copy of data/"

# Two worker processes (pytest-xdist). --dist loadfile runs each test file whole, in order, in one worker:
# a module's shared build is made once, and tests that change it in turn keep their order. The slowest are
# listed at the end of each run.
TEST_WORKERS ?= 2
TEST_ARGS := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15

test: setup ## run the whole test suite, as CI does (TEST_WORKERS=N; default 2)
	@$(BIN)/python -m pytest $(TEST_ARGS)

test-fast: setup ## the test suite without the slow end-to-end tests, for the edit loop
	@$(BIN)/python -m pytest $(TEST_ARGS) -m "not slow"

lab: setup ## open JupyterLab on notebooks/ with the project kernel; saving a notebook also saves its .py
	@$(BIN)/jupyter lab notebooks/

clean: ## remove caches and build outputs (keeps .venv and every published edition, reports/<id>/editions/)
	@rm -rf .pytest_cache .hypothesis .ruff_cache build src/*.egg-info reports/charts reports/_failed reports/.manifest.json reports/.build.lock reports/index.html reports/index.zh.html reports/industrial-internet-data.zip reports/.build-*
	@for d in reports/*/; do \
		[ -d "$$d" ] || continue; \
		find "$$d" -mindepth 1 -maxdepth 1 ! -name editions -exec rm -rf {} +; \
		rmdir "$$d" 2> /dev/null || true; \
	done
	@find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
	@if ls -d reports/*/editions > /dev/null 2>&1; then echo "clean: published editions kept in reports/<id>/editions/ (records, not build output)"; fi

distclean: clean ## also remove .venv (editions are still kept)
	@rm -rf $(VENV)

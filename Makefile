# Two entry points: `make run` and `make test`. Both create .venv and install what they need.
# `make check` is the fast loop while working: lint + the tests not marked slow (under 60 s).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
DB ?= textanalysis.db
PORT ?= 8501
# Empty: .streamlit/config.toml's 127.0.0.1 (or $$STREAMLIT_SERVER_ADDRESS). `make run ADDRESS=0.0.0.0`
# serves on all interfaces: only behind a login proxy (docs/app.md, "Team set-up").
ADDRESS ?=

.PHONY: run test check install install-test demo lint format bench clean screenshots

# BERTopic's light-weight install: the package itself without its torch/sentence-transformers
# stack; its non-torch dependencies (hdbscan, umap-learn, plotly, tqdm, ...) come from pyproject.
BERTOPIC := bertopic>=0.17,<0.18

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	$(PIP) install --quiet --no-deps "$(BERTOPIC)"
	touch $@

# deduce's compact lookup cache (~/.cache/textanalysis/deduce, privacy.warm_cache): built here once,
# so the first masked import on this machine does not build it (a one-off 1.3 GB, issue 13's
# limit is 1 GB); again after a (re)install or a change of the masking code.
$(VENV)/.warm-cache: $(VENV)/.installed textanalysis/privacy.py
	$(VENV)/bin/textanalysis warm-cache
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed $(VENV)/.warm-cache

install-test: $(VENV)/.installed-test $(VENV)/.warm-cache

demo: install
	$(VENV)/bin/textanalysis demo --with-gold-codes --db $(DB)

run: demo
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true \
		$(if $(ADDRESS),--server.address $(ADDRESS)) --browser.gatherUsageStats false -- --db $(DB)

test: install-test
	bash scripts/test-services.sh
	$(VENV)/bin/ruff check textanalysis tests app.py app_pages bench
	$(VENV)/bin/ruff format --check textanalysis tests app.py app_pages bench
	$(PY) -m pytest -n 2 --dist loadgroup -q

check: install-test
	$(VENV)/bin/ruff check textanalysis tests app.py app_pages bench
	$(VENV)/bin/ruff format --check textanalysis tests app.py app_pages bench
	$(PY) -m pytest -m "not slow" -q

lint: install-test
	$(VENV)/bin/ruff check textanalysis tests app.py app_pages bench
	$(VENV)/bin/ruff format --check textanalysis tests app.py app_pages bench

format: install-test
	$(VENV)/bin/ruff format textanalysis tests app.py app_pages bench
	$(VENV)/bin/ruff check --fix textanalysis tests app.py app_pages bench

# The user guide's screenshots (docs/handleiding/*.png), regenerated in headless Chromium;
# without TEXTANALYSIS_SCREENSHOTS=1 the same test only checks the pages (CI leaves the checkout alone).
screenshots: install-test
	TEXTANALYSIS_SCREENSHOTS=1 $(PY) -m pytest -q tests/test_e2e_screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

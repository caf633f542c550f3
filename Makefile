# ThaiMinutes — `make run` and `make test` are all a fresh Debian machine needs.
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: help setup system browser venv run test test-fast golden samples freeze check eval bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

setup: system $(VENV_STAMP) ## Install Tesseract (Thai, and its library for tesserocr), fonts and the .venv; does nothing when all is in place

system:
	@missing=""; \
	command -v tesseract >/dev/null && tesseract --list-langs 2>/dev/null | grep -qx tha \
	  || missing="$$missing tesseract-ocr tesseract-ocr-tha"; \
	fc-list 2>/dev/null | grep -qi laksaman || missing="$$missing fonts-thai-tlwg libpango-1.0-0 libpangoft2-1.0-0"; \
	python3 -c "import venv, ensurepip" 2>/dev/null || missing="$$missing python3-venv"; \
	pkg-config --exists tesseract lept 2>/dev/null || missing="$$missing libtesseract-dev libleptonica-dev pkg-config"; \
	command -v g++ >/dev/null || missing="$$missing g++"; \
	python3 -c "import os, sys, sysconfig; sys.exit(not os.path.exists(sysconfig.get_path('include') + '/Python.h'))" \
	  || missing="$$missing python3-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

browser: ## Install Debian's Chromium for the review-page tests, when missing
	@command -v chromium >/dev/null || { echo "installing chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

# tesserocr is built on the system's Tesseract: its wheel bundles another version, which reads
# pages differently from the `tesseract` program and the frozen samples
$(VENV_STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --no-binary tesserocr -e '.[dev]'
	touch $@

run: setup ## Process samples/ into out/
	.venv/bin/thaiminutes run samples/*/source --out out --workers $(WORKERS)

test: setup browser ## Unit, golden, CLI and review-page (Chromium) tests, and real Tesseract runs
	$(PY) -m pytest -q

test-fast: setup ## Tests without the real-Tesseract and browser ones
	$(PY) -m pytest -q -m "not ocr and not browser"

golden: setup ## Rewrite samples/*/expected from the current pipeline (review the diff!)
	UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_samples.py

samples: setup ## Render SAMPLE=samples/<id> (text-layer and scanned PDFs, SEED=1, FONT=Laksaman, DAMAGED=producer|legacy, PHOTO=1), then freeze its OCR
	@test -n "$(SAMPLE)" || { echo "usage: make samples SAMPLE=samples/<id> [SEED=1] [FONT=Laksaman] [DAMAGED=producer|legacy] [PHOTO=1]"; exit 1; }
	$(PY) samples/make_sample.py $(SAMPLE)/source/minutes.txt --seed $(or $(SEED),1) --font $(or $(FONT),Laksaman) $(if $(DAMAGED),--damaged $(DAMAGED)) $(if $(PHOTO),--photo)
	$(PY) samples/freeze_ocr.py $(SAMPLE)

freeze: setup ## Re-run Tesseract on the samples and freeze its output in samples/*/frozen
	$(PY) samples/freeze_ocr.py

eval: setup ## Character error rate of OCR and table agreement between a sample's inputs
	$(PY) -m pipeline.evaluate samples --out out/eval.md

# OCRmyPDF, for make bench only: its own venv, so its pins never meet the pipeline's
OCRMYPDF := .venv-ocrmypdf/bin/ocrmypdf
$(OCRMYPDF):
	test -x .venv-ocrmypdf/bin/python || python3 -m venv .venv-ocrmypdf
	.venv-ocrmypdf/bin/python -m pip install -q 'ocrmypdf>=17,<18'

bench: setup $(OCRMYPDF) ## Pipeline vs raw Tesseract and OCRmyPDF on the same pages, text-stage speed, memory, archive re-runs (PAGES=22 DOCS=2000)
	$(PY) bench/bench.py --pages $(or $(PAGES),22) --ocrmypdf $(OCRMYPDF)
	$(PY) bench/archive.py --docs $(or $(DOCS),2000)

check: setup ## Lint and type-check
	.venv/bin/ruff check pipeline extractors schemas samples tests bench
	.venv/bin/mypy pipeline extractors schemas

clean: ## Remove outputs (keeps .venv)
	rm -rf out .pytest_cache

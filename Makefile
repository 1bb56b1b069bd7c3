# Custodian: one machine out of the box (make run), the whole suite (make test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_ENV := DJANGO_DEBUG=1 CUSTODIAN_MFA_REQUIRED=0

.PHONY: run run-stack test lint check bench drill guide install install-dev system-deps format clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Embedded mode: SQLite, files under var/, tasks inline; demo data; http://127.0.0.1:8000
run: install
	$(DEMO_ENV) $(PY) manage.py migrate --no-input
	$(if $(CUSTODIAN_KEYS_DATABASE_URL),$(DEMO_ENV) $(PY) manage.py migrate --no-input --database keys)
	$(DEMO_ENV) $(PY) manage.py seed_demo
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

## The distributed mode on this machine: gunicorn, a Celery worker and beat against the
## local PostgreSQL and Redis (DATABASE_URL, CELERY_BROKER_URL, STACK_BIND and
## CUSTODIAN_DATA_DIR override the defaults); migrates, seeds demo data, runs in the
## foreground; Ctrl-C stops all three.
run-stack: install
	VENV=$(VENV) bash scripts/run-stack.sh

## System packages the browser and PDF tests drive (Debian's chromium, poppler-utils),
## zbarimg to read the hand-off QR code as drawn, and zip and GNU time for the export
## bench's floor (its time and its peak memory). The DICOM tests send to a real PACS
## (Orthanc, with its DICOMweb plugin) and check objects with dcmtk and dicom3tools.
system-deps:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null \
	  && command -v zip >/dev/null && test -x /usr/bin/time \
	  && command -v zbarimg >/dev/null && test -x /usr/sbin/Orthanc \
	  && test -e /usr/share/orthanc/plugins/libOrthancDicomWeb.so \
	  && command -v dcmdump >/dev/null && command -v dciodvfy >/dev/null || { \
	  echo "Installing chromium, poppler-utils, zip, time, zbar-tools, orthanc," \
	    "orthanc-dicomweb, dcmtk and dicom3tools (Debian packages)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    chromium poppler-utils zip time zbar-tools \
	    orthanc orthanc-dicomweb dcmtk dicom3tools >/dev/null; }

# Tests marked postgres or real_worker need PostgreSQL (real workers share the test
# database): without DATABASE_URL they are deselected, and pytest counts them as such.
TEST_SELECT := $(if $(DATABASE_URL),,-m "not postgres and not real_worker")

test: install-dev system-deps
	@$(if $(DATABASE_URL),echo "PostgreSQL pass: postgres and real_worker tests included",echo "SQLite pass: postgres and real_worker tests deselected; they run when DATABASE_URL is set")
	$(VENV)/bin/pytest -n 2 --dist loadfile $(TEST_SELECT)

## The user guide's pictures: the browser tests take them; the ones a guide page shows
## are copied into docs/guide/img/ (committed: a fresh clone's guide shows them).
guide: install-dev system-deps
	$(VENV)/bin/pytest -q tests/browser
	mkdir -p docs/guide/img
	@# cp fails, and so does make, when a picture a guide page shows was not taken.
	cd docs/guide && grep -oh '](img/[a-z0-9-]*\.png)' *.md | tr -d '()]' | sort -u \
	  | sed 's|^img/||' | xargs -I{} cp ../../tests/artifacts/{} img/{}

## ruff, the app layering (import-linter: no upward import, no cycle) and mypy --strict,
## whose Django plugin loads the settings (so the embedded secrets are made first).
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m config.localsecrets
	$(VENV)/bin/mypy .

check: lint
	$(PY) manage.py makemigrations --check --dry-run

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install-dev system-deps
	bench/run.sh $(BENCH)

## Faults injected into a real stack on this machine (PostgreSQL, Redis, an S3 server over
## HTTP, gunicorn), one line per scenario; DRILL=restore picks scenarios. docs/operations.md.
drill: install-dev
	drill/run.sh $(DRILL)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

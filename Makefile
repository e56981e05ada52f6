# Two commands set everything up on a fresh Debian/Ubuntu machine:
#   make site   -> .venv, the Python packages, system libraries for PDFs, then builds site/
#   make test   -> the same plus Chromium and poppler for the browser and PDF tests, then pytest
#   make test-fast -> only the tests not marked slow (no full builds, browser or Java): the edit loop
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

SITE_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_DEBS := $(SITE_DEBS) chromium poppler-utils default-jre-headless zbar-tools
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site test test-fast check serve bench clean site-debs test-debs

site: $(STAMP) site-debs
	$(VENV)/bin/site-builder build

test: $(STAMP) test-debs
	$(VENV)/bin/ruff check site_builder tests tools benchmarks
	$(PY) -m pytest -n 2 --dist loadgroup --durations=10

test-fast: $(STAMP) site-debs
	$(PY) -m pytest -n 2 -m "not slow"

check: $(STAMP)
	$(VENV)/bin/site-builder check

serve: $(STAMP) site-debs
	$(VENV)/bin/site-builder serve

bench: $(STAMP) site-debs
	$(PY) benchmarks/build_bench.py

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

# Install Debian packages only when one is missing (apt needs root or sudo).
site-debs:
	@dpkg -s $(SITE_DEBS) >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
	  $(SUDO) apt-get install -y -q $(SITE_DEBS); }

test-debs:
	@{ dpkg -s $(SITE_DEBS) chromium poppler-utils zbar-tools >/dev/null 2>&1 && command -v java >/dev/null; } || \
	  { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(TEST_DEBS); }

clean:
	rm -rf site .site-* test-artifacts .pytest_cache

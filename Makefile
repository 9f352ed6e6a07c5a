# The two commands of INTERFACES.md §1: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
PORT ?= 8000
# Links, OAuth redirects and the stand-ins' addresses follow the port the demo serves on.
PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
export PUBLIC_BASE_URL

.PHONY: run test install system-packages browser demo-setup clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

install: system-packages $(STAMP)

# WeasyPrint renders with Pango; install it from Debian's packages when missing.
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) >/dev/null; fi

# Browser tests drive Debian's Chromium (Playwright's own browser download is not available),
# and check every page with axe-core, fetched from the npm registry and checked against its digest.
AXE_VERSION := 4.14.1
AXE_SHA256 := 29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c
AXE := var/axe-core-$(AXE_VERSION).min.js
browser: $(AXE)
	@test -x /usr/bin/chromium || { echo "Installing chromium"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

$(AXE):
	@mkdir -p var/axe-download
	cd var/axe-download && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null \
	  && tar xzf axe-core-$(AXE_VERSION).tgz package/axe.min.js
	echo "$(AXE_SHA256)  var/axe-download/package/axe.min.js" | sha256sum --check --quiet
	mv var/axe-download/package/axe.min.js $(AXE) && rm -rf var/axe-download

demo-setup: install
	mkdir -p var
	DJANGO_SETTINGS_MODULE=approvalmax.settings.demo $(BIN)/python manage.py migrate --noinput -v 0
	DJANGO_SETTINGS_MODULE=approvalmax.settings.demo $(BIN)/python manage.py demo_load

run: demo-setup
	@echo "Starting the web server, a Celery worker and Celery beat; Ctrl-C stops them all."
	( DJANGO_SETTINGS_MODULE=approvalmax.settings.demo $(BIN)/python manage.py demo_connect \
	    --base-url http://127.0.0.1:$(PORT) & )
	PATH=$(abspath $(BIN)):$$PATH DJANGO_SETTINGS_MODULE=approvalmax.settings.demo PORT=$(PORT) \
	  $(BIN)/honcho -f Procfile.demo start

test: install browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf var

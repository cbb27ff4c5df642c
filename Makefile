# Tenantry: `make run` and `make test` do all set-up on a fresh Debian machine with Swift.

SWIFT        ?= swift
CONFIG       ?= debug
BIN_DEBUG    := .build/debug/tenantry
BIN_RELEASE  := .build/release/tenantry
APT_PACKAGES := libpq-dev postgresql postgresql-contrib pkg-config
PYTHON_VENV  := .tenantry/python
PYTHON_TOOLS := jsonschema pyyaml openfeature-sdk openfeature-provider-ofrep selenium openapi-spec-validator kubernetes-validate schemathesis

.PHONY: run test bench build deps python-tools clean

## deps: install the system packages Tenantry needs, only those missing.
deps:
	@missing=""; \
	pkg-config --exists libpq 2>/dev/null || missing="$$missing libpq-dev pkg-config"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v pgbench >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || missing="$$missing postgresql-contrib"; \
	command -v psql >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "error: swift is not on PATH (expected at /opt/swift/usr/bin)"; exit 1; }

## python-tools: a private Python in .tenantry/python with what the server tests use (a JSON
## Schema validator for OFREP responses, the OpenFeature SDK and its OFREP provider, Selenium
## for the signup page's browser test, kubernetes-validate for the rendered manifests, Schemathesis
## for the OpenAPI contract test); installs
## only what is missing, from PyPI.
python-tools:
	@if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	if [ ! -x $(PYTHON_VENV)/bin/python3 ]; then \
		command -v python3 >/dev/null 2>&1 || { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3 python3-venv; }; \
		mkdir -p $$(dirname $(PYTHON_VENV)); \
		python3 -m venv $(PYTHON_VENV) 2>/dev/null || { \
			rm -rf $(PYTHON_VENV); echo "installing: python3-venv"; \
			$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv && python3 -m venv $(PYTHON_VENV); \
		} || exit 1; \
	fi
	@missing=""; for package in $(PYTHON_TOOLS); do \
		$(PYTHON_VENV)/bin/python3 -m pip show -q $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing (pip):$$missing"; \
		$(PYTHON_VENV)/bin/python3 -m pip install -q $$missing; \
	fi

build: deps
	$(SWIFT) build --product tenantry

## run: build; start the embedded PostgreSQL and migrate (on first use); seed a demo when the
## database is empty (a few flags, one tenant per plan, an admin token: keys printed once);
## then serve on http://127.0.0.1:8080 (TENANTRY_PORT moves it) in the foreground; Ctrl-C stops.
run: build
	@$(BIN_DEBUG) dev seed --server-url http://127.0.0.1:$${TENANTRY_PORT:-8080}
	@echo ""
	@echo "Serving on http://127.0.0.1:$${TENANTRY_PORT:-8080}; Ctrl-C stops it."
	@exec $(BIN_DEBUG) serve --host 127.0.0.1 --port $${TENANTRY_PORT:-8080}

## test: build everything and run every test against a real PostgreSQL the tests start
## (.tenantry/test/postgres), stopped again afterwards whatever the outcome. The server tests
## also use the Python tools (python-tools). A crash prints the crashed thread only: symbolicating
## every thread of the debug test binary froze the process for minutes.
test: deps python-tools
	$(SWIFT) build --build-tests
	@rc=0; SWIFT_BACKTRACE=$${SWIFT_BACKTRACE:-threads=crashed,images=none} $(SWIFT) test --skip-build || rc=$$?; \
	TENANTRY_HOME=$(CURDIR)/.tenantry/test $(BIN_DEBUG) dev down >/dev/null 2>&1 || true; \
	exit $$rc

## bench: release build, then every benchmark next to its reference, on the embedded cluster
## (wrk, from Debian, loads the server for the HTTP rows).
bench: deps
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing: wrk"; \
		if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk; }
	$(SWIFT) build -c release --product tenantry
	$(BIN_RELEASE) bench eventstore
	$(BIN_RELEASE) bench provisioning
	$(BIN_RELEASE) bench flags
	$(BIN_RELEASE) bench http
	$(BIN_RELEASE) bench long-stream

clean:
	-$(BIN_DEBUG) dev down 2>/dev/null
	rm -rf .build .tenantry

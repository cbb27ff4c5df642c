# Tenantry: `make run` and `make test` do all set-up on a fresh Debian machine with Swift.

SWIFT        ?= swift
CONFIG       ?= debug
BIN_DEBUG    := .build/debug/tenantry
BIN_RELEASE  := .build/release/tenantry
PYTHON_VENV  := .tenantry/python
PYTHON_TOOLS := jsonschema pyyaml openfeature-sdk openfeature-provider-ofrep selenium openapi-spec-validator kubernetes-validate schemathesis

# Installs the Debian packages in $(1) (a shell expression), if any, as root or through sudo.
apt_install = if [ -n "$(1)" ]; then \
		echo "installing:$(1)"; \
		if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(1); \
	fi

.PHONY: run test bench build deps test-deps bench-deps python-tools clean docs cli-reference wasm-deps wasm-examples

## deps: install the system packages running Tenantry needs (libpq, PostgreSQL and psql,
## libcurl for URLSession, CA certificates), only those missing. `make run` needs nothing more.
deps:
	@missing=""; \
	pkg-config --exists libpq 2>/dev/null || missing="$$missing libpq-dev pkg-config"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v psql >/dev/null 2>&1 || missing="$$missing postgresql-client"; \
	ldconfig -p 2>/dev/null | grep -q 'libcurl\.so\.4 ' || missing="$$missing libcurl4"; \
	[ -d /etc/ssl/certs ] || missing="$$missing ca-certificates"; \
	$(call apt_install,$$missing)
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "error: swift is not on PATH (expected at /opt/swift/usr/bin)"; exit 1; }

## test-deps: what only the tests add: Chromium and its driver for the signup page's browser test.
test-deps: deps
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null 2>&1 || missing="$$missing chromium-driver"; \
	$(call apt_install,$$missing)

## bench-deps: what only the benchmarks add: pgbench (postgresql-contrib) and wrk, the references.
bench-deps: deps
	@missing=""; \
	command -v pgbench >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || missing="$$missing postgresql-contrib"; \
	command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	$(call apt_install,$$missing)

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

## wasm-deps: what building the example WebAssembly customizations adds: Debian's clang-14 and
## lld-14 (wasm-ld-14, which clang-14 finds itself), only those missing.
wasm-deps:
	@missing=""; \
	command -v clang-14 >/dev/null 2>&1 || missing="$$missing clang-14"; \
	command -v wasm-ld-14 >/dev/null 2>&1 || missing="$$missing lld-14"; \
	$(call apt_install,$$missing)

## wasm-examples: the example customizations of Sources/CustomizationModules (C, no libc) as
## .build/wasm/<example>.wasm, the same bytes on every build (Docs/customizations.md,
## "WebAssembly customizations"). The tests and benchmarks load them from there.
WASM_SOURCES  := Sources/CustomizationModules
WASM_OUT      := .build/wasm
WASM_EXAMPLES := corporate-email data-residency
WASM_CFLAGS   := --target=wasm32 -mmutable-globals -O2 -nostdlib -ffreestanding -Wall -Wextra -Werror \
	-I$(WASM_SOURCES)/include
# Memory: a 16 KiB stack first (an overflow traps instead of overwriting data), the static data,
# then the arena to the end. Initial = maximum = limits.memoryPages, which every example's
# manifest.json gives (read with sed): it never grows. __stack_pointer, the only mutable global,
# is exported so the host can restore it between calls.
WASM_LDFLAGS  := -Wl,--no-entry -Wl,--stack-first -Wl,-z,stack-size=16384 -Wl,--export=__stack_pointer \
	-Wl,--strip-all
wasm_memory    = $(shell expr $$(sed -n 's/.*"memoryPages": *\([0-9][0-9]*\).*/\1/p' $(WASM_SOURCES)/$(1)/manifest.json) \* 65536)

wasm-examples: $(WASM_EXAMPLES:%=$(WASM_OUT)/%.wasm)

$(WASM_OUT)/%.wasm: $(WASM_SOURCES)/%/manifest.json $(wildcard $(WASM_SOURCES)/*/*.c $(WASM_SOURCES)/include/*) | wasm-deps
	@mkdir -p $(WASM_OUT)
	clang-14 --target=wasm32 -c $(WASM_SOURCES)/include/manifest.s -I$(WASM_SOURCES)/$* -o $(WASM_OUT)/$*.manifest.o
	clang-14 $(WASM_CFLAGS) $(WASM_LDFLAGS) -Wl,--initial-memory=$(call wasm_memory,$*) -Wl,--max-memory=$(call wasm_memory,$*) \
		-o $@ $(WASM_SOURCES)/$*/*.c $(WASM_OUT)/$*.manifest.o
	@sha256sum $@

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
## every thread of the debug test binary froze the process for minutes. Connections get 60 s to
## open (PGCONNECT_TIMEOUT), not 10: a starved machine once stalled the test cluster's logins
## past 10 s. The output is kept in .tenantry/test-output.log and what failed is repeated last.
test: test-deps python-tools wasm-examples
	.ci/check-package-imports
	$(SWIFT) build --build-tests
	python3 .ci/cli_reference.py --check --binary $(BIN_DEBUG)
	@mkdir -p .tenantry; rm -f .tenantry/test-exit-code; \
	{ PGCONNECT_TIMEOUT=$${PGCONNECT_TIMEOUT:-60} SWIFT_BACKTRACE=$${SWIFT_BACKTRACE:-threads=crashed,images=none} \
		$(SWIFT) test --skip-build 2>&1 \
		|| echo $$? >.tenantry/test-exit-code; } | tee .tenantry/test-output.log; \
	TENANTRY_HOME=$(CURDIR)/.tenantry/test $(BIN_DEBUG) dev down >/dev/null 2>&1 || true; \
	if [ -s .tenantry/test-exit-code ]; then \
		echo ""; echo "What failed (repeated from above; whole output in .tenantry/test-output.log):"; \
		grep -E '✘|recorded an issue|Fatal error|Crash|error:' .tenantry/test-output.log | tail -n 60; \
		exit $$(cat .tenantry/test-exit-code); \
	fi

## bench: release build, then every benchmark next to its reference, on the embedded cluster
## (wrk, from Debian, loads the server for the HTTP rows).
bench: bench-deps wasm-examples
	$(SWIFT) build -c release --product tenantry
	$(BIN_RELEASE) bench eventstore
	$(BIN_RELEASE) bench provisioning
	$(BIN_RELEASE) bench flags
	$(BIN_RELEASE) bench http
	$(BIN_RELEASE) bench long-stream
	$(BIN_RELEASE) bench cells
	$(BIN_RELEASE) bench customizations

## docs: the DocC catalogs of the library modules, built with swift-docc-plugin into
## .build/docs/<Module> (static HTML, not committed), and the CLI reference (cli-reference).
DOCC_TARGETS := PostgresClient EventStore Tenancy FeatureFlags Extensions
docs: cli-reference
	@mkdir -p .build/docs
	@for target in $(DOCC_TARGETS); do \
		echo "documentation: $$target → .build/docs/$$target"; \
		$(SWIFT) package --allow-writing-to-directory .build/docs generate-documentation \
			--target $$target --output-path .build/docs/$$target \
			--transform-for-static-hosting --hosting-base-path $$target || exit 1; \
	done

## cli-reference: regenerate Docs/cli.md's command reference from the commands' help (the
## hand-written header above its marker line stays); `make test` fails when it is stale.
cli-reference: build
	python3 .ci/cli_reference.py --binary $(BIN_DEBUG)

clean:
	-$(BIN_DEBUG) dev down 2>/dev/null
	rm -rf .build .tenantry

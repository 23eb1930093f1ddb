# Everyday entry points; CI runs `make test` through .ci/run.

SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEBIAN_PACKAGES := $(shell grep -v '^\s*\#' .ci/debian-packages.txt)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: venv deps test build serve bench fuzz

venv: $(STAMP)

# Reinstalled whenever pyproject.toml changes; a no-op otherwise.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

deps:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
		dpkg -s "$$package" >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

test: deps venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

build: venv
	$(BIN)/netgraph build

serve: build
	$(BIN)/netgraph serve

# The README's headline figures: the CLI, then the endpoint against an Oxigraph server.
bench: venv
	$(BIN)/python bench/bench_cli.py
	$(BIN)/python bench/bench_endpoint.py

# The long property-based runs: the endpoint (tests/test_fuzz.py) and the SERVICE check
# against Oxigraph's parser (tests/test_no_outbound.py); loopback only.
fuzz: venv
	NETGRAPH_FUZZ=long $(BIN)/pytest -q tests/test_fuzz.py tests/test_no_outbound.py -p no:cacheprovider

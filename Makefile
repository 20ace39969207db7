# Tessera: every target CI and developers use. `make run` and `make test` are the two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
TESSERA := $(BIN)/tessera
PYTEST := $(BIN)/pytest
NPM ?= npm
WEB_SOURCES := $(shell find web/src -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json \
               web/scripts/generate-types.mjs $(wildcard schemas/json/*.json schemas/openapi/*.json)

.PHONY: help install system-deps jars lint format schemas unit integration browser test run stop \
        status web web-test infra-up infra-down infra-status clean bench bench-full test-faults

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) is required (Python 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

system-deps: ## Java 17, Maven, kcat and Chromium (browser tests) from Debian's packages, when missing
	@missing=""; \
	  [ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ] || [ -n "$$JAVA_HOME" ] || missing="$$missing openjdk-17-jre-headless"; \
	  command -v mvn >/dev/null || missing="$$missing maven"; \
	  command -v kcat >/dev/null || missing="$$missing kcat"; \
	  [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing$$missing with apt-get"; \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q $$missing; \
	    else sudo apt-get update -q && sudo apt-get install -y -q $$missing; fi; \
	  fi

install: $(BIN)/.installed system-deps ## Python venv and packages, Java and Maven

web/node_modules/.installed: web/package.json web/package-lock.json
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a < 20 || (a === 20 && b < 19)) { console.error("error: building the web pages needs Node.js 20.19 or newer, found " + process.version); process.exit(1); }'
	cd web && $(NPM) ci --no-audit --no-fund
	@touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && $(NPM) run build

web: web/dist/index.html ## Build the web pages into web/dist/ (npm ci, generated types, TypeScript check, Vite; no CDN)

web-test: web/node_modules/.installed ## Front-end checks: generated types not stale, vitest unit tests
	cd web && $(NPM) run types:check && $(NPM) test

jars: install ## Fetch the Kafka and Neo4j jars from Maven Central (once)
	$(TESSERA) infra fetch

lint: install ## ruff, mypy --strict and the import contracts: exactly what CI runs
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

format: install ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schemas: install ## Regenerate schemas/json/ (JSON Schemas, AsyncAPI) and schemas/openapi/ (OpenAPI)
	$(TESSERA) schemas export
	$(TESSERA) schemas openapi

unit: install ## Unit tests: no network
	$(PYTEST) tests/unit -q

integration: install ## Integration and end-to-end tests against the running Kafka and Neo4j
	$(PYTEST) tests/integration tests/e2e -v

browser: install web ## Browser tests (headless Debian Chromium) against the running Kafka and Neo4j
	$(PYTEST) tests/browser -v

test: install jars lint unit web-test web ## Everything CI runs: lint, unit (Python, then the web's), then integration, e2e and browser tests on real services
	@if $(TESSERA) infra status --quiet; then started=0; else started=1; $(TESSERA) infra up || exit 1; fi; \
	  $(PYTEST) tests/integration tests/e2e -v; rc=$$?; \
	  $(PYTEST) tests/browser -v; browser_rc=$$?; [ $$rc = 0 ] && rc=$$browser_rc; \
	  if [ $$started = 1 ]; then $(TESSERA) infra down; fi; \
	  exit $$rc

test-faults: install jars ## Kill and restart services, Kafka and Neo4j mid-stream: nothing else may use them
	@if $(TESSERA) infra status --quiet; then started=0; else started=1; $(TESSERA) infra up || exit 1; fi; \
	  $(PYTEST) tests/faults -m faults -v; rc=$$?; \
	  if [ $$started = 1 ]; then $(TESSERA) infra down; fi; \
	  exit $$rc

bench: export NEO4J_HEAP ?= 2g
bench: export NEO4J_PAGE_CACHE ?= 2g
bench: install jars ## Every benchmark at quick sizes, ratios against baselines (bench/RESULTS.md)
	@if $(TESSERA) infra status --quiet; then started=0; else started=1; $(TESSERA) infra up || exit 1; fi; \
	  $(BIN)/python -m bench $(BENCH_ARGS); rc=$$?; \
	  if [ $$started = 1 ]; then $(TESSERA) infra down; fi; \
	  exit $$rc

bench-full: ## The benchmarks at the issues' sizes (1M-report graphs): three hours or more, from its parts' runs
	@$(MAKE) --no-print-directory bench BENCH_ARGS=--full

run: install jars web ## Everything up on this machine with demo data; Ctrl-C stops it
	$(TESSERA) run

stop: install ## Stop the services, Kafka and Neo4j
	$(TESSERA) stop

status: install ## What is running
	$(TESSERA) status

infra-up: install jars ## Start Kafka and Neo4j (no-op when running)
	$(TESSERA) infra up

infra-down: install ## Stop Kafka and Neo4j
	$(TESSERA) infra down

infra-status: install ## Show Kafka and Neo4j state
	-$(TESSERA) infra status

clean: stop ## Stop everything and delete local data, logs and jars (keeps ~/.m2)
	rm -rf .infra web/dist web/node_modules

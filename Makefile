# `make run` starts the store on the embedded demo shop; `make test` runs the checks.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Bytecode goes into .venv, not __pycache__/ folders across the clone: a test
# run leaves the working tree as it found it (.ci/run checks). It is written
# even where the environment says not to (PYTHONDONTWRITEBYTECODE): the tests
# start many Python processes, and each would spend seconds compiling imports.
export PYTHONPYCACHEPREFIX := $(CURDIR)/$(VENV)/pycache
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test lint demo-shop demo-catalog clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.test: requirements.txt requirements-test.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# Everything `make test` needs, installed (CI takes its before-picture after this).
install: $(VENV)/.test

run: $(VENV)/.runtime
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

lint: $(VENV)/.test
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# Both cores by default: each worker takes whole test files (--dist loadfile),
# so a file's servers and fixtures start once. PYTEST_WORKERS=0 runs serially.
PYTEST_WORKERS ?= 2
test: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

# The demo shop as its own HTTP server, like Shopify (port 8100).
demo-shop: $(VENV)/.runtime
	$(BIN)/flask --app wsgi demo-shop serve --port 8100

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache

# Rewrite the demo catalog (catalog.json and its SVG images) from tools/demo_catalog.
demo-catalog:
	$(PYTHON) -m tools.demo_catalog.build

# The benchmark: the storefront under wrk next to a bare Flask app, on the demo
# shop with 100 ms per API request (bench/; results in bench-results/).
# `make bench BENCH_ARGS="--quick"`, or `--sweep`, `--cache redis`, `--only NAME`.
# Then creator pages while Shopify answers 503 for 30 s (fails on any non-2xx),
# then the orders ledger at scale (bench-orders).
# Lighthouse on home, a collection, a product, a cart and a creator's landing page, for
# each shipped theme (bench/audit.py; installs its pinned Lighthouse into .audit/).
# `make audit AUDIT_ARGS="--theme base"`.
.PHONY: audit
audit: $(VENV)/.test
	$(BIN)/python -m bench.audit $(AUDIT_ARGS)

# Shopify's Hydrogen skeleton app, unmodified, on the demo shop (bench/hydrogen.py;
# installs the pinned skeleton from npm into .hydrogen/, runs it under
# `shopify hydrogen dev` and walks every route over HTTP and in Chromium; a few
# minutes). `make hydrogen HYDROGEN_ARGS="--screenshots"` also writes
# docs/screenshots/hydrogen-*.png.
.PHONY: hydrogen
hydrogen: $(VENV)/.test
	$(BIN)/python -m bench.hydrogen $(HYDROGEN_ARGS)

.PHONY: bench bench-orders
bench: $(VENV)/.test
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench --outage
	$(BIN)/python -m bench.orders $(BENCH_ORDERS_ARGS)

# The orders ledger at scale, on SQLite and PostgreSQL (bench/orders.py; about 6
# minutes): signed webhook deliveries per second, and the report and payouts
# over 1,000,000 orders of 10,000 creators. `make bench-orders
# BENCH_ORDERS_ARGS="--quick"`, or `--only sqlite`, `--part ingest`.
bench-orders: $(VENV)/.test
	$(BIN)/python -m bench.orders $(BENCH_ORDERS_ARGS)

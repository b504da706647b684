# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
SHELL := /bin/bash
UV_VERSION := 0.13.8
UV := build/uv/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced
STATIC := src/waaah/web/static/index.html
JS_CLIENT := tests/js/node_modules/.installed
# Empty: the tests use PostgreSQL at the default URL, else a throwaway cluster (docs/deployment.md).
export WAAAH_TEST_POSTGRES_URL ?=

.PHONY: run test setup dashboard dashboard-test browser js-client lint wheel install bench clean

run: setup dashboard
	$(VENV)/bin/waaah serve

# The linters run first (they take seconds, the suite minutes): a lint failure fails `make test`
# before the suite starts.
test: setup dashboard dashboard-test browser js-client lint
	$(VENV)/bin/python -m pytest -q

# Bytecode is compiled here, once: the environment may set PYTHONDONTWRITEBYTECODE, and without .pyc
# files every start of `waaah serve` (each test server too) compiles its ~1,000 imported modules again.
# uv compiles the dependencies; the project itself is an editable install outside site-packages.
setup: $(STAMP)
	@$(VENV)/bin/python -m compileall -q src >/dev/null

$(UV):
	python3 -m venv build/uv
	build/uv/bin/pip install -q "uv==$(UV_VERSION)"

$(STAMP): pyproject.toml uv.lock Makefile | $(UV)
	$(UV) sync --frozen --compile-bytecode
	touch $@

dashboard: $(STATIC)

$(STATIC): $(shell find dashboard -type f -not -path '*/node_modules/*' 2>/dev/null)
	@if [ -f dashboard/package.json ]; then cd dashboard && npm ci --no-audit --no-fund && npm run build; \
	else mkdir -p $(dir $(STATIC)) && echo '<!doctype html><title>waaah</title>' > $(STATIC); fi

# The dashboard's unit tests (its state module, board selectors, diff parser) under node's test runner.
dashboard-test: dashboard
	@if [ -f dashboard/package.json ]; then cd dashboard && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm test; fi

# The JS socket.io-client that the socket tests run under node (tests/js/client.mjs).
js-client: $(JS_CLIENT)

$(JS_CLIENT): tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it downloads nothing).
browser:
	@command -v chromium >/dev/null || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

# ruff, mypy --strict on the package (configured in pyproject.toml), the dashboard's type check.
lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	@if [ -f dashboard/package.json ]; then cd dashboard && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npx --no-install tsc --noEmit; fi

# A wheel in dist/ that carries the built dashboard and the runner's prompts.
wheel: setup dashboard
	$(UV) build --wheel -o dist

# `waaah` on PATH (uv's tool folder, ~/.local/bin unless UV_TOOL_BIN_DIR says otherwise).
install: setup dashboard
	$(UV) tool install --force --reinstall --compile-bytecode .

clean:
	rm -rf build dist $(VENV) src/waaah/web/static dashboard/node_modules tests/js/node_modules

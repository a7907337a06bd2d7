# natplan — the two commands: `make plan` and `make test` do their own set-up.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SCENARIO ?= scenarios/xiagezhuang.yaml
OUT    ?= out

.PHONY: plan test setup bench clean lock browser

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@# The screen pages embed the font cut to their characters (templates/webfont.py), much faster with
	@# HarfBuzz's subsetter (a system library); without it fontTools cuts it, about half a second a page.
	@if ! ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q libharfbuzz-subset0 >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libharfbuzz-subset0 >/dev/null 2>&1; } || \
	    echo "note: libharfbuzz-subset0 could not be installed; screen pages are written more slowly"; \
	  else echo "note: install libharfbuzz-subset0 (as root) for faster screen pages"; fi; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

plan: $(STAMP)
	$(BIN)/natplan plan $(SCENARIO) -o $(OUT)

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2

# The 390-px phone test drives Debian's Chromium; without it that test is skipped (and says why).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; } || \
	    echo "note: chromium could not be installed; the 390-px phone test is skipped"; \
	  else echo "note: install chromium for the 390-px phone test"; fi; }

bench: $(STAMP)
	$(BIN)/python benchmarks/gap.py --quick
	$(BIN)/python benchmarks/solomon.py --quick

# Re-pin the lock file after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra test --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache

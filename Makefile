# Congress: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: run test install translations lint extract bench scan clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d congress/translations -f --statistics 2>&1 | grep -v '^$$' || true
	@test -f congress/translations/ar/LC_MESSAGES/messages.mo

run: translations
	$(BIN)/congress init
	$(BIN)/congress demo
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	$(BIN)/congress run --host $(HOST) --port $(PORT) --no-reload

test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check congress tests bench
	$(BIN)/ruff format --check congress tests bench

# Benchmarks: every bench/*.py but the shared helpers (or only BENCH="tally import_roll"),
# each printing its table and writing bench/results/NAME.json. They never assert timings.
BENCH_SCRIPTS = $(if $(BENCH),$(patsubst %,bench/%.py,$(BENCH)),$(filter-out bench/common.py,$(sort $(wildcard bench/*.py))))

bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "installing wrk (Debian package) for the HTTP benchmarks"; \
		export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }; }
	@$(BIN)/python -m pip install --quiet 'py-spy>=0.3'
	@failed=""; for script in $(BENCH_SCRIPTS); do \
		echo "== $$script"; \
		$(BIN)/python $$script || failed="$$failed $$script"; \
	done; \
	if [ -n "$$failed" ]; then echo "bench failed:$$failed" >&2; exit 1; fi

# Security scan: wapiti (in a virtualenv of its own, .venv/scan: its pins are not ours)
# against the demo server, as a delegate and as a committee member; writes
# bench/results/scan-delegate.json and scan-committee.json. About 10 minutes.
scan: translations
	@test -f $(VENV)/scan/.wapiti3-3.2.3 || { rm -rf $(VENV)/scan \
		&& $(PYTHON) -m venv $(VENV)/scan \
		&& $(VENV)/scan/bin/python -m pip install --quiet 'wapiti3==3.2.3' \
		&& touch $(VENV)/scan/.wapiti3-3.2.3; }
	$(BIN)/python scripts/scan.py --wapiti $(VENV)/scan/bin/wapiti

# Update the catalogs after adding or changing user-facing strings.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k ngettext:1,2 --no-location --sort-output --no-wrap -o congress/translations/messages.pot .
	$(BIN)/pybabel update -i congress/translations/messages.pot -d congress/translations --no-fuzzy-matching --ignore-obsolete --no-wrap

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

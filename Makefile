# cxkpi — a few verbs. `make run` and `make test` set everything up from nothing.
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
WORKERS ?= 2  # pytest-xdist workers; each gets its own PostgreSQL and streamlit server
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test setup setup-system lint format demo bench lock clean

# `make run` listens on this machine only, and the person at it is an editor. `make run SERVE=team` listens on
# every interface for a team: editing then needs sign-in (docs/sharing.md), everyone else is a viewer.
SERVE  ?= local
ADDRESS = $(if $(filter team,$(SERVE)),0.0.0.0,127.0.0.1)

run: setup  ## set up and start the dashboard on http://localhost:$(PORT) (SERVE=team: for a team, sign-in to edit)
	CXKPI_SERVE=$(SERVE) $(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true --server.address $(ADDRESS)

test: setup-system setup lint  ## set up (venv, chromium, postgresql) and run the whole test suite
	$(PY) -m pytest -n $(WORKERS) --dist loadgroup --durations=15

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock scripts/bootstrap.sh
	bash scripts/bootstrap.sh $(VENV)
	@touch $@

setup-system:  ## Debian packages the tests use: chromium (browser tests), postgresql (second backend)
	bash scripts/setup-system.sh

lint: setup
	$(VENV)/bin/ruff check .

format: setup
	$(VENV)/bin/ruff check --fix . && $(VENV)/bin/ruff format .

demo: setup  ## load the demo workspace into data/cxkpi.duckdb
	$(VENV)/bin/cxkpi demo

bench: setup  ## speed ratios against raw DuckDB and pandas, measured in the same run
	$(PY) bench/run.py

lock:  ## re-pin every transitive dependency after changing pyproject.toml
	uv pip compile -q pyproject.toml --extra dev -p 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) artifacts .pytest_cache

# ThiĐua — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export THIDUA_DATA_DIR ?= $(CURDIR)/var
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test lint bench serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

## make demo: install, migrate, load the demo ward, serve on http://127.0.0.1:8000
demo: $(VENV)/.installed
	$(BIN)/thidua migrate --noinput -v0
	$(BIN)/thidua load-demo
	$(BIN)/thidua collectstatic --noinput -v0
	@echo ""
	@echo "ThiĐua đang chạy tại http://$(HOST):$(PORT)  (Ctrl+C để dừng)"
	$(BIN)/gunicorn thidua.wsgi --config python:thidua.gunicorn_conf \
		--bind $(HOST):$(PORT) --workers 2 --threads 2 \
		--access-logfile - --error-logfile -

## make test: ruff, then the whole suite on SQLite, then on PostgreSQL when
## THIDUA_TEST_DATABASE_URL is set. End-to-end tests need /usr/bin/chromium.
test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	@if [ -x /usr/bin/chromium ]; then \
		echo "Kiểm thử đầu-cuối: chạy bằng /usr/bin/chromium."; \
	else \
		echo "CHÚ Ý: không có /usr/bin/chromium — BỎ QUA các kiểm thử đầu-cuối (e2e)."; \
		echo "       Cài bằng: sudo apt-get install chromium"; \
	fi
	@echo "== Bộ kiểm thử trên SQLite =="
	env -u THIDUA_DATABASE_URL $(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS)
	@if [ -n "$$THIDUA_TEST_DATABASE_URL" ]; then \
		echo "== Bộ kiểm thử trên PostgreSQL =="; \
		THIDUA_DATABASE_URL="$$THIDUA_TEST_DATABASE_URL" $(BIN)/python -m pytest -n 2 -q $(PYTEST_ARGS); \
	else \
		echo "THIDUA_TEST_DATABASE_URL chưa đặt: bỏ qua lượt kiểm thử trên PostgreSQL."; \
	fi

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench

## make bench: benchmarks on the synthetic province (see bench/README.md)
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info test-artifacts

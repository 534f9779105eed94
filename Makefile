# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml package.json | sha1sum | cut -c1-12)

.PHONY: run test lint format bench worker beat clean

run: $(STAMP) .env  ## Start the portal with demo data on SQLite at http://127.0.0.1:$(PORT) (make run PORT=8001)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(STAMP) .env  ## Install everything and run the whole test suite
	./scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

bench: $(STAMP) .env  ## Benchmarks (PostgreSQL via DATABASE_URL); prints figures
	$(BIN)/pytest tests/perf -s -p no:cacheprovider -o addopts="" $(PYTEST_ARGS)

worker: $(STAMP) .env
	$(BIN)/celery -A portal worker -l info

beat: $(STAMP) .env
	$(BIN)/celery -A portal beat -l info

$(STAMP): pyproject.toml package.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	npm install --no-audit --no-fund --loglevel=error
	rm -f $(VENV)/.installed-*
	touch $@

# A developer's settings: DEBUG on and a random secret key. Production sets real variables.
.env:
	printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3

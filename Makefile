# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck pytest catalogs extract bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## Start the bot: Telegram when TELEGRAM_BOT_TOKEN is set, otherwise the terminal chat.
run: $(STAMP) catalogs
	$(BIN)/python -m bot init
	$(BIN)/python -m bot auto

## Lint, type-check and run every test.
test: $(STAMP) catalogs lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check bot flows tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) catalogs
	$(BIN)/pytest -q

## Compile the translations (locales/*/LC_MESSAGES/messages.po -> .mo).
catalogs: $(STAMP)
	@if ls locales/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d locales -D messages --statistics; fi

## Refresh the template and catalogs after changing user-facing text.
extract: $(STAMP)
	$(BIN)/pybabel extract -F pyproject.toml -o locales/messages.pot \
		--add-comments=TRANSLATORS: --sort-by-file --project=safeplan --no-location bot flows
	@if ls locales/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages \
			--no-fuzzy-matching --ignore-obsolete; fi

## Throughput and memory against a bare python-telegram-bot bot on the same fake server.
bench: $(STAMP) catalogs
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

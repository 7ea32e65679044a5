# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Exact versions and hashes of every package, so each install is the same one (`make lock`).
LOCK := requirements-dev.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck pytest catalogs extract lock bench clean

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

## Re-resolve the locks after changing dependencies in pyproject.toml (needs the network).
## requirements.lock is the runtime alone, for deployments; requirements-dev.lock adds the tools.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--custom-compile-command 'make lock' --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
		--generate-hashes --custom-compile-command 'make lock' --quiet -o $(LOCK)

## Throughput and memory against a bare python-telegram-bot bot on the same fake server.
bench: $(STAMP) catalogs
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

"""Command line: `python -m bot` serves Telegram; `chat`, `init`, `helplines check`, ..."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import date
from pathlib import Path

from bot import logs
from bot.settings import ENV_FILE, MissingSecrets, Settings

NO_TOKEN = (
    "No TELEGRAM_BOT_TOKEN set: to serve Telegram, make a bot with @BotFather, put its token "
    "in .env, and run again. Starting the terminal chat instead."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="safeplan")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("serve", help="serve Telegram (the default)")
    commands.add_parser("chat", help="the same flows in this terminal")
    commands.add_parser("auto", help="serve Telegram if a token is set, else the terminal chat")
    commands.add_parser("init", help="write missing secrets to .env (never replaces one)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    commands.add_parser("rotate-keys", help="re-encrypt everything with the newest key")
    helplines = commands.add_parser("helplines", help="the crisis-line directory")
    helplines_sub = helplines.add_subparsers(dest="action", required=True)
    check = helplines_sub.add_parser("check", help="list lines not checked for a while")
    check.add_argument("--months", type=int, default=6)
    link = commands.add_parser("link", help="an outreach link, QR code and printable card")
    link.add_argument(
        "--org", required=True, help="organisation code (bot/data/organisations.yaml)"
    )
    link.add_argument("--lang", help="language, e.g. en, uk, pt-br")
    link.add_argument("--region", help="country, e.g. GB, or with a subdivision: CA-QC")
    link.add_argument("--plan", choices=["safety", "harm-reduction"])
    link.add_argument("--qr", type=Path, help="write the QR code here (.png or .svg)")
    link.add_argument("--card", type=Path, help="write a printable one-page card here (.pdf)")
    link.add_argument("--bot", help="the bot's username (default: BOT_USERNAME, or Telegram)")
    stats = commands.add_parser("stats", help="anonymous counts per organisation and day")
    stats.add_argument("--org")
    stats.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD")
    stats.add_argument("--csv", action="store_true")
    crisis_eval = commands.add_parser("crisis-eval", help="crisis detection against a corpus")
    crisis_eval.add_argument("--dir", type=Path, default=Path("tests/data/crisis_eval"))
    args = parser.parse_args(argv)

    if args.command == "init":
        return init_secrets(ENV_FILE)
    if args.command == "helplines":
        from bot.helplines import format_stale_report, load_directory

        today = date.today()
        stale = load_directory().stale_lines(args.months, today)
        print(format_stale_report(stale, older_than_months=args.months, today=today))
        return 0
    if args.command == "crisis-eval":
        from bot.crisis.evaluation import evaluate, report

        print(report(evaluate(args.dir)))
        return 0

    settings = Settings()
    if args.command == "link":
        return asyncio.run(outreach_link(settings, args))
    if args.command == "stats":
        return asyncio.run(outreach_stats(settings, args))
    try:
        logs.install(settings.log_level, secrets=_secrets(settings))
        settings.require_secrets()
    except (ValueError, MissingSecrets) as wrong:
        print(wrong, file=sys.stderr)
        return 2
    command = args.command or "serve"
    if command == "auto":
        command = "serve" if settings.token else "chat"
        if command == "chat":
            print(NO_TOKEN)
    if command == "serve" and not settings.token:
        print("TELEGRAM_BOT_TOKEN is not set (see .env.example).", file=sys.stderr)
        return 2
    runners = {"serve": serve, "chat": terminal, "migrate": migrate_only, "rotate-keys": rotate}
    from bot.database import UNAVAILABLE
    from bot.keycheck import WrongKeys

    try:
        return asyncio.run(runners[command](settings))
    except WrongKeys as wrong:
        print(wrong, file=sys.stderr)
        return 2
    except UNAVAILABLE as error:
        print(f"The database is unavailable ({type(error).__name__}).", file=sys.stderr)
        return 1


def _secrets(settings: Settings) -> list[str]:
    """Every secret value in the settings, to be masked should a log line ever hold one."""
    fields = (
        settings.telegram_bot_token,
        settings.safeplan_encryption_keys,
        settings.safeplan_id_secret,
    )
    values = [f.get_secret_value() for f in fields if f is not None]
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def init_secrets(env_file: Path) -> int:
    """Creates the keys a new install needs. An existing key is never replaced."""
    from bot.crypto import new_encryption_key, new_id_secret

    settings = Settings()
    added = []
    lines = env_file.read_text().splitlines() if env_file.exists() else []
    if not settings.safeplan_encryption_keys:
        lines.append(f"SAFEPLAN_ENCRYPTION_KEYS={new_encryption_key()}")
        added.append("SAFEPLAN_ENCRYPTION_KEYS")
    if not settings.safeplan_id_secret:
        lines.append(f"SAFEPLAN_ID_SECRET={new_id_secret()}")
        added.append("SAFEPLAN_ID_SECRET")
    if added:
        env_file.write_text("\n".join(lines) + "\n")
        env_file.chmod(0o600)
        print(
            f"Wrote new {' and '.join(added)} to {env_file}. Back it up: without it, "
            "stored plans can't be read."
        )
    return 0


async def serve(settings: Settings) -> int:
    from bot.polling import Polling
    from bot.runtime import open_runtime
    from bot.telegram_adapter import ALLOWED_UPDATES, TelegramAdapter

    runtime = await open_runtime(settings, start_without_database=True)
    adapter = TelegramAdapter(runtime)
    application = adapter.build()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with application:
        await adapter.set_menus(application)
        await application.start()
        async with Polling(application, ALLOWED_UPDATES):
            logging.getLogger(__name__).info("serving Telegram")
            await stop.wait()
        await application.stop()
    await runtime.close()
    return 0


async def outreach_link(settings: Settings, args: argparse.Namespace) -> int:
    """Prints a link for an organisation; writes its QR code and printable card if asked."""
    from bot.helplines import load_directory
    from bot.i18n import load_catalogs
    from bot.outreach import link_from_options, link_url, organisation
    from bot.outreach_print import write_card, write_qr

    org = organisation(args.org)
    if org is None:
        print(f"No organisation {args.org!r} in bot/data/organisations.yaml.", file=sys.stderr)
        return 2
    try:
        link = link_from_options(org.code, args.lang, args.region or org.region, args.plan)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    username = args.bot or settings.bot_username or await _ask_username(settings)
    if not username:
        print("Set BOT_USERNAME (or TELEGRAM_BOT_TOKEN, or pass --bot).", file=sys.stderr)
        return 2
    url = link_url(username, link)
    print(url)
    if args.qr:
        write_qr(url, args.qr)
    if args.card:
        catalogs = load_catalogs(settings.default_language)
        t = catalogs.translator(link.language or catalogs.default)
        try:
            write_card(args.card, url, org, link, t, load_directory())
        except ValueError as error:
            print(error, file=sys.stderr)
            return 2
    return 0


async def _ask_username(settings: Settings) -> str | None:
    """The bot's username, from Telegram, when a token is set."""
    if not settings.token:
        return None
    from telegram import Bot

    async with Bot(settings.token, base_url=settings.telegram_api_base_url) as bot:
        return bot.username


async def outreach_stats(settings: Settings, args: argparse.Namespace) -> int:
    """Anonymous counts; needs no secrets, since it reads nothing about anyone."""
    from bot.database import create_engine, migrate
    from bot.stats import format_csv, format_table, report

    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        rows = await report(engine, args.org, args.since)
    finally:
        await engine.dispose()
    print(format_csv(rows) if args.csv else format_table(rows))
    return 0


async def terminal(settings: Settings) -> int:
    from bot.runtime import open_runtime
    from bot.terminal import chat

    logging.getLogger().setLevel(logging.WARNING)
    runtime = await open_runtime(settings, start_without_database=True)
    try:
        await chat(runtime, sys.stdin, sys.stdout)
    finally:
        await runtime.close()
    return 0


async def migrate_only(settings: Settings) -> int:
    from bot.runtime import open_runtime

    runtime = await open_runtime(settings)
    await runtime.close()
    return 0


async def rotate(settings: Settings) -> int:
    from bot import keycheck
    from bot.runtime import open_runtime

    runtime = await open_runtime(settings)
    try:
        count = await runtime.conversations.store.rotate_keys()
        await keycheck.rewrite(runtime.database, runtime.vault)
        print(f"Re-encrypted {count} rows with the newest key.")
    finally:
        await runtime.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Logging that never carries what a person wrote, their id, name or username, or a secret.

Our own modules (`bot.*`) log only kinds, counts and update numbers. Libraries promise no
such thing: at DEBUG, python-telegram-bot logs whole updates (names, usernames, what was
typed), httpx and httpcore log request URLs (the bot token) and bodies (answers), and
SQLAlchemy logs rows. So a record from outside `bot` below WARNING is dropped, and from
WARNING up keeps only its level, its logger's name and the type of its error. Any record
that still spells out a secret (the token, a key) has it masked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OURS = ("bot", "__main__")  # `python -m bot` logs from `__main__`
# Held at WARNING or above whatever LOG_LEVEL says, so their debug lines are never made.
LIBRARIES = (
    "telegram",
    "httpx",
    "httpcore",
    "sqlalchemy",
    "aiosqlite",
    "asyncpg",
    "asyncio",
    "alembic",
    "aiolimiter",
)
WITHHELD = "details withheld: library log lines may hold personal data"
MASK = "[secret]"


class PrivacyFilter(logging.Filter):
    """Drops or reduces library records; masks secrets in ours."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not _ours(record.name):
            if record.levelno < logging.WARNING:
                return False
            _withhold(record)
        elif self._secrets:
            self._mask(record)
        return True

    def _mask(self, record: logging.LogRecord) -> None:
        record.msg, record.args = self._masked(record.getMessage()), None
        if record.exc_info:
            record.exc_text = self._masked(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None

    def _masked(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def _ours(name: str) -> bool:
    return any(name == own or name.startswith(f"{own}.") for own in OURS)


def _withhold(record: logging.LogRecord) -> None:
    error = record.exc_info[1] if record.exc_info else None
    record.msg = WITHHELD if error is None else f"{WITHHELD} ({type(error).__name__})"
    record.args = None
    record.exc_info = record.exc_text = record.stack_info = None


def install(level: str, secrets: Iterable[str] = ()) -> None:
    """Logs to stderr at `level`, every handler behind the privacy filter.

    Raises ValueError for a level that is not DEBUG, INFO, WARNING, ERROR or CRITICAL.
    """
    numeric = logging.getLevelNamesMapping().get(level.upper())
    if numeric is None:
        raise ValueError(f"LOG_LEVEL={level} is not one of DEBUG, INFO, WARNING or ERROR.")
    logging.basicConfig(level=numeric, format=FORMAT)
    root = logging.getLogger()
    root.setLevel(numeric)
    privacy = PrivacyFilter(secrets)
    for handler in root.handlers:
        handler.addFilter(privacy)
    for name in LIBRARIES:
        library = logging.getLogger(name)
        library.setLevel(max(numeric, logging.WARNING))
        library.addFilter(privacy)

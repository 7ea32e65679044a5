"""Anonymous outreach counts: per organisation and day, how many links opened, plans started
and plans saved. Never who.

The table holds an organisation code, a date, what happened, the plan kind and a number.
Nothing else: no person id or hash of one, no time finer than a day, nothing from a plan,
and no row id either (the key is the row's own content), so not even the order in which
people arrived can be read back.

Counting each person once (a person who saves a plan five times is one saved plan) needs a
memory of what was already counted for them. That memory lives on their own row
(``Person.outreach_counted``, written with `claim`), so it goes when they use /delete, and it
never leaves their row: the counts table cannot be joined back to anyone.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final, Literal, get_args

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.dml import Insert
from sqlmodel import Field, SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outreach import PLANS

__all__ = [
    "EVENTS",
    "Claim",
    "Event",
    "OutreachDay",
    "Row",
    "claim",
    "count",
    "format_csv",
    "format_table",
    "report",
    "today",
]

Event = Literal["opened", "started", "saved"]
#: In the order a person goes through them (also the order of report columns).
EVENTS: Final[tuple[Event, ...]] = get_args(Event)

_EVENT_CODES: Final[dict[str, str]] = {"opened": "o", "started": "s", "saved": "f"}
_KEY: Final = ("org", "day", "event", "kind")


class OutreachDay(SQLModel, table=True):
    """How many times something happened on one day for one organisation's links."""

    __tablename__ = "outreach_day"

    org: str = Field(max_length=16, primary_key=True)
    day: date = Field(primary_key=True)
    event: str = Field(max_length=16, primary_key=True)
    kind: str = Field(default="", max_length=32, primary_key=True)  # plan kind, or ""
    count: int = 0


@dataclass(frozen=True)
class Row:
    org: str
    day: date
    event: str
    kind: str
    count: int


def today() -> date:
    """The day counts are filed under: the UTC date, the same for every bot process."""
    return datetime.now(UTC).date()


# --------------------------------------------------------------------------- counting once


@dataclass(frozen=True)
class Claim:
    """Count ``event`` for ``org``; then store ``counted`` as the person's new flag."""

    org: str
    counted: str


def claim(
    counted: str | None, event: Event, kind: str = "", *, org: str | None = None
) -> Claim | None:
    """Whether this person's event is still to be counted, and their flag once it is.

    ``counted`` is the person's ``outreach_counted`` value: ``"<org>:<codes>"``, the
    organisation of the last outreach link they opened and what was already counted for it,
    e.g. ``"demo:o,ss,fs"`` (opened; started and saved a safety plan). At most 31 characters.

    - ``"opened"`` needs ``org`` (the link's). Opening another organisation's link starts
      afresh for that organisation: from then on their plans count for it.
    - ``"started"`` and ``"saved"`` need ``kind`` (a key of `PLANS`) and count for the
      organisation in the flag; someone who never opened an outreach link is not counted.

    Returns None when there is nothing to count. Raises ValueError for a wrong call.
    """
    flag_org, _, flag_codes = (counted or "").partition(":")
    codes = [c for c in flag_codes.split(",") if c]
    if event == "opened":
        if org is None or kind:
            raise ValueError("'opened' needs the link's org and no kind")
        if org == flag_org and "o" in codes:
            return None
        return Claim(org, f"{org}:{','.join(['o', *codes] if org == flag_org else ['o'])}")
    if org is not None or kind not in PLANS:
        raise ValueError(f"{event!r} needs a plan kind ({', '.join(PLANS)}) and no org")
    code = _EVENT_CODES[event] + PLANS[kind]
    if not flag_org or code in codes:
        return None
    return Claim(flag_org, f"{flag_org}:{','.join([*codes, code])}")


# --------------------------------------------------------------------------- storage


async def count(
    target: AsyncSession | AsyncEngine,
    org: str,
    event: Event,
    kind: str = "",
    day: date | None = None,
) -> None:
    """Adds one to the day's count (an upsert: safe with any number of bot processes).

    Given a session, the change is part of its transaction (commit it with the person's row,
    so the flag from `claim` and the count stay in step); given an engine, it commits at once.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}")
    if (event == "opened") != (kind == ""):
        raise ValueError("'opened' has no kind; 'started' and 'saved' need one")
    values = {"org": org, "day": day or today(), "event": event, "kind": kind, "count": 1}
    if isinstance(target, AsyncEngine):
        async with target.begin() as connection:
            await connection.execute(_upsert(connection.dialect.name, values))
    else:
        await target.exec(_upsert(target.get_bind().dialect.name, values))


def _upsert(dialect: str, values: dict[str, object]) -> Insert:
    add_one = {"count": col(OutreachDay.count) + 1}
    if dialect == "sqlite":
        statement = sqlite_insert(OutreachDay).values(values)
        return statement.on_conflict_do_update(index_elements=_KEY, set_=add_one)
    if dialect == "postgresql":
        pg_statement = postgresql_insert(OutreachDay).values(values)
        return pg_statement.on_conflict_do_update(index_elements=_KEY, set_=add_one)
    raise NotImplementedError(f"outreach counts support SQLite and PostgreSQL, not {dialect}")


async def report(
    engine: AsyncEngine, org: str | None = None, since: date | None = None
) -> list[Row]:
    """Every count, optionally for one organisation and from a day on (inclusive)."""
    query = select(OutreachDay)
    if org is not None:
        query = query.where(OutreachDay.org == org)
    if since is not None:
        query = query.where(col(OutreachDay.day) >= since)
    async with AsyncSession(engine) as session:
        found = (await session.exec(query)).all()
    rows = [Row(r.org, r.day, r.event, r.kind, r.count) for r in found]
    return sorted(rows, key=lambda r: (r.org, r.day, _event_order(r.event), r.kind))


def _event_order(event: str) -> int:
    return EVENTS.index(event) if event in EVENTS else len(EVENTS)


# --------------------------------------------------------------------------- output


def format_csv(rows: Sequence[Row]) -> str:
    """One line per count (``org,day,event,kind,count``), ready for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["org", "day", "event", "kind", "count"])
    writer.writerows([r.org, r.day.isoformat(), r.event, r.kind, r.count] for r in rows)
    return out.getvalue()


def format_table(rows: Sequence[Row]) -> str:
    """A plain-text table for operators: a line per organisation and day, then its totals."""
    if not rows:
        return "No outreach counts for this selection yet."
    columns = sorted({(r.event, r.kind) for r in rows}, key=lambda c: (_event_order(c[0]), c[1]))
    grid: dict[tuple[str, str], Counter[tuple[str, str]]] = {}
    for r in rows:
        for key in ((r.org, r.day.isoformat()), (r.org, "total")):
            grid.setdefault(key, Counter())[(r.event, r.kind)] += r.count
    header = ["ORG", "DAY", *(f"{event} {kind}".strip() for event, kind in columns)]
    body = [
        [org, day, *(str(grid[(org, day)][c]) for c in columns)]
        for org, day in sorted(grid, key=lambda key: (key[0], key[1] == "total", key[1]))
    ]
    widths = [max(len(line[i]) for line in (header, *body)) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in (header, *body)
    )

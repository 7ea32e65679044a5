"""Small parts with rules of their own: URLs, button tokens, message packing, settings."""

from __future__ import annotations

import pytest

from bot.database import async_url
from bot.render import pack, visible_length
from bot.settings import MissingSecrets, Settings
from bot.tokens import MAX_BYTES, ActionButton, FlowButton, action_token, flow_token, parse
from flows import FLOWS
from flows.engine import REMOVE_PREFIX, item_fingerprint


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///data/safeplan.sqlite3", "sqlite+aiosqlite:///data/safeplan.sqlite3"),
        ("sqlite:////abs/path.db", "sqlite+aiosqlite:////abs/path.db"),
        ("postgresql://u:p@db:5432/safeplan", "postgresql+asyncpg://u:p@db:5432/safeplan"),
        ("postgresql+asyncpg://u:p@db/safeplan", "postgresql+asyncpg://u:p@db/safeplan"),
    ],
)
def test_a_plain_database_url_gets_its_async_driver(given: str, used: str) -> None:
    assert async_url(given) == used


def test_tokens_round_trip_and_anything_else_is_stale() -> None:
    assert parse(flow_token("sp", 1, "warning_signs", "done")) == FlowButton(
        "sp", 1, "warning_signs", "done"
    )
    assert parse(action_token("delete", "ab12cd:yes")) == ActionButton("delete", "ab12cd:yes")
    for forged in ("", "garbage", "zz|x", "sp|x|y", "spx|a|b", "SP1|a|b", "sp1||done"):
        assert parse(forged) is None
    with pytest.raises(ValueError, match="64 bytes"):
        flow_token("sp", 1, "s" * 60, "v")


def test_every_button_a_flow_can_show_fits_telegrams_limit() -> None:
    for flow in FLOWS.values():
        for step in flow.steps:
            values = [o.id for o in step.options] + ["continue", "done", "skip", "back"]
            values.append(f"{REMOVE_PREFIX}29:{item_fingerprint({'text': 'x'})}")
            for value in values:
                assert len(flow_token(flow.code, flow.version, step.id, value)) <= MAX_BYTES
            assert len(flow_token(flow.code, flow.version, "review", f"edit:{step.id}")) <= 64


def test_packing_splits_between_lines_and_counts_entities_as_one() -> None:
    assert visible_length("<b>a &amp; b</b>") == 5
    blocks = ["<b>Heading</b>\n" + "\n".join(f"• item {i} &amp;" for i in range(400))]
    messages = pack(blocks, limit=1000)
    assert len(messages) > 1
    assert all(visible_length(m) <= 1000 for m in messages)
    assert all(m.count("<b>") == m.count("</b>") for m in messages)
    assert "\n".join(messages).count("• item") == 400


def test_missing_secrets_are_named() -> None:
    settings = Settings(_env_file=None)
    with pytest.raises(MissingSecrets, match="SAFEPLAN_ENCRYPTION_KEYS, SAFEPLAN_ID_SECRET"):
        settings.require_secrets()


def test_a_checklist_shows_ticks_on_its_buttons_and_own_words_under_the_question() -> None:
    from bot.i18n import load_catalogs
    from bot.render import Place, StepRenderer
    from flows import build_engines
    from flows.engine import Snapshot

    engine = build_engines()["safety_plan"]
    place = Place(dial=lambda raw: raw, emergency="112", helplines=lambda kinds: [])
    renderer = StepRenderer(engine, load_catalogs().translator("en"), place)
    answers = {"safer_surroundings": [{"id": "lock_away"}, {"text": "Car keys to my brother"}]}
    [message] = renderer.ask(Snapshot("safer_surroundings", answers))
    assert "So far:\n• Car keys to my brother" in message.html
    assert "Lock things away" not in message.html  # a tick, not a line
    labels = [b.label for row in message.buttons for b in row]
    assert "✓ Lock things away and give the key to someone" in labels
    assert "✕ Remove: Car keys to my brother" in labels
    assert not any(label.startswith("✕ Remove: Lock") for label in labels)

"""Outreach links: a scanned link lands a person in the right language, region and plan."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import load_catalogs
from bot.outreach import OutreachLink
from bot.runtime import Runtime
from bot.settings import Settings
from bot.stats import OutreachDay
from flows.entry import NOT_SAFE, SAFE_NOW
from tests.e2e import ROOT, joined, turn
from tests.fakebot import FakeBotApi


async def counts(bot: Runtime) -> dict[tuple[str, str, str], int]:
    async with AsyncSession(bot.database) as session:
        rows = (await session.exec(select(OutreachDay))).scalars().all()  # type: ignore[call-overload]
    return {(r.org, r.event, r.kind): r.count for r in rows}


async def test_a_link_sets_region_greets_by_organisation_and_offers_its_services(
    api: FakeBotApi, bot: Runtime
) -> None:
    user = api.user(user_id=9601)
    payload = OutreachLink("demo", language="en", region="GB", subdivision="GB-ENG").encode()
    shown = await turn(user, f"/start {payload}", text=True)
    assert "Riverside Outreach (fictional example) shared this bot with you" in joined(shown)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    first = await turn(user, "A safety plan")  # no region question: the link gave it
    assert "Step 1 of 7" in first[-1].text
    await turn(user, "Feeling hopeless")
    await turn(user, "Done ›")
    await turn(user, "Go for a walk")
    await turn(user, "Done ›")
    await turn(user, "Skip")
    services_step = await turn(user, "Skip")
    assert "Riverside Drop-in (example)" in services_step[-1].button_labels
    picked = await turn(user, "Riverside Drop-in (example)")
    assert "Riverside Drop-in (example): +44 20 7946 0123" in picked[-1].text
    assert "Riverside Drop-in (example)" not in picked[-1].button_labels
    await turn(user, "Done ›")
    await turn(user, "Skip")
    await turn(user, "Skip")
    await turn(user, "✓ Save my plan")
    plan = joined(await turn(user, "/myplan", text=True))
    assert plan.index("NHS 111") < plan.index("1. Warning signs")
    assert plan.index("Riverside Drop-in (example): +44 20 7946 0123") < plan.index(
        "Local services from Riverside Outreach"
    )
    assert "Riverside Talking Space (example)" in plan

    assert await counts(bot) == {
        ("demo", "opened", ""): 1,
        ("demo", "started", "safety_plan"): 1,
        ("demo", "saved", "safety_plan"): 1,
    }
    # The same person again: opened, started and saved once each, never twice.
    await turn(user, f"/start {payload}", text=True)
    await turn(user, "Continue")
    await turn(user, "Yes, I'm safe right now")
    await turn(user, "A safety plan")
    await turn(user, "✓ Save my plan")
    assert set((await counts(bot)).values()) == {1}


async def test_a_link_can_open_straight_into_a_plan_in_another_language(
    api: FakeBotApi, bot: Runtime
) -> None:
    """Straight into the plan it names, but never past "are you safe right now?"."""
    fr = load_catalogs().translator("fr")
    user = api.user(user_id=9602, language_code="en")
    payload = OutreachLink(
        "democa", language="fr", region="CA", subdivision="CA-QC", plan="harm_reduction"
    ).encode()
    shown = await turn(user, f"/start {payload}", text=True)
    assert "Équipe de rue Exemple" in joined(shown)
    asked = await turn(user, fr.pgettext("button", "Continue"))
    assert fr.gettext(SAFE_NOW) in asked[-1].text
    helped = await turn(user, fr.gettext(NOT_SAFE))
    assert "1 866 APPELLE" in joined(helped)  # the Quebec line
    # The bot stays with the person: the plan is offered, not opened in the same breath.
    assert fr.gettext("Step {n} of {total}").format(n=1, total=2) not in joined(helped)
    opened = await turn(user, fr.pgettext("button", "Make my plan"))
    assert fr.gettext("Step {n} of {total}").format(n=1, total=2) in opened[-1].text
    key = bot.vault.person_key("telegram", user.id)
    async with bot.conversations.store.open(key) as record:
        assert (record.person.language, record.person.region) == ("fr", "CA")
        assert record.person.subdivision == "CA-QC"
        assert record.draft is not None
        assert record.draft.flow == "harm_reduction"


async def test_an_unknown_or_broken_payload_is_a_normal_start(
    api: FakeBotApi, bot: Runtime
) -> None:
    for n, payload in enumerate(["o1_nosuchorg_en_GB", "hello", "o9_demo", "x" * 64, "o1_demo_zz"]):
        user = api.user(user_id=9610 + n)
        shown = await turn(user, f"/start {payload}", text=True)
        assert "shared this bot with you" not in joined(shown)
        assert "I'm safeplan" in joined(shown)
    assert ("nosuchorg", "opened", "") not in await counts(bot)


def test_the_stats_table_cannot_point_back_to_anyone() -> None:
    columns = {c.name for c in OutreachDay.__table__.columns}  # type: ignore[attr-defined]
    assert columns == {"org", "day", "event", "kind", "count"}


async def test_stats_command_prints_the_counts(
    api: FakeBotApi, bot: Runtime, settings: Settings
) -> None:
    user = api.user(user_id=9620)
    await turn(user, f"/start {OutreachLink('demo', region='GB').encode()}", text=True)
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "stats", "--org", "demo", "--csv"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DATABASE_URL": settings.database_url, "PATH": "/usr/bin:/bin"},  # no secrets
        check=True,
    )
    assert done.stdout.splitlines()[0] == "org,day,event,kind,count"
    assert ",opened,,1" in done.stdout


def test_link_command_prints_the_link_and_writes_qr_and_card(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "link",
            "--org",
            "demoua",
            "--lang",
            "uk",
            "--region",
            "UA",
            "--plan",
            "harm-reduction",
            "--bot",
            "safeplan_bot",
            "--qr",
            str(tmp_path / "qr.png"),
            "--card",
            str(tmp_path / "card.pdf"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        check=True,
    )
    url = done.stdout.strip()
    assert url == "https://t.me/safeplan_bot?start=o1_demoua_uk_UA_h"
    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    [found] = zxingcpp.read_barcodes(Image.open(tmp_path / "qr.png"))
    assert found.text == url
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "card.pdf").pages)
    assert "7333" in text


async def test_the_link_command_asks_telegram_for_the_bots_name(
    api: FakeBotApi, settings: Settings
) -> None:
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot", "link", "--org", "demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "TELEGRAM_BOT_TOKEN": settings.token or "",
            "TELEGRAM_API_BASE_URL": api.base_url,
        },
        check=True,
    )
    assert done.stdout.strip() == "https://t.me/safeplan_test_bot?start=o1_demo__GB"

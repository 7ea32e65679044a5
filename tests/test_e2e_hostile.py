"""Hostile input, end to end, over the fake Bot API.

Whatever arrives (huge or invisible text, markup, control characters, lone surrogates, every
kind of media, forged buttons, commands for other bots, odd language codes, groups and
channels), the bot must not crash, must answer kindly where an answer is due, must make no
call Telegram would refuse (the fake refuses what Telegram refuses, unescaped HTML included),
and must lose nothing a person already wrote.

One bot runs per group of inputs. Each input comes from a person placed at one position:
nothing in progress (after /help), asked for the name of their country, the entry's plan
choice, step 1 of the safety plan with an answer given, or the plan's review with two. A
person an input moved elsewhere (/start, say) is replaced by a fresh one for the next input.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from itertools import count
from typing import Any

import pytest

from bot.events import Press, clean_text
from bot.runtime import Runtime
from bot.screens import Button
from bot.store import Draft
from bot.terminal import parse_line
from flows import FLOWS
from flows.engine import NOTHING_TYPED, TOO_LONG, TOO_MANY, Typed, parse_contact
from tests.e2e import joined, last_keyboard, start_plan, turn
from tests.fakebot import BotMessage, Chat, FakeBotApi, ScriptedUser

JSON = dict[str, Any]
FIRST, SECOND = "First answer, kept", "Second answer, kept"
WHERE: dict[str, tuple[str, str] | None] = {
    "no_flow": None,
    "country_name": None,  # asked to type the name of their country
    "choice_step": ("entry", "choose"),
    "list_step": ("safety_plan", "warning_signs"),
    "contacts_step": ("safety_plan", "people_to_ask"),
    "review": ("safety_plan", "review"),
}
INACCESSIBLE = 10**6  # a message the bot can't see any more: Telegram sends a stub for it
FULL_ENOUGH = 20  # answers in a list step after which a fresh person takes over


# --- the inputs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    label: str
    send: Callable[[ScriptedUser, FakeBotApi], Awaitable[Any]]
    typed: str | None = None  # text that may become answers
    contact: bool = False  # a shared contact: an answer in a step about people


def text(value: str) -> Hostile:
    return Hostile(f"text {value[:40]!r}", lambda user, api: user.send(value), value)


def command(value: str) -> Hostile:
    """Sent as text, but never an answer: a command (ours, unknown, or another bot's)."""
    return Hostile(f"command {value[:40]!r}", lambda user, api: user.send(value))


def callback(data: str, *, on_a_gone_message: bool = False) -> Hostile:
    """Button data as if pressed on the newest keyboard, or on a message the bot can't see."""

    async def press(user: ScriptedUser, api: FakeBotApi) -> None:
        await user.click_data(data, INACCESSIBLE if on_a_gone_message else None)

    where = " on a gone message" if on_a_gone_message else ""
    return Hostile(f"callback {data[:40]!r}{where}", press)


def media(kind: str, fields: Callable[[FakeBotApi], JSON], *, contact: bool = False) -> Hostile:
    return Hostile(kind, lambda user, api: user.send_raw(fields(api), f"[{kind}]"), contact=contact)


def edit(value: str) -> Hostile:
    """The person edits their newest message."""

    async def send(user: ScriptedUser, api: FakeBotApi) -> None:
        await user.edit(user.own_message_ids()[-1], value)

    return Hostile(f"edit to {value[:40]!r}", send)


def file_ids(
    api: FakeBotApi, name: str = "file.bin", mime: str = "application/octet-stream"
) -> JSON:
    return api.add_file(name, b"not really a file", mime).ids()


BERLIN = {"latitude": 52.52, "longitude": 13.405}

TEXTS = [
    # huge
    text("x" * 4096),
    text("word " * 819),
    text("\n".join(["one line"] * 300)),
    text("\n".join(f"line {n}" for n in range(25))),
    text("\n".join(emoji * 900 for emoji in "😀😁😂😃")),
    text("🙂" * 2048),
    text("supercalifragilistic" * 5000),
    text(("a" * 999 + "\n") * 4),
    text("a" * 1001),
    # control characters
    text("\x00"),
    text("before\x00after"),
    text("\x07\x08\x1b[31mred\x1b[0m"),
    text("tab\there"),
    text("carriage\rreturn"),
    text("\x7f\x80\x85\x9f"),
    text("line\u2028separator\u2029paragraph"),
    text("\x0b\x0c\x1c\x1d\x1e"),
    # zero-width and invisible
    text("\u200b"),
    text("\u200b\u200c\u200d\u2060\ufeff"),
    text("zero\u200bwidth\u200cinside"),
    text("\u200b/myplan"),
    text("/my\u200bplan"),
    text("/myplan\u200b"),
    text("\u200e\u200f"),
    text("\u3000\u00a0\u2003"),
    # direction overrides
    text("\u202eevil\u202c"),
    text("abc\u202edef"),
    text("\u2067isolate\u2069 and \u2066more"),
    text("\u202b<b>bold</b>"),
    text("שלום עולם"),
    text("مرحبا \u202e 123"),
    # lone surrogates
    text("\ud800"),
    text("a\udfffb"),
    text("\ud83d"),
    text("x\ud800\nsecond \udc00 line"),
    # HTML
    text("<b>bold</b>"),
    text("</code>"),
    text("<code>"),
    text("&"),
    text("&amp; &lt; &gt; &quot; &#0; &#xD800;"),
    text("a & b < c > d"),
    text('<a href="https://evil.example">click</a>'),
    text("<script>alert(1)</script>"),
    text('<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>'),
    text("<pre><code class='language-python'>x</code></pre>"),
    text("<<>>"),
    text("<b><i>nested</b></i>"),
    text("<blockquote expandable>quote"),
    text("\"double\" and 'single' quotes"),
    # Markdown
    text("*bold* _italic_ `code`"),
    text("```\npre\n```"),
    text("[link](https://example.com)"),
    text("~~strike~~ ||spoiler|| __under__"),
    text("\\*escaped\\* \\_too\\_"),
    text("# heading\n> quote\n- item"),
    # looks like something else
    text("• already bulleted"),
    text("✕ Remove: Not sleeping well"),
    text("Done ›"),
    text("null"),
    text('{"answers": [], "state": "review"}'),
    text("'); DROP TABLE plans; --"),
    text("%s %d {0} {name} {{}}"),
    text("${jndi:ldap://example.com/x}"),
    text("../../etc/passwd"),
    text("٣٣٣ ²²² ０１２"),
    text("ﷺ" * 100),
    text("Z̷̧̛̖a̵̗͌l̶̢̈g̸̣̓o̷͍͝" * 40),
    text("👨‍👩‍👧" * 50),
    text("🏳️‍🌈 \U0010ffff \ufffd \ufffe \uffff"),
    text(" "),
    text("\n\n\n"),
]

COMMANDS = [
    command("/myplan@OtherBot"),
    command("/start@OtherBot"),
    command("/delete@OtherBot"),
    command("/MYPLAN@OTHERBOT with words"),
    command("/sos@other_bot"),
    command("/myplan@"),
    command("/unknown"),
    command("/x"),
    command("/"),
    command("//"),
    command("/ start"),
    command("/😀"),
    command("/региона"),
    command("/start\npayload on a new line"),
    command("/start\u00a0nbsp"),
    command("/start " + "A" * 64),
    command("/start " + "🙂" * 16),
    command("/start " + "x" * 5000),
    command("/start o_"),
    command("/start o_demo_xx_ZZ"),
    command("/start o_demo_en_GB_zz"),
    command("/start o_nope"),
    command("/start o_\ud800"),
    command("/start <b>hi</b> & bye"),
    command("/start ../../etc/passwd"),
    command("/start@safeplan_test_bot o_garbage"),
    command("/myplan " + "x" * 4000),
    command("/sos <b>now</b>"),
    command("/help \ud800"),
    command("/region " + "ZZ" * 100),
    command("/language xx"),
    command("/cancel@OtherBot"),
    command("/myplan\u202e"),
    command("/\u202emyplan"),
]

CALLBACKS = [
    callback(""),
    callback(" "),
    callback("|"),
    callback("||"),
    callback("x"),
    callback("x|"),
    callback("x|||"),
    callback("x|delete|abc123:yes"),
    callback("x|delete|:yes"),
    callback("x|safe|abc123:not"),
    callback("x|resume|abc:restart"),
    callback("x|lang|xx"),
    callback("x|lang|"),
    callback("x|lang|EN"),
    callback("x|region|ZZZ"),
    callback("x|region|ZZ"),
    callback("x|region|zz"),
    callback("x|region|ÄÖ"),
    callback("x|region|"),
    callback("x|subdiv|GB-XXX"),
    callback("x|subdiv|"),
    callback("x|edit|nonsense"),
    callback("x|edit|"),
    callback("x|edit|entry"),
    callback("x|nonsense|"),
    callback("x|myplan|junk"),
    callback("x|begin|junk"),
    callback("sp1|warning_signs|svc:²"),
    callback("sp1|warning_signs|svc:٣"),
    callback("sp1|warning_signs|svc:-1"),
    callback("sp1|warning_signs|svc:99999999999999999999"),
    callback("sp1|warning_signs|svc:"),
    callback("sp1|warning_signs|rm:²:abcdef"),
    callback("sp1|warning_signs|rm:٣:abcdef"),
    callback("sp1|warning_signs|rm:-1:abcdef"),
    callback("sp1|warning_signs|rm:0:zzzzzz"),
    callback("sp1|warning_signs|nonsense"),
    callback("sp1|warning_signs|"),
    callback("sp1|review|edit:nonsense"),
    callback("sp1|review|rm:0:abc"),
    callback("sp2|warning_signs|done"),
    callback("sp0|review|save"),
    callback("sp١|warning_signs|done"),
    callback("sp²|review|save"),
    callback("sp1\n|review|save"),
    callback("SP1|warning_signs|done"),
    callback("sp" + "9" * 40 + "|warning_signs|done"),
    callback("sp" + "9" * 5000 + "|warning_signs|done"),
    callback("sp1|warning_signs|rm:" + "9" * 5000 + ":x"),
    callback("hr1|review|save"),
    callback("es1|safe_now|yes"),
    callback("en1|safe_now|no"),
    callback("\x00\x01\x02"),
    callback("\ud800"),
    callback("\udfff|x|y"),
    callback("🙂" * 16),
    callback("a" * 64),
    callback("x|" + "a" * 62),
    callback("x|region|" + "A" * 5000),
    callback("x|myplan|", on_a_gone_message=True),
    callback("sp1|warning_signs|rm:²:abcdef", on_a_gone_message=True),
]

MEDIA = [
    media(
        "sticker",
        lambda api: {
            "sticker": {
                **file_ids(api, "s.webp", "image/webp"),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
    ),
    media("photo", lambda api: {"photo": [{**file_ids(api), "width": 90, "height": 90}]}),
    media(
        "photo with a caption",
        lambda api: {
            "photo": [{**file_ids(api), "width": 90, "height": 90}],
            "caption": "<b>caption</b> & /myplan \ud800",
        },
    ),
    media("voice", lambda api: {"voice": {**file_ids(api), "duration": 3}}),
    media(
        "video",
        lambda api: {"video": {**file_ids(api), "width": 64, "height": 48, "duration": 5}},
    ),
    media(
        "video note", lambda api: {"video_note": {**file_ids(api), "length": 240, "duration": 5}}
    ),
    media("audio", lambda api: {"audio": {**file_ids(api), "duration": 180, "title": "<b>x</b>"}}),
    media(
        "document",
        lambda api: {"document": {**file_ids(api), "file_name": "<script>.txt"}},
    ),
    media(
        "animation",
        lambda api: {
            "animation": {**file_ids(api), "width": 32, "height": 24, "duration": 2},
            "document": {**file_ids(api), "file_name": "a.gif.mp4"},
        },
    ),
    media("location", lambda api: {"location": BERLIN}),
    media("live location", lambda api: {"location": {**BERLIN, "live_period": 900}}),
    media(
        "venue",
        lambda api: {
            "venue": {"location": BERLIN, "title": "<b>Café</b>", "address": "1 & 2 Street"},
            "location": BERLIN,
        },
    ),
    media(
        "poll",
        lambda api: {
            "poll": {
                "id": "1",
                "question": "<b>?</b>",
                "options": [
                    {"text": "a", "voter_count": 0, "persistent_id": "a"},
                    {"text": "b", "voter_count": 0, "persistent_id": "b"},
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        },
    ),
    media("dice", lambda api: {"dice": {"emoji": "🎲", "value": 6}}),
    media("story", lambda api: {"story": {"chat": {"id": -1001, "type": "channel"}, "id": 1}}),
    media("nothing at all", lambda api: {}),
    media(
        "contact with markup",
        lambda api: {
            "contact": {
                "phone_number": "+44 7911 123456",
                "first_name": "<b>Sam</b> & co",
                "last_name": "\ud800",
            }
        },
        contact=True,
    ),
    media(
        "contact with odd digits",
        lambda api: {"contact": {"phone_number": "²²² ٣٣٣", "first_name": "\u202eSam\u200b"}},
        contact=True,
    ),
]

EDITS = [
    edit("\ud800"),
    edit("<b>changed</b> & </code>"),
    edit("/myplan@OtherBot"),
    edit("/start o_garbage"),
    edit("\u200b"),
    edit("x" * 4096),
    edit("\x00\u202e"),
]

GROUPS = {
    "texts": TEXTS,
    "commands": COMMANDS,
    "callbacks": CALLBACKS,
    "media": MEDIA,
    "edits": EDITS,
}
CASES = [
    (group, position)
    for group in GROUPS
    for position in WHERE
    if position not in ("country_name", "contacts_step")
    or group == "texts"
    or (group, position) == ("media", "contacts_step")
]


# --- placing people and watching the bot ----------------------------------------------------


async def place(user: ScriptedUser, position: str) -> None:
    """Brings a new person to `position` the way anyone gets there: by tapping and typing."""
    if position == "no_flow":
        await turn(user, "/help", text=True)
        return
    if position == "country_name":
        await turn(user, "/region", text=True)
        await turn(user, "Another country")
        return
    if position == "choice_step":
        await turn(user, "/start", text=True)
        await turn(user, "Continue")
        await turn(user, "Yes, I'm safe right now")
        return
    await start_plan(user)
    await turn(user, FIRST, text=True)
    if position in ("contacts_step", "review"):
        await turn(user, "Done ›")
        await turn(user, SECOND, text=True)
        await turn(user, "Done ›")
        await turn(user, "Skip")
    if position == "review":
        for _ in range(4):
            await turn(user, "Skip")


def where(draft: Draft | None) -> tuple[str, str] | None:
    return None if draft is None else (draft.flow, draft.snapshot.state)


def items(draft: Draft | None, step: str) -> list[Any]:
    return list(draft.snapshot.answers.get(step) or []) if draft else []


@dataclass(frozen=True)
class ListStep:
    """A step where typed lines become answers: which answer a line makes, what shows of it."""

    id: str
    heading: str
    answer: Callable[[str], Any]
    shown: Callable[[Any], str]


LIST_STEPS = {
    "list_step": ListStep(
        "warning_signs", "Step 1 of 7", lambda line: {"text": line}, lambda item: item["text"]
    ),
    "contacts_step": ListStep(
        "people_to_ask", "Step 4 of 7", parse_contact, lambda item: item["name"]
    ),
}


class Scene:
    """One running bot, people placed at one position, and everything that went wrong."""

    def __init__(
        self, api: FakeBotApi, runtime: Runtime, position: str, caplog: pytest.LogCaptureFixture
    ) -> None:
        self.api = api
        self.runtime = runtime
        self.position = position
        self.caplog = caplog
        self.people: list[ScriptedUser] = []
        self.person: ScriptedUser | None = None
        self._ids = count(10_001)

    async def placed(self) -> ScriptedUser:
        if self.person is None:
            self.person = self.api.user(user_id=next(self._ids))
            self.people.append(self.person)
            await place(self.person, self.position)
        return self.person

    async def draft(self, user: ScriptedUser) -> Draft | None:
        """The person's plan in progress, as stored."""
        store = self.runtime.conversations.store
        key = self.runtime.vault.person_key("telegram", user.id)
        if not await store.exists(key):
            return None
        async with store.open(key) as record:
            return record.draft

    async def pending(self, user: ScriptedUser) -> str | None:
        """The question the person was last asked outside a plan, as stored."""
        key = self.runtime.vault.person_key("telegram", user.id)
        async with self.runtime.conversations.store.open(key) as record:
            return record.person.pending

    def errors(self) -> list[str]:
        """Handler errors logged by the bot, and calls the fake (as Telegram) refused."""
        logged = [r.getMessage() for r in self.caplog.records if r.levelno >= logging.ERROR]
        refused = [
            f"{r.method} -> {r.status} {(r.response or {}).get('description')}"
            for r in self.api.requests
            if r.status is not None and r.status != 200
        ]
        return logged + refused

    async def answered(self, user: ScriptedUser, label: str) -> list[BotMessage]:
        """The bot's reply, ending with a keyboard; fails at once on an error instead."""
        reply = await user.wait_for(
            lambda new: bool(self.errors()) or any(m.buttons and not m.deleted for m in new),
            description=f"a reply to {label}",
        )
        assert not self.errors(), f"{label}: {self.errors()}\n{user.transcript()}"
        return reply

    async def send(self, hostile: Hostile) -> list[BotMessage]:
        user = await self.placed()
        before = await self.draft(user)
        await hostile.send(user, self.api)
        reply = await self.answered(user, hostile.label)
        after = await self.draft(user)
        assert_nothing_lost(before, after, hostile.label)
        step = LIST_STEPS.get(self.position)
        if step is not None:
            assert_kept_or_refused(
                step, hostile, items(before, step.id), items(after, step.id), reply
            )
        full = step is not None and len(items(after, step.id)) >= FULL_ENOUGH
        moved = where(after) != WHERE[self.position] or full
        if moved or (self.position == "country_name" and await self.pending(user) != "region_text"):
            self.person = None
        return reply

    async def follow_up(self) -> None:
        """Everyone still gets /myplan afterwards, with their answers in it."""
        for user in self.people:
            draft = await self.draft(user)
            await user.send("/myplan")
            shown = joined(await self.answered(user, "a follow-up /myplan"))
            if where(draft) in (WHERE["list_step"], WHERE["review"]):
                assert FIRST in shown, user.transcript()


def assert_nothing_lost(before: Draft | None, after: Draft | None, label: str) -> None:
    if before is None or not FLOWS[before.flow].saves_plan:
        return  # nothing written yet, or only the entry's taps
    assert after is not None, f"{label} dropped the plan"
    assert after.flow == before.flow, f"{label} moved the plan"
    for step, answer in before.snapshot.answers.items():
        kept = after.snapshot.answers.get(step)
        if isinstance(answer, list):
            assert all(item in (kept or []) for item in answer), f"{label} lost {step}"
        else:
            assert kept == answer, f"{label} changed {step}"


def assert_kept_or_refused(
    step: ListStep, hostile: Hostile, before: list[Any], after: list[Any], reply: list[BotMessage]
) -> None:
    """Only typed words (or a contact, where people go) become answers, shown back exactly;
    or they get a kind no."""
    added = [item for item in after if item not in before]
    typed = clean_text(hostile.typed) if hostile.typed is not None else None
    shown = joined(reply)
    if hostile.contact and step.id == "people_to_ask":
        assert len(added) == 1, added
        assert step.shown(added[0]) in shown, shown
        return
    if typed is None or typed.startswith("/"):
        assert not added, f"{hostile.label} was saved as an answer: {added}"
        return
    lines = [" ".join(line.split()) for line in typed.splitlines()]
    answers = [step.answer(line) for line in lines if line]
    assert all(item in answers for item in added), added
    if step.heading not in shown:
        return  # a check-in about safety came first; its wording is not ours to test
    if added:
        assert all(step.shown(item) in shown for item in added), shown
    else:
        refused = any(notice in shown for notice in (TOO_LONG, TOO_MANY, NOTHING_TYPED))
        assert refused or all(answer in before for answer in answers), shown


# --- the tests --------------------------------------------------------------------------------


@pytest.mark.parametrize(("group", "position"), CASES)
async def test_hostile_input_gets_a_kind_reply_and_loses_nothing(
    api: FakeBotApi,
    bot: Runtime,
    caplog: pytest.LogCaptureFixture,
    group: str,
    position: str,
) -> None:
    scene = Scene(api, bot, position, caplog)
    for hostile in GROUPS[group]:
        await scene.send(hostile)
    await scene.follow_up()
    assert not scene.errors()


async def test_a_number_no_one_could_type_in_button_data_is_a_stale_button(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    """ "²".isdigit() holds but int("²") fails: forged numbers once crashed the handler."""
    scene = Scene(api, bot, "list_step", caplog)
    for data in ("sp1|warning_signs|svc:²", "sp1|warning_signs|rm:²:abcdef", "sp1\n|review|save"):
        reply = await scene.send(callback(data))
        assert "earlier" in joined(reply)
        assert "Step 1 of 7" in reply[-1].text


async def test_a_lone_surrogate_is_kept_as_a_replacement_character(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    """Half an emoji can't be encoded, so it once crashed saving the draft."""
    scene = Scene(api, bot, "list_step", caplog)
    reply = await scene.send(text("half an emoji \ud83d here"))
    assert "• half an emoji \ufffd here" in reply[-1].text
    draft = await scene.draft(scene.people[0])
    assert {"text": "half an emoji \ufffd here"} in items(draft, "warning_signs")


async def test_a_command_for_another_bot_is_never_an_answer(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    scene = Scene(api, bot, "list_step", caplog)
    reply = await scene.send(command("/myplan@OtherBot"))
    assert "I don't know that command" in joined(reply)
    assert "/myplan@OtherBot" not in reply[-1].text


async def test_answers_full_of_emoji_fit_telegrams_length_limit(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram counts an emoji as two: four long answers of them once made a message too long."""
    scene = Scene(api, bot, "list_step", caplog)
    answers = [emoji * 900 for emoji in "😀😁😂😃"]
    reply = await scene.send(text("\n".join(answers)))
    assert all(answer in joined(reply) for answer in answers)


async def test_a_country_not_found_can_be_typed_again(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    user = await Scene(api, bot, "country_name", caplog).placed()
    assert "Could you try again?" in joined(await turn(user, "Atlantis", text=True))
    assert "Germany" in (await turn(user, "Germany", text=True))[-1].button_labels


async def test_danger_written_at_the_country_question_is_not_taken_for_a_country(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    scene = Scene(api, bot, "country_name", caplog)
    reply = await scene.send(text("I am going to kill myself"))
    assert "couldn't find a country" not in joined(reply)


def test_the_terminal_reads_a_number_no_one_could_type_as_text() -> None:
    buttons = [Button("Continue", "en1|welcome|continue")]
    assert parse_line("1\n", buttons) == Press("en1|welcome|continue")
    for odd in ("²", "٣", "9" * 5000, "-1"):
        assert parse_line(odd + "\n", buttons) == Typed(odd)
    assert parse_line("\ud800\n", buttons) == Typed("\ufffd")


LANGUAGE_CODES = ["xx", "zz-ZZ", "", "pt-XX", None, "\ud800", "x" * 300, "../..", "en_US@euro"]


async def test_any_language_code_gets_a_language_and_replies(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    scene = Scene(api, bot, "no_flow", caplog)
    for n, code in enumerate(LANGUAGE_CODES):
        user = api.user(user_id=20_001 + n, language_code=code)
        for hostile in (command("/start"), text("<b>hi</b> \ud800"), command("/myplan")):
            await hostile.send(user, api)
            reply = await scene.answered(user, f"{hostile.label} in language {code!r}")
        first_button = last_keyboard(reply).buttons[0][0].callback_data
        assert first_button is not None
        await user.click_data(first_button)
        await scene.answered(user, f"a button in language {code!r}")


GroupInput = Callable[[ScriptedUser, Chat], Awaitable[Any]]


def in_group(value: str) -> GroupInput:
    return lambda user, group: user.send(value, chat=group)


async def _sticker_in(user: ScriptedUser, group: Chat) -> None:
    await user.send_sticker(chat=group)


async def _press_in(user: ScriptedUser, group: Chat) -> None:
    sent = await user.send("hello", chat=group)
    answer = await user.click_data("x|myplan|", sent, chat=group)
    await user.wait_for(lambda new: answer.answered, chat=group, description="the press answered")


async def _edit_in(user: ScriptedUser, group: Chat) -> None:
    await user.edit(await user.send("hello", chat=group), "/start", chat=group)


# (what a person does in a group, whether the bot should answer with the private-chat note)
GROUP_INPUTS: list[tuple[str, GroupInput, bool]] = [
    ("/start", in_group("/start"), True),
    ("/start@ours", in_group("/start@safeplan_test_bot"), True),
    ("/myplan@Ours", in_group("/myplan@SafePlan_Test_Bot hi"), True),
    ("/unknown", in_group("/unknown"), True),
    ("/start huge", in_group("/start " + "x" * 5000), True),
    ("/help surrogate", in_group("/help \ud800"), True),
    ("/myplan@OtherBot", in_group("/myplan@OtherBot"), False),
    ("/start@OtherBot", in_group("/start@OtherBot o_demo"), False),
    ("zero-width command", in_group("/my\u200bplan"), False),
    ("text", in_group("I need help"), False),
    ("markup", in_group("<b>hi</b> & </code>"), False),
    ("surrogate", in_group("\ud800"), False),
    ("sticker", _sticker_in, False),
    ("button", _press_in, False),
    ("edit", _edit_in, False),
]


async def test_groups_get_the_private_chat_note_only_for_our_commands(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    scene = Scene(api, bot, "no_flow", caplog)
    user = api.user(user_id=30_001)
    for n, (label, send, noted) in enumerate(GROUP_INPUTS):
        group = api.group(-(10**12) - n if n % 2 else -4000 - n)  # supergroups and groups
        await send(user, group)
        # This person's next update is handled only after this one: a barrier, not a sleep.
        await user.send("/help")
        await scene.answered(user, f"/help after {label} in a group")
        notes = group.messages
        assert len(notes) == (1 if noted else 0), f"{label}:\n{group.transcript()}"
        assert all("private chat" in note.text for note in notes), group.transcript()
        assert not any(note.buttons for note in notes), group.transcript()


async def test_channel_posts_get_nothing(
    api: FakeBotApi, bot: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    scene = Scene(api, bot, "no_flow", caplog)
    channel = api.channel(-(10**12) - 777)
    for fields in (
        {"text": "/start"},
        {"text": "/myplan@safeplan_test_bot"},
        {"text": "<b>news</b> \ud800"},
        {"photo": [{**file_ids(api), "width": 9, "height": 9}], "caption": "/start"},
    ):
        await api.post_in_channel(channel, fields)
    user = api.user(user_id=40_001)
    await user.send("/help")  # a later update, answered: the posts were seen by then
    await scene.answered(user, "/help after the channel posts")
    await api.wait_until(lambda: not any("channel_post" in u for u in api.pending_updates))
    assert not channel.messages
    assert not [r for r in api.requests if r.params.get("chat_id") == channel.id]
    assert not scene.errors()

"""Self-tests of the fake Bot API server and the scripted user.

They drive a tiny bare python-telegram-bot application (defined below) over real HTTP. Running
this module as a script starts that bot against a given server, for the cross-process test.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakebot import BotMessage, FakeBotApi, HtmlError, parse_html

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123:ABC"
App = Application[Any, Any, Any, Any, Any, Any]


# -- the bare bot ------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="answer:yes"),
                InlineKeyboardButton("No", callback_data="answer:no"),
            ],
            [InlineKeyboardButton("Docs", url="https://example.org/docs")],
        ]
    )
    await update.effective_message.reply_text("Welcome! Pick one:", reply_markup=keyboard)


async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    choice = query.data.removeprefix("answer:")
    await query.answer(f"Saved {choice}")
    again = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="answer:again")]])
    await query.edit_message_text(
        f"You chose <b>{choice}</b>", parse_mode=ParseMode.HTML, reply_markup=again
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    await message.reply_text(
        f"<i>You said:</i> {html.escape(message.text)}", parse_mode=ParseMode.HTML
    )


async def send_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_contact(
        update.effective_chat.id, phone_number="+15550100", first_name="Crisis", last_name="Line"
    )


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    assert message.document is not None
    data = await (await message.document.get_file()).download_as_bytearray()
    await message.reply_text(f"Got {message.document.file_name}: {bytes(data).decode()}")


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None
    kinds = ("sticker", "photo", "voice", "location", "contact")
    kind = next(k for k in kinds if getattr(message, k))
    await message.reply_text(f"Got a {kind}")


def build_app(base_url: str, base_file_url: str) -> App:
    app = Application.builder().token(TOKEN).base_url(base_url).base_file_url(base_file_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("contact", send_contact))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=r"^answer:"))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    media = filters.Sticker.ALL | filters.PHOTO | filters.VOICE | filters.LOCATION | filters.CONTACT
    app.add_handler(MessageHandler(media, on_media))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def app(api: FakeBotApi) -> AsyncIterator[App]:
    """The bare bot, polling the fake server in this process."""
    application = build_app(api.base_url, api.base_file_url)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0.0, timeout=1)
        yield application
        await application.updater.stop()
        await application.stop()


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[Bot]:
    """A bare Bot for direct API calls; nothing polls, so updates stay queued."""
    async with Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


# -- conversations with the polling bot --------------------------------------------------------


async def test_text_round_trip_keeps_html_escaping(api: FakeBotApi, app: App) -> None:
    user = api.user()
    await user.send("1 < 2 & <b>")
    reply = await user.reply_containing("You said:")
    assert reply.text == "You said: 1 < 2 & <b>"
    assert reply.html == "<i>You said:</i> 1 &lt; 2 &amp; &lt;b&gt;"
    assert reply.parse_mode == "HTML"
    assert reply.message_id == 2  # the user's message took id 1 in the same chat
    assert api.calls("sendMessage")[-1].params["chat_id"] == user.id


async def test_buttons_click_and_callback_is_answered(api: FakeBotApi, app: App) -> None:
    user = api.user()
    await user.send("/start")
    [welcome] = await user.reply()
    assert welcome.button_labels == ["Yes", "No", "Docs"]
    assert welcome.buttons[1][0].url == "https://example.org/docs"

    answer = await user.click("Yes")
    await user.wait_for(lambda new: answer.answered and any(m.edited for m in new))
    assert answer.text == "Saved yes"
    assert welcome.edited
    assert (welcome.text, welcome.html) == ("You chose yes", "You chose <b>yes</b>")
    assert welcome.button_labels == ["Again"]
    assert user.callback_answers == [answer]

    # A stale button on the same message still reaches the bot.
    await user.click_data("answer:no", message_id=welcome.message_id)
    await user.reply_containing("You chose no")


async def test_click_reports_missing_ambiguous_and_url_buttons(api: FakeBotApi, app: App) -> None:
    user = api.user()
    await user.send("/start")
    await user.reply()
    with pytest.raises(AssertionError, match=r"no button 'Maybe'.*\['Yes', 'No', 'Docs'\]"):
        await user.click("Maybe")
    with pytest.raises(AssertionError, match="ambiguous button 'o'"):
        await user.click("o")
    with pytest.raises(AssertionError, match="not a callback button"):
        await user.click("Docs")


async def test_contact_media_and_edits_reach_the_bot(api: FakeBotApi, app: App) -> None:
    user = api.user(first_name="Sam", username="sam")
    await user.send("/contact")
    [contact] = await user.wait_for(lambda new: any(m.kind == "contact" for m in new))
    assert (contact.phone_number, contact.first_name, contact.last_name) == (
        "+15550100",
        "Crisis",
        "Line",
    )
    actions: list[tuple[Callable[[], Awaitable[int]], str]] = [
        (user.send_sticker, "sticker"),
        (user.send_photo, "photo"),
        (user.send_voice, "voice"),
        (user.send_location, "location"),
    ]
    for action, kind in actions:
        await action()
        await user.reply_containing(f"Got a {kind}")
    await user.share_contact("+15550199", "Kim", user_id=user.id)
    await user.reply_containing("Got a contact")
    await user.send_document("plan.txt", b"stay safe")
    await user.reply_containing("Got plan.txt: stay safe")

    message_id = await user.send("first")
    await user.reply_containing("first")
    await user.edit(message_id, "second")
    await user.reply_containing("You said: second")


async def test_group_chat_has_its_own_message_ids(api: FakeBotApi, app: App) -> None:
    user = api.user()
    group = api.group(-100500, "Peers")
    await user.send("/start@safeplan_test_bot", chat=group)
    [welcome] = await user.reply()
    assert (welcome.chat_id, welcome.message_id) == (-100500, 2)
    assert group.messages == [welcome]
    assert user.messages == []


async def test_timeout_shows_the_transcript(api: FakeBotApi, app: App) -> None:
    user = api.user()
    await user.send("hello there")
    await user.reply_containing("hello there")
    with pytest.raises(AssertionError) as failure:
        await user.wait_for(lambda new: False, timeout=0.2, description="the impossible")
    report = str(failure.value)
    assert "waiting for the impossible" in report
    assert "Alex: hello there" in report
    assert "bot sent #2: You said: hello there" in report


async def test_bot_in_another_process_survives_kill_9(api: FakeBotApi) -> None:
    user = api.user()

    async def start_bot() -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.test_fakebot",
            api.base_url,
            api.base_file_url,
            cwd=ROOT,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )

    first = await start_bot()
    try:
        await user.send("/start")
        await user.reply()
    finally:
        first.kill()
        await first.wait()
    await user.send("while you were away")
    second = await start_bot()
    try:
        await user.reply_containing("You said: while you were away")
    finally:
        second.kill()
        await second.wait()


# -- the API, called directly ------------------------------------------------------------------


async def test_validation_errors_use_telegram_wording(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    await user.send("hi")  # a bot may only write to users who wrote first
    chat_id = user.id

    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(chat_id, "x" * 4097)
    await bot.send_message(chat_id, "x" * 4096)
    await bot.send_message(chat_id, f"<b>{'x' * 4096}</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"^Message is too long$"):
        await bot.send_message(chat_id, "😀" * 2049)  # limits count UTF-16 units

    with pytest.raises(BadRequest, match=r'^Can\'t parse entities: unsupported start tag "br" at'):
        await bot.send_message(chat_id, "Hello<br>there", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"^Message text is empty$"):
        await bot.send_message(chat_id, " \n ")

    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data=data)]])

    with pytest.raises(BadRequest, match=r"^Button_data_invalid$"):
        await bot.send_message(chat_id, "pick", reply_markup=keyboard("é" * 32 + "x"))
    sent = await bot.send_message(chat_id, "pick", reply_markup=keyboard("é" * 32))
    many = [[InlineKeyboardButton(str(i), callback_data=str(i))] for i in range(101)]
    with pytest.raises(BadRequest, match=r"^Reply markup is too long$"):
        await bot.send_message(chat_id, "pick", reply_markup=InlineKeyboardMarkup(many))

    with pytest.raises(BadRequest, match=r"^Message is not modified: specified new message"):
        await bot.edit_message_text(
            "pick", chat_id, sent.message_id, reply_markup=keyboard("é" * 32)
        )
    await bot.edit_message_text("pick", chat_id, sent.message_id)  # drops the keyboard
    assert user.messages[-1].buttons == []
    with pytest.raises(BadRequest, match=r"^Message is not modified"):
        await bot.edit_message_reply_markup(chat_id, sent.message_id)
    with pytest.raises(BadRequest, match=r"^Message to edit not found$"):
        await bot.edit_message_text("x", chat_id, 999)
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await bot.send_message(424242, "x")
    with pytest.raises(BadRequest, match=r"^Query is too old and response timeout expired"):
        await bot.answer_callback_query("nope")

    assert "bot sendMessage FAILED: 400 Bad Request: message is too long" in user.transcript()
    assert [m.text for m in user.messages] == ["x" * 4096, "x" * 4096, "pick"]


async def test_entities_are_trimmed_with_the_text(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    await user.send("hi")
    sent = await bot.send_message(user.id, "  <b> 😀 hi </b>\n", parse_mode=ParseMode.HTML)
    assert sent.text == "😀 hi"
    assert sent.entities[0].type == "bold"
    assert (sent.entities[0].offset, sent.entities[0].length) == (0, 5)


async def test_callback_can_be_answered_once(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    await user.send("hi")
    await bot.send_message(
        user.id,
        "pick",
        reply_markup=InlineKeyboardMarkup.from_button(
            InlineKeyboardButton("Go", callback_data="go")
        ),
    )
    answer = await user.click("Go")
    [update] = await bot.get_updates(offset=-1)
    assert update.callback_query is not None
    assert (update.callback_query.data, update.callback_query.id) == ("go", answer.query_id)
    assert await bot.answer_callback_query(answer.query_id, "Done", show_alert=True)
    assert (answer.answered, answer.text, answer.show_alert) == (True, "Done", True)
    with pytest.raises(BadRequest, match=r"^Query is too old"):
        await bot.answer_callback_query(answer.query_id)


async def test_private_chat_needs_the_user_and_blocking_forbids(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await bot.send_message(user.id, "hello?")
    await user.send("/start")
    await bot.send_message(user.id, "hello")
    await user.block()
    with pytest.raises(Forbidden, match=r"^Forbidden: bot was blocked by the user$"):
        await bot.send_message(user.id, "still there?")
    updates = await bot.get_updates()
    member = updates[-1].my_chat_member
    assert member is not None
    assert member.new_chat_member.status == "kicked"
    await user.unblock()
    await bot.send_message(user.id, "welcome back")


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: any(r.status is None for r in api.calls("getUpdates")))
    loop = asyncio.get_running_loop()
    sent_at = loop.time()
    await user.send("ping")
    updates = await asyncio.wait_for(poll, 2)
    assert loop.time() - sent_at < 1
    assert [u.message.text for u in updates if u.message] == ["ping"]


async def test_offset_confirms_and_limit_caps_updates(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    for text in ("a", "b", "c"):
        await user.send(text)
    updates = await bot.get_updates()
    ids = [u.update_id for u in updates]
    assert [u.message.message_id for u in updates if u.message] == [1, 2, 3]
    assert ids == list(range(ids[0], ids[0] + 3))
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(limit=1)] == ids[1:2]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == ids[2:]
    assert await bot.get_updates(offset=ids[2] + 1) == ()
    assert api.pending_updates == []

    await bot.get_updates(allowed_updates=["callback_query"])
    await user.send("filtered out")
    assert api.pending_updates == []
    await bot.get_updates(allowed_updates=[])
    await user.send("kept")
    assert [u["message"]["text"] for u in api.pending_updates] == ["kept"]


async def test_second_poller_terminates_the_first(api: FakeBotApi, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until(lambda: any(r.status is None for r in api.calls("getUpdates")))
    async with Bot(TOKEN, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates() == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await first


# PTB itself warns when it builds a RetryAfter unless PTB_TIMEDELTA is set.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_failure_injection_and_latency(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    await user.send("hi")
    api.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter):
        await bot.send_message(user.id, "x")
    assert api.calls("sendMessage")[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    api.fail_next("SENDMESSAGE", description="Bad Request: injected", times=2)
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"^Injected$"):
            await bot.send_message(user.id, "x")
    await bot.send_message(user.id, "ok")
    assert [m.text for m in user.messages] == ["ok"]

    api.set_latency(0.05)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await bot.get_me()
    assert loop.time() - started >= 0.05


async def test_raw_http_json_bodies_case_and_unknown_methods(api: FakeBotApi) -> None:
    user = api.user()
    await user.send("hi")
    url = f"{api.base_url}{TOKEN}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/GETME") as response:
            assert (await response.json())["result"]["username"] == "safeplan_test_bot"
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        body = {"chat_id": user.id, "text": "json", "reply_markup": markup}
        async with http.post(f"{url}/sendMessage", json=body) as response:
            assert (await response.json())["result"]["reply_markup"] == markup
        async with http.get(f"{url}/fooBar") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found: method not found"
    assert user.messages[-1].button_labels == ["A"]
    assert [r.method for r in api.requests] == ["getMe", "sendMessage", "fooBar"]
    assert api.calls("foobar")[0].status == 404

    async with Bot(TOKEN, base_url=api.base_url) as bot:
        with pytest.raises(EndPointNotFound):
            await bot.do_api_request("not_a_method")


async def test_documents_and_photos_are_recorded(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    await user.send("hi")
    sent = await bot.send_document(
        user.id,
        document=b"my plan",
        filename="plan.txt",
        caption="<b>Your plan</b>",
        parse_mode=ParseMode.HTML,
    )
    assert sent.document is not None
    assert sent.document.file_name == "plan.txt"
    document = user.messages[-1]
    assert (document.kind, document.file_name, document.file_bytes) == (
        "document",
        "plan.txt",
        b"my plan",
    )
    assert (document.text, document.html) == ("Your plan", "<b>Your plan</b>")
    assert api.calls("sendDocument")[0].files["document"].data == b"my plan"

    await bot.send_document(user.id, document=sent.document.file_id)
    assert user.messages[-1].file_bytes == b"my plan"
    with pytest.raises(BadRequest, match=r"^Wrong file identifier"):
        await bot.send_document(user.id, document="unknown-file-id")

    await bot.send_photo(user.id, photo=b"\x89PNG fake", caption="a picture")
    photo = user.messages[-1]
    assert (photo.kind, photo.file_bytes, photo.text) == ("photo", b"\x89PNG fake", "a picture")


async def test_bot_settings_and_message_management(api: FakeBotApi, bot: Bot) -> None:
    user = api.user()
    await user.send("hi")

    await bot.set_my_commands([("start", "Start"), ("help", "Help")], language_code="de")
    await bot.set_my_commands([BotCommand("plan", "My plan")], scope=BotCommandScopeChat(user.id))
    assert [c.command for c in await bot.get_my_commands(language_code="de")] == ["start", "help"]
    assert await bot.get_my_commands() == ()
    assert api.commands({"type": "chat", "chat_id": user.id}) == [
        {"command": "plan", "description": "My plan"}
    ]
    await bot.delete_my_commands(language_code="de")
    assert api.commands(language_code="de") == []
    with pytest.raises(BadRequest, match=r"^Bot_command_invalid$"):
        await bot.set_my_commands([("Start!", "x")])

    await bot.set_my_description("A safety plan bot", language_code="en")
    assert (await bot.get_my_description("en")).description == "A safety plan bot"
    await bot.set_my_short_description("Safety plans")
    assert (await bot.get_my_short_description()).short_description == "Safety plans"
    await bot.set_chat_menu_button(user.id, MenuButtonCommands())
    assert api.menu_button(user.id) == {"type": "commands"}
    assert (await bot.get_chat(user.id)).first_name == "Alex"

    await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()

    sent = await bot.send_message(user.id, "pin me")
    await bot.pin_chat_message(user.id, sent.message_id)
    assert user.messages[-1].pinned
    await bot.unpin_chat_message(user.id)
    assert not user.messages[-1].pinned
    await bot.delete_message(user.id, sent.message_id)
    assert user.messages[-1].deleted
    with pytest.raises(BadRequest, match=r"^Message to delete not found$"):
        await bot.delete_message(user.id, sent.message_id)
    assert await bot.close()
    assert await bot.log_out()


# -- the HTML parser ---------------------------------------------------------------------------


def _entity(kind: str, offset: int, length: int, **extra: str) -> dict[str, Any]:
    return {"type": kind, "offset": offset, "length": length, **extra}


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        (
            "<b>bold</b> &amp; <I>it</I>",
            "bold & it",
            [_entity("bold", 0, 4), _entity("italic", 7, 2)],
        ),
        ("😀<u>x</u>", "😀x", [_entity("underline", 2, 1)]),
        ("&lt;&gt;&quot;&#39;&#x27;", "<>\"''", []),
        (
            '<a href="https://x.org/?a=1&b=2">x</a>',
            "x",
            [_entity("text_link", 0, 1, url="https://x.org/?a=1&b=2")],
        ),
        (
            '<pre><code class="language-py">x</code></pre>',
            "x",
            [_entity("pre", 0, 1, language="py")],
        ),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [_entity("spoiler", 0, 1), _entity("spoiler", 1, 1)],
        ),
        ("<blockquote expandable>q</blockquote>", "q", [_entity("expandable_blockquote", 0, 1)]),
        ("<b><i>x</i></b>", "x", [_entity("bold", 0, 1), _entity("italic", 0, 1)]),
    ],
)
def test_parse_html_accepts_telegram_markup(
    source: str, text: str, entities: list[dict[str, Any]]
) -> None:
    assert parse_html(source) == (text, entities)


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<br>", 'Unsupported start tag "br" at byte offset 2'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("AT&T", 'Unescaped "&" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ('<a href="x', "Unclosed start tag at byte offset 0"),
    ],
)
def test_parse_html_rejects_what_telegram_rejects(source: str, error: str) -> None:
    with pytest.raises(HtmlError, match=f"^{re.escape(error)}$"):
        parse_html(source)


def test_bot_message_describes_itself() -> None:
    message = BotMessage(5, 1, "text", text="Hi", edited=True)
    assert message.describe() == "#5 (edited): Hi"


if __name__ == "__main__":
    build_app(sys.argv[1], sys.argv[2]).run_polling(poll_interval=0.0, timeout=1)

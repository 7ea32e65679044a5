"""The Telegram skin: updates become service events; screens become messages.

One stateless router: no ConversationHandler and no PTB persistence, because the
conversation lives in the database. Updates from one person are handled one at a time
and in order; different people are served concurrently.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Update,
)
from telegram import (
    Message as TgMessage,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    ContextTypes,
    Defaults,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.events import Command, Event, Press, Reply, Unsupported, Who, clean_text
from bot.i18n import Catalogs
from bot.outbox import Outbox, Priority, Undelivered
from bot.runtime import Runtime
from bot.screens import ContactCard, Message, Screen
from flows.engine import ContactShared, Typed
from flows.model import N_

log = logging.getLogger(__name__)
# RetryAfter.retry_after as a timedelta, not the deprecated int (ptb-notes §10).
os.environ.setdefault("PTB_TIMEDELTA", "true")

ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
COMMANDS = (
    ("start", N_("Make or change a plan")),
    ("myplan", N_("Crisis lines, then your plan")),
    ("sos", N_("Crisis lines, right now")),
    ("help", N_("What I do, and how")),
    ("region", N_("Your country, for crisis lines")),
    ("language", N_("The language I speak with you")),
    ("cancel", N_("Stop for now; answers are kept")),
    ("delete", N_("Erase everything I keep about you")),
)
DESCRIPTION = N_(
    "I help you make a safety plan for hard moments, or a harm reduction plan, and keep it "
    "here for you. /myplan shows it any time, with crisis lines first.\n\n"
    "I'm a bot, not a person and not a crisis service. If you are in danger, call your local "
    "emergency number. Your plan is stored encrypted, only for you; /delete erases it."
)
SHORT_DESCRIPTION = N_(
    "Make and keep your safety plan or harm reduction plan. Crisis lines first, any time."
)
GROUP_NOTE = N_("I only work in a private chat, to keep your plan private: {link}")


class OnePersonAtATime(BaseUpdateProcessor):
    """Concurrent across people, strictly in order for each person."""

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        person = _person_id(update)
        if person is None:
            await coroutine
            return
        lock, users = self._locks.get(person, (asyncio.Lock(), 0))
        self._locks[person] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._locks[person]
            if users == 1:
                del self._locks[person]
            else:
                self._locks[person] = (lock, users - 1)

    async def initialize(self) -> None:
        """Nothing to set up: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _person_id(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user:
        return update.effective_user.id
    return None


def keyboard(message: Message) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.label, callback_data=b.token) for b in row]
            for row in message.buttons
        ]
    )


class TelegramAdapter:
    def __init__(self, runtime: Runtime, outbox: Outbox | None = None) -> None:
        self.runtime = runtime
        self.outbox = outbox or Outbox()
        self.service = runtime.conversations
        self.vault = runtime.vault

    def who(self, update: Update) -> Who:
        user = update.effective_user
        assert user is not None
        return Who(
            key=self.vault.person_key("telegram", user.id),
            language_hint=user.language_code,
            update_id=update.update_id,
        )

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or update.effective_user is None:
            return
        event: Event
        if message.text is not None:
            text = clean_text(message.text)
            event = _command(text, context.bot.username) or Typed(text)
        elif message.contact is not None:
            contact = message.contact
            name = " ".join(filter(None, [contact.first_name, contact.last_name]))
            event = ContactShared(clean_text(name), clean_text(contact.phone_number))
        else:
            event = Unsupported(_kind(message), clean_text(message.caption or ""))
        log.info("update %s: %s", update.update_id, type(event).__name__)
        reply = await self.service.handle(self.who(update), event)
        await self.send(context.bot, message.chat_id, reply)

    async def on_edited(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        edited = update.edited_message
        if edited is None or update.effective_user is None:
            return
        words = clean_text(edited.text or edited.caption or "")
        reply = await self.service.handle(self.who(update), Unsupported("edit", words))
        await self.send(context.bot, edited.chat_id, reply)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()  # first: the client shows a spinner until we do
        except TelegramError as error:
            # "query is too old" after downtime: the press still counts.
            log.info(
                "update %s: press not acknowledged (%s)", update.update_id, type(error).__name__
            )
        message = query.message
        if message is None or message.chat.type != "private":
            return
        # A message too old for the bot to see can't be edited; its button is still answered.
        pressed = message if isinstance(message, TgMessage) and message.is_accessible else None
        reply = await self.service.handle(self.who(update), Press(clean_text(query.data or "")))
        await self.send(context.bot, message.chat.id, reply, pressed=pressed)

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        parts = _command_parts(message.text or "") if message else None
        if message is None or parts is None or _for_another_bot(parts[1], context.bot.username):
            return
        catalogs: Catalogs = self.service.catalogs
        user = update.effective_user
        t = catalogs.translator(catalogs.negotiate(None, user.language_code if user else None))
        link = f"https://t.me/{context.bot.username}"
        await message.reply_text(t.gettext(GROUP_NOTE).format(link=link), parse_mode=None)

    async def send(
        self, bot: ExtBot[Any], chat_id: int, reply: Reply, pressed: TgMessage | None = None
    ) -> None:
        """Show a reply; a chat that blocked the bot gets nothing more (and is not retried)."""
        priority: Priority | None = {"urgent": True} if reply.urgent else None
        screens: list[Screen] = reply.screens
        try:
            if pressed is not None:
                first = screens[0] if screens else None
                if reply.in_place and isinstance(first, Message):
                    await self._edit(bot, pressed, first, priority)
                    screens = screens[1:]
                elif not reply.keep_pressed_buttons:
                    await self._drop_keyboard(bot, pressed)
            for screen in screens:
                await self._show(bot, chat_id, screen, priority)
        except Forbidden:
            log.info("a reply was not sent: the person blocked the bot")
        except Undelivered:
            return  # the bot is stopping; the outbox logged it

    async def _show(
        self, bot: ExtBot[Any], chat_id: int, screen: Screen, priority: Priority | None
    ) -> None:
        if isinstance(screen, ContactCard):
            await bot.send_contact(
                chat_id,
                phone_number=screen.phone,
                first_name=screen.name[:64],
                rate_limit_args=priority,
            )
        else:
            await bot.send_message(
                chat_id, screen.html, reply_markup=keyboard(screen), rate_limit_args=priority
            )

    async def _edit(
        self, bot: ExtBot[Any], pressed: TgMessage, screen: Message, priority: Priority | None
    ) -> None:
        """Replace the pressed message; if Telegram won't, the screen comes as a new message."""
        try:
            await bot.edit_message_text(
                screen.html,
                chat_id=pressed.chat_id,
                message_id=pressed.message_id,
                reply_markup=keyboard(screen),
                rate_limit_args=priority,
            )
        except BadRequest as error:
            if "not modified" in error.message:
                return
            log.info("edit refused (%s): sending the screen anew", type(error).__name__)
            await self._show(bot, pressed.chat_id, screen, priority)

    async def _drop_keyboard(self, bot: ExtBot[Any], pressed: TgMessage) -> None:
        # Already gone, too old to edit, unchanged, or Telegram unreachable: the reply matters
        # more than the old buttons, which are handled as stale if pressed again.
        try:
            await bot.edit_message_reply_markup(
                chat_id=pressed.chat_id, message_id=pressed.message_id, reply_markup=None
            )
        except Forbidden:
            raise
        except TelegramError as error:
            log.info("old keyboard left in place (%s)", type(error).__name__)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Never the update's content: it may hold what a person wrote.
        update_id = update.update_id if isinstance(update, Update) else None
        if isinstance(context.error, Forbidden):
            log.info("update %s: the person blocked the bot", update_id)
            return
        log.error("update %s failed", update_id, exc_info=context.error)

    async def set_menus(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Command menus and descriptions, in every language the bot speaks."""
        catalogs = self.service.catalogs
        for language in catalogs.languages:
            t = catalogs.translator(language)
            commands = [BotCommand(name, t.gettext(text)) for name, text in COMMANDS]
            code = None if language == catalogs.default else language.split("_")[0]
            await application.bot.set_my_commands(
                commands, scope=BotCommandScopeAllPrivateChats(), language_code=code
            )
            await application.bot.set_my_description(t.gettext(DESCRIPTION), language_code=code)
            await application.bot.set_my_short_description(
                t.gettext(SHORT_DESCRIPTION), language_code=code
            )

    def build(self) -> Application[Any, Any, Any, Any, Any, Any]:
        settings = self.runtime.settings
        token = settings.token
        assert token is not None
        base_url = settings.telegram_api_base_url
        application = (
            Application.builder()
            .token(token)
            .base_url(base_url)
            .base_file_url(_file_url(base_url))
            .defaults(
                Defaults(
                    parse_mode=ParseMode.HTML,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                )
            )
            .rate_limiter(self.outbox)
            .concurrent_updates(OnePersonAtATime())
            .post_init(self.set_menus)
            .build()
        )
        private = filters.ChatType.PRIVATE
        application.add_handler(
            MessageHandler(private & filters.UpdateType.MESSAGE, self.on_message)
        )
        application.add_handler(
            MessageHandler(private & filters.UpdateType.EDITED_MESSAGE, self.on_edited)
        )
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_handler(
            MessageHandler(~private & filters.UpdateType.MESSAGE & filters.COMMAND, self.on_group)
        )
        application.add_error_handler(self.on_error)
        self.outbox.watch(lambda: application.running)
        return application


def _command(text: str, username: str | None) -> Command | None:
    """A command, or None for text. Another bot's ("/myplan@OtherBot") is not one we know."""
    parts = _command_parts(text)
    if parts is None:
        return None
    name, target, arg = parts
    if _for_another_bot(target, username):
        name = f"{name}@{target}"
    return Command(name.lower(), arg)


def _command_parts(text: str) -> tuple[str, str, str] | None:
    """("myplan", "OtherBot", "x") for "/myplan@OtherBot x"; None for text."""
    if not text.startswith("/"):
        return None
    head, *rest = text.split(maxsplit=1)
    name, _, target = head[1:].partition("@")
    return name, target, rest[0] if rest else ""


def _for_another_bot(target: str, username: str | None) -> bool:
    return bool(target and username and target.lower() != username.lower())


def _kind(message: TgMessage) -> str:
    """What a message holds instead of text."""
    # An animation also comes as a document, and a venue as a location: they go first.
    for kind in (
        "animation",
        "venue",
        "sticker",
        "photo",
        "voice",
        "video_note",
        "video",
        "audio",
        "document",
        "location",
        "poll",
        "dice",
        "story",
    ):
        if getattr(message, kind, None):
            return kind
    return "other"


def _file_url(base_url: str) -> str:
    return base_url[: -len("/bot")] + "/file/bot" if base_url.endswith("/bot") else base_url

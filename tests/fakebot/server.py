"""A fake Telegram Bot API server for end-to-end tests.

The bot under test talks to it over real HTTP (``ApplicationBuilder().base_url(...)``), so the
bot may run in this process or in another one. It validates requests the way Telegram does and
answers with Telegram's error wording, so that bugs in the bot show up in tests rather than in
production. State lives here only; scripted users (:mod:`tests.fakebot.user`) read it directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from tests.fakebot.user import JSON, BotMessage, Button, CallbackAnswer, ScriptedUser, utf16_len

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
INLINE_BUTTON_LIMIT = 100

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"

# Parameters PTB sends JSON-encoded inside form fields.
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "commands",
        "scope",
        "menu_button",
        "allowed_updates",
    }
)
# Identifiers and counts, recorded as ints so tests can compare them whatever the encoding.
_INT_PARAMS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "user_id", "reply_to_message_id", "cache_time"}
)
_INTEGER = re.compile(r"-?[0-9]+")
# Update types Telegram leaves out unless asked for them explicitly.
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    """A Bot API error response; raised by method handlers."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


# Longer than any client waits: a call held this long has been given up by the bot.
STALL_SECONDS = 120.0


class _Stall:
    """An injected failure: hold the call unanswered until the client gives up (a timeout)."""


class _Disconnect:
    """An injected failure: close the connection without an answer."""


_Failure = ApiError | _Stall | _Disconnect


@dataclass
class _Allowance:
    """One chat's token bucket in the per-chat rate limit mode."""

    tokens: float
    stamp: float


# -- Telegram's HTML parse mode ----------------------------------------------------------------


class HtmlError(ValueError):
    """Markup Telegram would reject; the message is the part after "can't parse entities: "."""


_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_CHAR_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME = re.compile(r"[^\s>]*")
_END_TAG = re.compile(r"</([^\s>]*)\s*>")
_ATTRIBUTE = re.compile(r"""\s+([^\s=>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")


def _decode_entity(match: re.Match[str]) -> str | None:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED_ENTITIES[named]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape_attribute(value: str) -> str:
    """Attribute values (URLs) keep a bare ``&``, as browsers and Telegram do."""
    return _CHAR_ENTITY.sub(lambda m: _decode_entity(m) or m.group(), value)


@dataclass
class _OpenTag:
    name: str
    start: int
    attributes: dict[str, str]
    order: int  # entities that cover the same text are listed outer (earlier) tag first


def parse_html(source: str) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into plain text and entities (offsets in UTF-16 units).

    Stricter than Telegram in one respect, on purpose: a bare ``&`` that starts no character
    entity is an error (Telegram keeps it literally), because it means the bot forgot to
    escape text that may one day contain ``<``.
    """
    out: list[str] = []
    position = 0
    stack: list[_OpenTag] = []
    entities: list[tuple[int, JSON]] = []
    opened = 0

    def byte_offset(index: int) -> int:
        return len(source[:index].encode())

    i = 0
    while i < len(source):
        char = source[i]
        if char not in "&<":
            out.append(char)
            position += utf16_len(char)
            i += 1
        elif char == "&":
            entity = _CHAR_ENTITY.match(source, i)
            decoded = _decode_entity(entity) if entity else None
            if entity is None or decoded is None:
                raise HtmlError(f'Unescaped "&" at byte offset {byte_offset(i)}')
            out.append(decoded)
            position += utf16_len(decoded)
            i = entity.end()
        elif source.startswith("</", i):
            end_tag = _END_TAG.match(source, i)
            if end_tag is None:
                raise HtmlError(f"Unclosed end tag at byte offset {byte_offset(i)}")
            if not stack:
                raise HtmlError(f"Unexpected end tag at byte offset {byte_offset(i)}")
            name = end_tag.group(1).lower()
            top = stack.pop()
            if top.name != name:
                raise HtmlError(
                    f'Unmatched end tag at byte offset {byte_offset(i)}, expected "</{top.name}>",'
                    f' found "</{name}>"'
                )
            _close_tag(top, position, stack, entities)
            i = end_tag.end()
        else:
            tag = _TAG_NAME.match(source, i + 1)
            assert tag is not None  # the pattern matches the empty string
            name = tag.group().lower()
            if name not in _ENTITY_TYPES:
                raise HtmlError(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
            attributes: dict[str, str] = {}
            j = tag.end()
            while attribute := _ATTRIBUTE.match(source, j):
                value = next((v for v in attribute.group(2, 3, 4) if v is not None), "")
                attributes[attribute.group(1).lower()] = _unescape_attribute(value)
                j = attribute.end()
            while j < len(source) and source[j].isspace():
                j += 1
            if j >= len(source) or source[j] != ">":
                raise HtmlError(f"Unclosed start tag at byte offset {byte_offset(i)}")
            if name == "span" and attributes.get("class") != "tg-spoiler":
                raise HtmlError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(i)}'
                )
            if name == "tg-emoji" and not attributes.get("emoji-id"):
                raise HtmlError(
                    f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {byte_offset(i)}'
                )
            stack.append(_OpenTag(name, position, attributes, opened))
            opened += 1
            i = j + 1
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda item: (item[1]["offset"], -item[1]["length"], item[0]))
    return "".join(out), [entity for _, entity in entities]


def _close_tag(
    tag: _OpenTag, end: int, stack: list[_OpenTag], entities: list[tuple[int, JSON]]
) -> None:
    language = tag.attributes.get("class", "").removeprefix("language-")
    if tag.name == "code" and stack and stack[-1].name == "pre" and language:
        # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
        stack[-1].attributes["language"] = language
        return
    if end == tag.start or (tag.name == "a" and not tag.attributes.get("href")):
        return
    entity: JSON = {"type": _ENTITY_TYPES[tag.name], "offset": tag.start, "length": end - tag.start}
    if tag.name == "a":
        entity["url"] = tag.attributes["href"]
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes["emoji-id"]
    elif tag.name == "pre" and "language" in tag.attributes:
        entity["language"] = tag.attributes["language"]
    entities.append((tag.order, entity))


def _strip(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Trim surrounding whitespace like Telegram does, moving and clipping entities."""
    stripped = text.strip()
    lead = utf16_len(text) - utf16_len(text.lstrip())
    size = utf16_len(stripped)
    moved: list[JSON] = []
    for entity in entities:
        start = max(0, int(entity["offset"]) - lead)
        end = min(size, int(entity["offset"]) + int(entity["length"]) - lead)
        if end > start:
            moved.append({**entity, "offset": start, "length": end - start})
    return stripped, moved


# -- recorded state ----------------------------------------------------------------------------


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    field: str
    file_name: str
    content_type: str
    data: bytes


@dataclass
class StoredFile:
    """A file Telegram would host: uploaded by the bot or sent by a scripted user."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    data: bytes

    def ids(self) -> JSON:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id}


@dataclass
class RecordedRequest:
    """One Bot API call, in arrival order.

    ``params`` hold form values as sent (strings), except ids and counts (ints) and JSON-encoded
    objects such as ``reply_markup`` (decoded). ``status`` is None while the call is in flight,
    or if its client went away.
    """

    seq: int
    method: str
    params: JSON
    files: dict[str, UploadedFile]
    at: float
    status: int | None = None
    response: JSON | None = None


class Chat:
    """Everything that happened in one chat; tests get one from :meth:`FakeBotApi.group`."""

    def __init__(self, chat_json: JSON) -> None:
        self.json = chat_json
        self.blocked = False
        # Telegram refuses to let a bot open a private chat; the user has to write first.
        self.started = chat_json["type"] != "private"
        self.pinned: list[int] = []
        self._next_id = 1
        self._stored: dict[int, JSON] = {}
        self._bot_messages: dict[int, BotMessage] = {}
        self._events: list[BotMessage] = []
        self._lines: list[str] = []

    @property
    def id(self) -> int:
        return int(self.json["id"])

    @property
    def type(self) -> str:
        return str(self.json["type"])

    @property
    def messages(self) -> list[BotMessage]:
        """Every bot message in this chat, oldest first (deleted ones are flagged)."""
        return list(self._bot_messages.values())

    @property
    def event_count(self) -> int:
        return len(self._events)

    def messages_since(self, mark: int) -> list[BotMessage]:
        """Bot messages sent, edited or deleted after ``mark`` (an earlier ``event_count``)."""
        seen: dict[int, BotMessage] = {}
        for message in self._events[mark:]:
            seen.setdefault(message.message_id, message)
        return list(seen.values())

    def next_message_id(self) -> int:
        """User and bot messages share one counter per chat, as in Telegram."""
        message_id = self._next_id
        self._next_id += 1
        return message_id

    def stored_message(self, message_id: int) -> JSON | None:
        """The Telegram JSON of a live (not deleted) message, user's or bot's."""
        return self._stored.get(message_id)

    def user_message_ids(self, user_id: int) -> list[int]:
        return [
            message_id
            for message_id, message in sorted(self._stored.items())
            if message.get("from", {}).get("id") == user_id
        ]

    def bot_message(self, message_id: int) -> BotMessage | None:
        return self._bot_messages.get(message_id)

    def store_user_message(self, message: JSON) -> None:
        self._stored[int(message["message_id"])] = message
        self.started = True

    def add_bot_message(self, message: BotMessage, message_json: JSON) -> None:
        self._stored[message.message_id] = message_json
        self._bot_messages[message.message_id] = message
        self.bot_event(message, "sent")

    def delete(self, message_id: int) -> None:
        del self._stored[message_id]
        message = self._bot_messages.get(message_id)
        if message is None:
            self.log(f"bot deleted user message #{message_id}")
        else:
            message.deleted = True
            self.bot_event(message, "deleted")

    def bot_event(self, message: BotMessage, verb: str) -> None:
        self._events.append(message)
        self.log(f"bot {verb} {message.describe()}")

    def log(self, line: str) -> None:
        self._lines.append(line)

    def transcript(self) -> str:
        name = self.json.get("title") or self.json.get("first_name")
        lines = [f"chat {self.id} ({self.type}, {name}):"]
        lines += ["  " + line.replace("\n", "\n  ") for line in self._lines]
        if not self._lines:
            lines.append("  (nothing happened)")
        return "\n".join(lines)


class _Params:
    """Typed access to request parameters, failing with Telegram-style errors."""

    def __init__(self, values: JSON, files: dict[str, UploadedFile]) -> None:
        self.values = values
        self.files = files

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def required_text(self, name: str) -> str:
        value = self.text(name)
        if not value:
            raise bad_request(f"{name.replace('_', ' ')} is empty")
        return value

    def integer(self, name: str) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        try:
            return None if value is None else float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        return str(self.values.get(name, "")).lower() in ("true", "1")

    def obj(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name.replace('_', ' ')} JSON object") from None
        return value


_Handler = Callable[[_Params], Any]


class FakeBotApi:
    """A Bot-API-compatible HTTP server on 127.0.0.1 plus the state of the fake Telegram.

    Use ``async with FakeBotApi() as api:`` and point the bot at :attr:`base_url` and
    :attr:`base_file_url`. Every request is kept in :attr:`requests`.
    """

    def __init__(
        self,
        *,
        bot_id: int = 7000001,
        username: str = "safeplan_test_bot",
        first_name: str = "Safeplan",
    ) -> None:
        self.bot_json: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.requests: list[RecordedRequest] = []
        # Notified after every state change; waiting users and long polls both use it.
        self.changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = False
        self._latency = 0.0
        self._failures: dict[str, deque[_Failure]] = {}
        self._overall_limit: int | None = None
        self._chat_limit: tuple[float, float] | None = None
        self._limit_retry_after = 1
        self._accepted: deque[float] = deque()
        self._allowances: dict[int, _Allowance] = {}
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, ScriptedUser] = {}
        self._updates: list[JSON] = []
        self._next_update_id = 1
        self.last_update_id = 0  # the id of the newest update queued
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook_url = ""
        self._queries: dict[str, tuple[CallbackAnswer, Chat]] = {}
        self._next_query_id = 4_000_000_000_000_000_001
        self._files: dict[str, StoredFile] = {}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._descriptions: dict[str, str] = {}
        self._short_descriptions: dict[str, str] = {}
        self._menu_buttons: dict[int | None, JSON] = {}
        handlers: dict[str, _Handler] = {
            "getMe": lambda p: self.bot_json,
            "getUpdates": self._get_updates,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._set_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendContact": self._send_contact,
            "sendDocument": lambda p: self._send_file(p, "document"),
            "sendPhoto": lambda p: self._send_file(p, "photo"),
            "pinChatMessage": self._pin_chat_message,
            "unpinChatMessage": self._unpin_chat_message,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": lambda p: self.commands(p.obj("scope"), p.text("language_code") or ""),
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": lambda p: self._set_description(p, "description", 512),
            "getMyDescription": lambda p: {
                "description": self.description(p.text("language_code") or "")
            },
            "setMyShortDescription": lambda p: self._set_description(p, "short_description", 120),
            "getMyShortDescription": lambda p: {
                "short_description": self.short_description(p.text("language_code") or "")
            },
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": lambda p: self.menu_button(p.integer("chat_id")),
            "getChat": self._get_chat,
            "getFile": self._get_file,
            "close": lambda p: True,
            "logOut": lambda p: True,
        }
        # Telegram matches method names case-insensitively.
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # handler_cancellation: a long poll whose client went away (PTB stopping, a killed bot
        # process) must not linger and answer a dead socket.
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/file/bot"

    # -- test controls -------------------------------------------------------------------------

    def user(
        self,
        user_id: int = 1001,
        first_name: str = "Alex",
        language_code: str | None = "en",
        username: str | None = None,
    ) -> ScriptedUser:
        """The scripted user with this id (created on first use); its private chat id is its id."""
        if user_id in self._users:
            return self._users[user_id]
        user_json: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat_json: JSON = {"id": user_id, "type": "private", "first_name": first_name}
        if username is not None:
            user_json["username"] = chat_json["username"] = username
        if language_code is not None:
            user_json["language_code"] = language_code
        chat = self._chats[user_id] = Chat(chat_json)
        user = self._users[user_id] = ScriptedUser(self, user_json, chat)
        return user

    def group(self, chat_id: int, title: str = "Test group") -> Chat:
        """A group chat the bot is a member of; ids at or below -10**12 make a supergroup."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if chat_id not in self._chats:
            kind = "supergroup" if chat_id <= -(10**12) else "group"
            self._chats[chat_id] = Chat({"id": chat_id, "type": kind, "title": title})
        return self._chats[chat_id]

    def channel(self, chat_id: int, title: str = "Test channel") -> Chat:
        """A channel with the bot as an admin; channel ids are at or below -10**12."""
        if chat_id > -(10**12):
            raise ValueError("channel ids are at or below -10**12")
        if chat_id not in self._chats:
            self._chats[chat_id] = Chat({"id": chat_id, "type": "channel", "title": title})
        return self._chats[chat_id]

    async def post_in_channel(self, chat: Chat, fields: JSON) -> int:
        """A post in a channel: no sender but the channel, and a ``channel_post`` update."""
        message: JSON = {
            "message_id": chat.next_message_id(),
            "sender_chat": chat.json,
            "chat": chat.json,
            "date": int(time.time()),
            **fields,
        }
        chat.store_user_message(message)
        chat.log(f"channel post #{message['message_id']}: {sorted(fields)}")
        await self.push_update({"channel_post": message})
        return int(message["message_id"])

    def chat(self, chat_id: int) -> Chat:
        return self._chats[chat_id]

    def transcript(self, chat_id: int) -> str:
        return self._chats[chat_id].transcript()

    def set_latency(self, seconds: float) -> None:
        """Delay every Bot API call by ``seconds`` before it is handled (for benchmarks)."""
        self._latency = seconds

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail without touching any state.

        A 429 carries ``retry_after`` (default 1 s), which PTB turns into ``RetryAfter``.
        """
        if error_code == 429 and retry_after is None:
            retry_after = 1
        default = {
            400: "Bad Request: injected failure",
            403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {retry_after}",
            502: "Bad Gateway",
        }.get(error_code, "Internal Server Error")
        parameters = None if retry_after is None else {"retry_after": retry_after}
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend(ApiError(error_code, description or default, parameters) for _ in range(times))

    def time_out_next(self, method: str, *, times: int = 1) -> None:
        """Hold the next ``times`` calls of ``method`` unanswered until the client gives up.

        Nothing happens to any chat: the bot sees a timeout (PTB's read timeout, 5 s).
        """
        self._failures.setdefault(method.lower(), deque()).extend(_Stall() for _ in range(times))

    def disconnect_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without an answer."""
        queue = self._failures.setdefault(method.lower(), deque())
        queue.extend(_Disconnect() for _ in range(times))

    def set_rate_limits(
        self,
        overall: int | None = 30,
        per_chat: tuple[float, float] | None = None,
        *,
        retry_after: int = 1,
    ) -> None:
        """Answer 429 like Telegram's flood control, for calls that name a chat.

        ``overall``: calls accepted in any one second, across chats. ``per_chat``: (calls a
        second sustained, burst) for each chat. None turns a limit off; both None, no limits.
        """
        self._overall_limit = overall
        self._chat_limit = per_chat
        self._limit_retry_after = retry_after
        self._accepted.clear()
        self._allowances.clear()

    def calls(self, method: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    def delivered(self, update_id: int) -> bool:
        """Whether a getUpdates call has returned this update (the bot may still be reading it)."""
        return any(
            update["update_id"] == update_id
            for request in self.calls("getUpdates")
            if request.status == 200 and request.response is not None
            for update in request.response["result"]
        )

    def number_updates_from(self, update_id: int) -> None:
        """Give the next update this id: Telegram does so after a week without updates (at
        random) and for a new bot token."""
        self._next_update_id = update_id

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 -- a failure guard, not a way to wait
        description: str = "condition",
    ) -> None:
        """Wait until ``predicate()`` holds, re-checking whenever a request arrives or ends."""
        try:
            async with asyncio.timeout(timeout), self.changed:
                await self.changed.wait_for(predicate)
        except TimeoutError:
            recent = "\n".join(
                f"  {r.method} {r.params} -> {r.status}" for r in self.requests[-20:]
            )
            raise AssertionError(
                f"timed out after {timeout}s waiting for {description}; last requests:\n{recent}"
            ) from None

    def commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        return list(self._commands.get((_scope_key(scope), language_code), []))

    def description(self, language_code: str = "") -> str:
        return self._descriptions.get(language_code, "")

    def short_description(self, language_code: str = "") -> str:
        return self._short_descriptions.get(language_code, "")

    def menu_button(self, chat_id: int | None = None) -> JSON:
        default = self._menu_buttons.get(None, {"type": "commands"})
        return self._menu_buttons.get(chat_id, default)

    # -- used by ScriptedUser ------------------------------------------------------------------

    async def push_update(self, payload: JSON) -> None:
        """Queue one update (``{"message": {...}}`` etc.), unless allowed_updates excludes it."""
        (kind,) = payload
        allowed = self._allowed_updates
        wanted = kind not in _NOT_DEFAULT_UPDATES if allowed is None else kind in allowed
        if not wanted:
            return
        # A deep copy: later edits of the stored message must not rewrite a queued update.
        self.last_update_id = self._next_update_id
        self._updates.append({"update_id": self.last_update_id, **copy.deepcopy(payload)})
        self._next_update_id += 1
        await self._notify()

    def new_query_id(self) -> str:
        self._next_query_id += 1
        return str(self._next_query_id)

    def register_callback(self, answer: CallbackAnswer, chat: Chat) -> None:
        self._queries[answer.query_id] = (answer, chat)

    def add_file(self, file_name: str, data: bytes, mime_type: str) -> StoredFile:
        number = len(self._files) + 1
        suffix = file_name.rpartition(".")[2] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"FAKEFILE{number:06d}",
            file_unique_id=f"U{number:06d}",
            file_path=f"files/file_{number}.{suffix}",
            file_name=file_name,
            mime_type=mime_type,
            data=data,
        )
        self._files[stored.file_id] = stored
        return stored

    # -- HTTP ----------------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        raw_method = request.match_info["method"]
        entry = self._methods.get(raw_method.lower())
        name = entry[0] if entry else raw_method
        record = RecordedRequest(len(self.requests) + 1, name, {}, {}, time.monotonic())
        self.requests.append(record)
        try:
            record.params, record.files = await _read_params(request)
            await self._notify()
            if self._latency:
                await asyncio.sleep(self._latency)
            failures = self._failures.get(name.lower())
            if failures:
                await self._inject(request, failures.popleft())
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            self._flood_control(record.params)
            result = entry[1](_Params(record.params, record.files))
            if inspect.isawaitable(result):
                result = await result
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.code, error.body()
            self._log_failure(name, record.params, error)
        record.status, record.response = status, body
        await self._notify()
        return web.json_response(body, status=status)

    @staticmethod
    async def _inject(request: web.Request, failure: _Failure) -> None:
        if isinstance(failure, ApiError):
            raise failure
        if isinstance(failure, _Stall):
            # The client gives up first; handler_cancellation then cancels this sleep.
            await asyncio.sleep(STALL_SECONDS)
            raise ApiError(504, "Gateway Timeout")
        assert request.transport is not None
        request.transport.abort()
        raise asyncio.CancelledError  # nothing can be answered on a closed connection

    def _flood_control(self, params: JSON) -> None:
        """429 above the overall or per-chat rate (set_rate_limits), for calls naming a chat."""
        chat_id = _chat_id(params.get("chat_id"))
        if chat_id is None or (self._overall_limit is None and self._chat_limit is None):
            return
        now = time.monotonic()
        while self._accepted and self._accepted[0] <= now - 1.0:
            self._accepted.popleft()
        refused = self._overall_limit is not None and len(self._accepted) >= self._overall_limit
        allowance = None
        if self._chat_limit is not None:
            rate, burst = self._chat_limit
            allowance = self._allowances.setdefault(chat_id, _Allowance(burst, now))
            allowance.tokens = min(burst, allowance.tokens + (now - allowance.stamp) * rate)
            allowance.stamp = now
            refused = refused or allowance.tokens < 1
        if refused:
            seconds = self._limit_retry_after
            raise ApiError(
                429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
            )
        self._accepted.append(now)
        if allowance is not None:
            allowance.tokens -= 1

    async def _download(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        for stored in self._files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type=stored.mime_type)
        raise web.HTTPNotFound()

    def _log_failure(self, method: str, params: JSON, error: ApiError) -> None:
        """Put failed bot calls into the chat's transcript, where a timed-out test shows them."""
        query = self._queries.get(str(params.get("callback_query_id")))
        chat_id = _chat_id(params.get("chat_id"))
        chat = query[1] if query else None if chat_id is None else self._chats.get(chat_id)
        if chat is not None:
            chat.log(f"bot {method} FAILED: {error.code} {error.description}")

    # -- helpers for handlers ------------------------------------------------------------------

    def _known_chat(self, p: _Params) -> Chat:
        if p.values.get("chat_id") in (None, ""):
            raise bad_request("chat_id is empty")
        chat_id = _chat_id(p.values["chat_id"])  # None for "@username": no such chats here
        chat = None if chat_id is None else self._chats.get(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, p: _Params) -> Chat:
        chat = self._known_chat(p)
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _formatted(
        self, p: _Params, key: str, entities_key: str, limit: int, what: str
    ) -> tuple[str, list[JSON]]:
        """The text after entity parsing and trimming, validated like Telegram does."""
        raw = p.text(key) or ""
        parse_mode = (p.text("parse_mode") or "").lower()
        if parse_mode == "html":
            try:
                text, entities = parse_html(raw)
            except HtmlError as error:
                raise bad_request(f"can't parse entities: {error}") from None
        elif parse_mode in ("", "markdown", "markdownv2"):  # Markdown is passed through unparsed
            text, entities = raw, list(p.obj(entities_key) or [])
        else:
            raise bad_request(f"unsupported parse_mode {p.text('parse_mode')!r}")
        text, entities = _strip(text, entities)
        if utf16_len(text) > limit:
            raise bad_request(f"{what} is too long")
        return text, entities

    def _markup(self, p: _Params) -> tuple[JSON | None, JSON | None, list[list[Button]]]:
        """(reply_markup as sent, inline keyboard to echo in the message, its buttons)."""
        markup = p.obj("reply_markup")
        if markup is None:
            return None, None, []
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return markup, None, []
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        buttons = [[_inline_button(button) for button in row] for row in rows]
        if sum(len(row) for row in buttons) > INLINE_BUTTON_LIMIT:
            raise bad_request("reply markup is too long")
        buttons = [row for row in buttons if row]
        return markup, (markup if buttons else None), buttons

    def _reply_to(self, chat: Chat, p: _Params) -> JSON | None:
        parameters = p.obj("reply_parameters") or {}
        message_id = parameters.get("message_id", p.integer("reply_to_message_id"))
        if message_id is None:
            return None
        message = chat.stored_message(int(message_id))
        if message is None:
            if parameters.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in message.items() if k != "reply_to_message"}

    def _send(self, chat: Chat, p: _Params, fields: JSON, message: BotMessage) -> JSON:
        """Store a bot message (``fields`` are its kind-specific Telegram JSON) and return it."""
        raw_markup, inline, buttons = self._markup(p)
        reply_to = self._reply_to(chat, p)
        message.message_id = chat.next_message_id()
        message.buttons, message.reply_markup = buttons, raw_markup
        message_json: JSON = {
            "message_id": message.message_id,
            "from": self.bot_json,
            "chat": chat.json,
            "date": int(time.time()),
            **fields,
        }
        if reply_to is not None:
            message_json["reply_to_message"] = reply_to
        if inline is not None:
            message_json["reply_markup"] = inline
        chat.add_bot_message(message, message_json)
        return message_json

    def _editable(self, p: _Params) -> tuple[Chat, JSON, BotMessage]:
        chat, message_json = self._existing_message(p, "edit")
        message = chat.bot_message(int(message_json["message_id"]))
        if message is None:
            raise bad_request("message can't be edited")
        return chat, message_json, message

    def _existing_message(self, p: _Params, verb: str) -> tuple[Chat, JSON]:
        if p.text("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")  # inline mode is not simulated
        chat = self._writable_chat(p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        message_json = chat.stored_message(message_id)
        if message_json is None:
            raise bad_request(f"message to {verb} not found")
        return chat, message_json

    def _edit(
        self, chat: Chat, message_json: JSON, message: BotMessage, content: JSON, p: _Params
    ) -> JSON:
        """Apply an edit of ``content`` fields plus the reply markup, refusing a no-op."""
        _, inline, buttons = self._markup(p)
        old = ({k: message_json.get(k) for k in content}, message_json.get("reply_markup"))
        if _canonical(old) == _canonical((content, inline)):
            raise bad_request(NOT_MODIFIED)
        for key, value in [*content.items(), ("reply_markup", inline)]:
            if value:
                message_json[key] = value
            else:
                message_json.pop(key, None)
        message_json["edit_date"] = int(time.time())
        message.buttons, message.reply_markup, message.edited = buttons, inline, True
        chat.bot_event(message, "edited")
        return message_json

    # -- method handlers -----------------------------------------------------------------------

    async def _get_updates(self, p: _Params) -> list[JSON]:
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        allowed = p.obj("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) or None
        offset = p.integer("offset")
        if offset:
            # Telegram forgets updates below the offset: they count as confirmed.
            if offset < 0:
                self._updates = self._updates[offset:]
            else:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = min(max(p.integer("limit") or 100, 1), 100)
        timeout = max(p.number("timeout") or 0.0, 0.0)
        self._poll_generation += 1
        generation = self._poll_generation
        if timeout and not self._updates:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout), self.changed:
                    await self.changed.wait_for(
                        lambda: (
                            bool(self._updates)
                            or self._closing
                            or generation != self._poll_generation
                        )
                    )
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        return [dict(update) for update in self._updates[:limit]]

    def _delete_webhook(self, p: _Params) -> bool:
        self._webhook_url = ""
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        return True

    def _set_webhook(self, p: _Params) -> bool:
        url = p.text("url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self._webhook_url = url
        if p.flag("drop_pending_updates"):
            self._updates.clear()
        allowed = p.obj("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) or None
        return True

    def _get_webhook_info(self, p: _Params) -> JSON:
        info: JSON = {
            "url": self._webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    def _send_message(self, p: _Params) -> JSON:
        chat = self._writable_chat(p)
        text, entities = self._formatted(p, "text", "entities", TEXT_LIMIT, "message")
        if not text:
            raise bad_request("message text is empty")
        fields: JSON = {"text": text}
        if entities:
            fields["entities"] = entities
        message = BotMessage(
            0,
            chat.id,
            "text",
            text=text,
            html=p.text("text") or "",
            parse_mode=p.text("parse_mode"),
        )
        return self._send(chat, p, fields, message)

    def _edit_message_text(self, p: _Params) -> JSON:
        chat, message_json, message = self._editable(p)
        if message.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text, entities = self._formatted(p, "text", "entities", TEXT_LIMIT, "message")
        if not text:
            raise bad_request("message text is empty")
        content: JSON = {"text": text, "entities": entities or None}
        edited = self._edit(chat, message_json, message, content, p)
        message.text, message.html = text, p.text("text") or ""
        message.parse_mode = p.text("parse_mode")
        return edited

    def _edit_message_reply_markup(self, p: _Params) -> JSON:
        chat, message_json, message = self._editable(p)
        return self._edit(chat, message_json, message, {}, p)

    def _delete_message(self, p: _Params) -> bool:
        chat, message_json = self._existing_message(p, "delete")
        chat.delete(int(message_json["message_id"]))
        return True

    def _answer_callback_query(self, p: _Params) -> bool:
        query = self._queries.get(p.text("callback_query_id") or "")
        if query is None or query[0].answered:
            raise bad_request(QUERY_TOO_OLD)
        answer, chat = query
        answer.answered = True
        answer.text, answer.show_alert, answer.url = (
            p.text("text"),
            p.flag("show_alert"),
            p.text("url"),
        )
        said = f": {answer.text!r}" if answer.text else ""
        chat.log(f"bot answered the click on #{answer.message_id}{said}")
        return True

    def _send_contact(self, p: _Params) -> JSON:
        chat = self._writable_chat(p)
        contact: JSON = {
            "phone_number": p.required_text("phone_number"),
            "first_name": p.required_text("first_name"),
        }
        last_name = p.text("last_name")
        if last_name:
            contact["last_name"] = last_name
        message = BotMessage(
            0,
            chat.id,
            "contact",
            phone_number=contact["phone_number"],
            first_name=contact["first_name"],
            last_name=last_name,
        )
        return self._send(chat, p, {"contact": contact}, message)

    def _send_file(self, p: _Params, kind: str) -> JSON:
        chat = self._writable_chat(p)
        stored = self._resolve_file(p, kind)
        caption, entities = self._formatted(
            p, "caption", "caption_entities", CAPTION_LIMIT, "message caption"
        )
        fields: JSON = {}
        if kind == "document":
            fields["document"] = {
                **stored.ids(),
                "file_name": stored.file_name,
                "mime_type": stored.mime_type,
                "file_size": len(stored.data),
            }
            message = BotMessage(0, chat.id, "document")
        else:
            fields["photo"] = [
                {**stored.ids(), "width": 90, "height": 90, "file_size": len(stored.data)},
                {**stored.ids(), "width": 800, "height": 600, "file_size": len(stored.data)},
            ]
            message = BotMessage(0, chat.id, "photo")
        if caption:
            fields["caption"] = caption
        if entities:
            fields["caption_entities"] = entities
        message.text, message.html = caption, p.text("caption") or ""
        message.parse_mode = p.text("parse_mode")
        message.file_name, message.file_bytes = stored.file_name, stored.data
        return self._send(chat, p, fields, message)

    def _resolve_file(self, p: _Params, kind: str) -> StoredFile:
        """The file of a send: an upload (direct or ``attach://``) or a known file_id."""
        value = p.text(kind)
        upload = p.files.get(kind)
        if upload is None and value and value.startswith("attach://"):
            upload = p.files.get(value.removeprefix("attach://"))
        if upload is not None:
            if not upload.data:
                raise bad_request("file must be non-empty")
            return self.add_file(upload.file_name, upload.data, upload.content_type)
        if value is None:
            raise bad_request(f"there is no {kind} in the request")
        if value in self._files:
            return self._files[value]
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _pin_chat_message(self, p: _Params) -> bool:
        chat, message_json = self._existing_message(p, "pin")
        message_id = int(message_json["message_id"])
        if message_id not in chat.pinned:
            chat.pinned.append(message_id)
        self._set_pinned(chat, message_id, True)
        return True

    def _unpin_chat_message(self, p: _Params) -> bool:
        chat = self._writable_chat(p)
        message_id = p.integer("message_id")
        if message_id is None:
            if not chat.pinned:
                return True
            message_id = chat.pinned[-1]
        elif chat.stored_message(message_id) is None:
            raise bad_request("message to unpin not found")
        if message_id in chat.pinned:
            chat.pinned.remove(message_id)
        self._set_pinned(chat, message_id, False)
        return True

    @staticmethod
    def _set_pinned(chat: Chat, message_id: int, pinned: bool) -> None:
        message = chat.bot_message(message_id)
        if message is not None:
            message.pinned = pinned
        chat.log(f"bot {'pinned' if pinned else 'unpinned'} #{message_id}")

    def _set_my_commands(self, p: _Params) -> bool:
        commands = p.obj("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be a list of at most 100 BotCommand objects")
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand: object expected")
            if not _COMMAND_NAME.fullmatch(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (_scope_key(p.obj("scope")), p.text("language_code") or "")
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _delete_my_commands(self, p: _Params) -> bool:
        self._commands.pop((_scope_key(p.obj("scope")), p.text("language_code") or ""), None)
        return True

    def _set_description(self, p: _Params, key: str, limit: int) -> bool:
        value = p.text(key) or ""
        if len(value) > limit:
            raise bad_request(f"{key.replace('_', ' ')} is too long")
        store = self._descriptions if key == "description" else self._short_descriptions
        store[p.text("language_code") or ""] = value
        return True

    def _set_chat_menu_button(self, p: _Params) -> bool:
        chat_id = p.integer("chat_id")
        if chat_id is not None and chat_id not in self._chats:
            raise bad_request("chat not found")
        self._menu_buttons[chat_id] = p.obj("menu_button") or {"type": "default"}
        return True

    def _get_chat(self, p: _Params) -> JSON:
        chat = self._known_chat(p)
        gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription")
        return {
            **chat.json,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**dict.fromkeys(gifts, False), "gifts_from_channels": False},
        }

    def _get_file(self, p: _Params) -> JSON:
        stored = self._files.get(p.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        return {**stored.ids(), "file_size": len(stored.data), "file_path": stored.file_path}


def _inline_button(button: Any) -> Button:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not any(action in button for action in _INLINE_BUTTON_ACTIONS):
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not re.match(r"(https?|tg)://\S+$", str(url)):
        raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")
    return Button(
        button["text"],
        None if data is None else str(data),
        None if url is None else str(url),
    )


def _chat_id(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _scope_key(scope: JSON | None) -> str:
    return _canonical(scope or {"type": "default"})


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, UploadedFile]]:
    """Query string plus body: urlencoded or multipart form (PTB) or JSON."""
    values: JSON = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if request.content_type == "application/json" and request.can_read_body:
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if isinstance(body, dict):
            values.update(body)
    elif request.can_read_body:
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                files[key] = UploadedFile(key, value.filename, value.content_type, data)
            else:
                values[key] = value
    for key, value in values.items():
        if not isinstance(value, str):
            continue
        if key in _INT_PARAMS and _INTEGER.fullmatch(value):
            values[key] = int(value)
        elif key in _JSON_PARAMS:
            with contextlib.suppress(ValueError):  # handlers report undecodable values
                values[key] = json.loads(value)
    return values, files

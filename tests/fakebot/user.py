"""A scripted Telegram user that talks to the bot through :class:`FakeBotApi`.

Every action turns into one Update in the queue that ``getUpdates`` serves, shaped like the
updates Telegram sends. Observation goes through the server's record of what the bot did to the
chat, so it works the same whether the bot runs in this process or in another one.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tests.fakebot.server import Chat, FakeBotApi

JSON = dict[str, Any]
MessageKind = Literal["text", "contact", "document", "photo"]
Predicate = Callable[[list["BotMessage"]], bool]

_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram's entity offsets and length limits."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the user sees it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class BotMessage:
    """A message the bot sent to a chat; edits and deletions update it in place.

    For documents and photos ``text``/``html`` hold the caption.
    """

    message_id: int
    chat_id: int
    kind: MessageKind
    text: str = ""
    html: str = ""
    parse_mode: str | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    reply_markup: JSON | None = None
    phone_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    file_name: str | None = None
    file_bytes: bytes | None = None
    edited: bool = False
    deleted: bool = False
    pinned: bool = False

    @property
    def button_labels(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    def describe(self) -> str:
        """A short multi-line rendering for transcripts and failure messages."""
        flags = [f for f, on in (("edited", self.edited), ("deleted", self.deleted)) if on]
        head = f"#{self.message_id}" + (f" ({', '.join(flags)})" if flags else "")
        if self.kind == "contact":
            name = " ".join(n for n in (self.first_name, self.last_name) if n)
            body = f"[contact {name} {self.phone_number}]"
        elif self.kind in ("document", "photo"):
            body = f"[{self.kind} {self.file_name}] {self.text}".rstrip()
        else:
            body = self.text
        lines = [f"{head}: {body}"]
        lines += ["    " + " ".join(_render_button(b) for b in row) for row in self.buttons]
        return "\n".join(lines)


def _render_button(button: Button) -> str:
    target = button.callback_data if button.url is None else button.url
    return f"[{button.text} -> {target}]"


@dataclass
class CallbackAnswer:
    """One button press and what the bot answered to it (``answered`` stays False if never)."""

    query_id: str
    data: str
    message_id: int
    answered: bool = False
    text: str | None = None
    show_alert: bool = False
    url: str | None = None


class ScriptedUser:
    """A Telegram user whose private chat id equals the user id.

    Actions default to the private chat; pass ``chat=`` (from :meth:`FakeBotApi.group`) to act
    in a group. Waiting (:meth:`wait_for`) looks at the chat of the user's last action.
    """

    def __init__(self, api: FakeBotApi, user_json: JSON, private_chat: Chat) -> None:
        self._api = api
        self.json = user_json
        self.private_chat = private_chat
        self.callback_answers: list[CallbackAnswer] = []
        self._last_chat = private_chat
        self._marks: dict[int, int] = {}

    @property
    def id(self) -> int:
        return int(self.json["id"])

    @property
    def first_name(self) -> str:
        return str(self.json["first_name"])

    @property
    def messages(self) -> list[BotMessage]:
        """Every bot message in the private chat, oldest first (deleted ones are flagged)."""
        return self.private_chat.messages

    def transcript(self, chat: Chat | None = None) -> str:
        return (chat or self._last_chat).transcript()

    # -- actions -------------------------------------------------------------------------------

    async def send(self, text: str, *, chat: Chat | None = None) -> int:
        """Send a text message; returns its message id."""
        fields: JSON = {"text": text}
        command = _COMMAND.match(text)
        if command:
            length = utf16_len(command.group())
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return await self._post(chat, fields, text)

    async def send_raw(self, fields: JSON, summary: str, *, chat: Chat | None = None) -> int:
        """Send a message with any content fields (a video, a poll, a dice...), as a client can."""
        return await self._post(chat, fields, summary)

    async def send_sticker(self, emoji: str = "👍", *, chat: Chat | None = None) -> int:
        file = self._api.add_file("sticker.webp", b"RIFF....WEBP", "image/webp")
        sticker = {
            **file.ids(),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return await self._post(chat, {"sticker": sticker}, f"[sticker {emoji}]")

    async def send_photo(
        self,
        *,
        caption: str | None = None,
        data: bytes = b"\xff\xd8\xff fake jpeg",
        chat: Chat | None = None,
    ) -> int:
        file = self._api.add_file("photo.jpg", data, "image/jpeg")
        photo = [{**file.ids(), "width": 90, "height": 90, "file_size": len(data)}]
        fields: JSON = {"photo": photo}
        if caption is not None:
            fields["caption"] = caption
        return await self._post(chat, fields, f"[photo] {caption or ''}".rstrip())

    async def send_voice(self, *, duration: int = 3, chat: Chat | None = None) -> int:
        file = self._api.add_file("voice.ogg", b"OggS fake voice", "audio/ogg")
        voice = {**file.ids(), "duration": duration, "mime_type": "audio/ogg", "file_size": 15}
        return await self._post(chat, {"voice": voice}, f"[voice {duration}s]")

    async def send_document(
        self,
        file_name: str = "notes.txt",
        data: bytes = b"hello",
        *,
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat: Chat | None = None,
    ) -> int:
        file = self._api.add_file(file_name, data, mime_type)
        document = {
            **file.ids(),
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        fields: JSON = {"document": document}
        if caption is not None:
            fields["caption"] = caption
        return await self._post(chat, fields, f"[document {file_name}] {caption or ''}".rstrip())

    async def send_location(
        self, latitude: float = 52.52, longitude: float = 13.405, *, chat: Chat | None = None
    ) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return await self._post(chat, {"location": location}, f"[location {latitude},{longitude}]")

    async def share_contact(
        self,
        phone_number: str,
        first_name: str,
        last_name: str | None = None,
        user_id: int | None = None,
        *,
        chat: Chat | None = None,
    ) -> int:
        """Share a contact; pass ``user_id=user.id`` for the "share my number" button case."""
        contact: JSON = {"phone_number": phone_number, "first_name": first_name}
        if last_name is not None:
            contact["last_name"] = last_name
        if user_id is not None:
            contact["user_id"] = user_id
        return await self._post(chat, {"contact": contact}, f"[contact {phone_number}]")

    def own_message_ids(self, chat: Chat | None = None) -> list[int]:
        """Ids of this user's live messages in ``chat`` (default: private), oldest first."""
        return (chat or self.private_chat).user_message_ids(self.id)

    async def edit(self, message_id: int, new_text: str, *, chat: Chat | None = None) -> None:
        """Edit one of this user's own text messages (an ``edited_message`` update)."""
        target = chat or self.private_chat
        stored = target.stored_message(message_id)
        if stored is None or stored.get("from", {}).get("id") != self.id:
            raise AssertionError(f"user {self.id} has no message #{message_id} in {target.id}")
        stored["text"] = new_text
        stored["edit_date"] = int(time.time())
        stored.pop("entities", None)
        self._mark(target)
        target.log(f"{self.first_name} edited #{message_id}: {new_text}")
        await self._api.push_update({"edited_message": dict(stored)})

    async def click(
        self, label: str, *, message: BotMessage | None = None, chat: Chat | None = None
    ) -> CallbackAnswer:
        """Press the button labelled ``label`` on ``message`` or the newest keyboard message."""
        target = message or self._newest_keyboard_message(chat or self.private_chat)
        buttons = [b for row in target.buttons for b in row]
        matches = [b for b in buttons if b.text == label] or [b for b in buttons if label in b.text]
        if len(matches) != 1:
            problem = "ambiguous" if matches else "no"
            raise AssertionError(
                f"{problem} button {label!r} on message #{target.message_id}; buttons: "
                f"{target.button_labels}\n{self._chat_of(target).transcript()}"
            )
        button = matches[0]
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} is not a callback button: {button}")
        return await self._press(
            self._chat_of(target),
            target.message_id,
            button.callback_data,
            f"clicked [{button.text}]",
        )

    async def click_data(
        self, data: str, message_id: int | None = None, *, chat: Chat | None = None
    ) -> CallbackAnswer:
        """Send a callback query with arbitrary data, as a forged or stale button would."""
        target_chat = chat or self.private_chat
        if message_id is None:
            message_id = self._newest_keyboard_message(target_chat).message_id
        return await self._press(target_chat, message_id, data, "sent callback data")

    async def block(self) -> None:
        """Block the bot: later sends fail with 403, and the bot gets a my_chat_member update."""
        await self._set_blocked(True)

    async def unblock(self) -> None:
        await self._set_blocked(False)

    # -- waiting -------------------------------------------------------------------------------

    async def wait_for(
        self,
        predicate: Predicate,
        timeout: float = 10.0,  # noqa: ASYNC109 -- a failure guard, not a way to wait
        *,
        chat: Chat | None = None,
        description: str = "condition",
    ) -> list[BotMessage]:
        """Wait until ``predicate(new_messages)`` holds; returns the new messages.

        New messages are the bot messages sent, edited or deleted in the chat since this user's
        last action there. The predicate is re-checked after every bot request the server
        handles; ``timeout`` only guards against a bot that never answers.
        """
        target = chat or self._last_chat
        mark = self._marks.get(target.id, 0)
        changed = self._api.changed
        try:
            async with asyncio.timeout(timeout):
                async with changed:
                    await changed.wait_for(lambda: predicate(target.messages_since(mark)))
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {description} in chat {target.id}; "
                f"transcript:\n{target.transcript()}"
            ) from None
        return target.messages_since(mark)

    async def reply(
        self,
        timeout: float = 10.0,  # noqa: ASYNC109
        *,
        chat: Chat | None = None,
    ) -> list[BotMessage]:
        """Wait for the end of the bot's turn: a message sent or edited with an inline keyboard."""
        return await self.wait_for(
            lambda new: any(m.buttons and not m.deleted for m in new),
            timeout,
            chat=chat,
            description="a message with an inline keyboard",
        )

    async def reply_containing(
        self,
        text: str,
        timeout: float = 10.0,  # noqa: ASYNC109
        *,
        chat: Chat | None = None,
    ) -> BotMessage:
        """Wait for a new (or edited) message whose plain text contains ``text``; returns it."""

        def matching(new: list[BotMessage]) -> list[BotMessage]:
            return [m for m in new if text in m.text and not m.deleted]

        new = await self.wait_for(
            lambda new: bool(matching(new)), timeout, chat=chat, description=f"{text!r}"
        )
        return matching(new)[-1]

    # -- internals -----------------------------------------------------------------------------

    def _mark(self, chat: Chat) -> None:
        """Start a new turn: later waits only look at what the bot does after this point."""
        self._last_chat = chat
        self._marks[chat.id] = chat.event_count

    def _chat_of(self, message: BotMessage) -> Chat:
        return self._api.chat(message.chat_id)

    def _newest_keyboard_message(self, chat: Chat) -> BotMessage:
        candidates = [m for m in chat.messages if m.buttons and not m.deleted]
        if not candidates:
            raise AssertionError(
                f"no bot message with buttons in chat {chat.id}:\n{chat.transcript()}"
            )
        return max(candidates, key=lambda m: m.message_id)

    async def _post(self, chat: Chat | None, fields: JSON, summary: str) -> int:
        target = chat or self.private_chat
        message: JSON = {
            "message_id": target.next_message_id(),
            "from": self.json,
            "chat": target.json,
            "date": int(time.time()),
            **fields,
        }
        target.store_user_message(message)
        self._mark(target)
        target.log(f"{self.first_name}: {summary}  (#{message['message_id']})")
        await self._api.push_update({"message": message})
        return int(message["message_id"])

    async def _press(self, chat: Chat, message_id: int, data: str, verb: str) -> CallbackAnswer:
        answer = CallbackAnswer(self._api.new_query_id(), data, message_id)
        stored = chat.stored_message(message_id)
        # Telegram sends a stub with date 0 for messages the bot can no longer access.
        message = stored or {"chat": chat.json, "message_id": message_id, "date": 0}
        query = {
            "id": answer.query_id,
            "from": self.json,
            "message": message,
            "chat_instance": str(abs(chat.id) * 7 + 3),
            "data": data,
        }
        self.callback_answers.append(answer)
        self._api.register_callback(answer, chat)
        self._mark(chat)
        chat.log(f"{self.first_name} {verb} on #{message_id} (data {data!r})")
        await self._api.push_update({"callback_query": query})
        return answer

    async def _set_blocked(self, blocked: bool) -> None:
        chat = self.private_chat
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self._api.bot_json
        member_update = {
            "chat": chat.json,
            "from": self.json,
            "date": int(time.time()),
            "old_chat_member": _member(bot, old),
            "new_chat_member": _member(bot, new),
        }
        self._mark(chat)
        chat.log(f"{self.first_name} {'blocked' if blocked else 'unblocked'} the bot")
        await self._api.push_update({"my_chat_member": member_update})


def _member(user: JSON, status: str) -> JSON:
    member: JSON = {"user": user, "status": status}
    if status == "kicked":
        member["until_date"] = 0
    return member

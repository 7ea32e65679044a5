"""A fake Telegram Bot API server and scripted users for end-to-end tests."""

from tests.fakebot.server import (
    ApiError,
    Chat,
    FakeBotApi,
    HtmlError,
    RecordedRequest,
    StoredFile,
    UploadedFile,
    parse_html,
)
from tests.fakebot.user import BotMessage, Button, CallbackAnswer, ScriptedUser

__all__ = [
    "ApiError",
    "BotMessage",
    "Button",
    "CallbackAnswer",
    "Chat",
    "FakeBotApi",
    "HtmlError",
    "RecordedRequest",
    "ScriptedUser",
    "StoredFile",
    "UploadedFile",
    "parse_html",
]

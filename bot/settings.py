"""Settings from the environment and `.env`; the process environment wins over the file."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///data/safeplan.sqlite3"
ENV_FILE = Path(".env")


class MissingSecrets(Exception):
    """The bot cannot read or write plans without its keys; it never invents them silently."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    database_url: str = DEFAULT_DATABASE_URL
    # Comma-separated Fernet keys, newest first: the first encrypts, all decrypt (rotation).
    safeplan_encryption_keys: SecretStr | None = None
    # HMAC secret: Telegram ids are stored only as keyed hashes.
    safeplan_id_secret: SecretStr | None = None
    default_language: str = "en"
    bot_username: str | None = None
    log_level: str = Field(default="INFO")

    def require_secrets(self) -> None:
        missing = [
            name.upper()
            for name in ("safeplan_encryption_keys", "safeplan_id_secret")
            if not getattr(self, name)
        ]
        if missing:
            raise MissingSecrets(
                f"Missing {', '.join(missing)}: set it in the environment or .env "
                "(`make run` creates them on first use)."
            )

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

"""Encryption at rest for plans and drafts, and keyed hashes for Telegram ids.

Keys come from the environment. Several encryption keys may be given, newest first:
the newest encrypts, every one decrypts, and `rotate` re-encrypts old rows, so a key can
be replaced without losing a single plan.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

# What the id-secret fingerprint is made of; no person's key can equal it (theirs hold a ':').
_FINGERPRINT_MESSAGE = b"safeplan id secret fingerprint"


class Unreadable(Exception):
    """A sealed value that none of the keys opens: a wrong key, or damaged data."""


def new_encryption_key() -> str:
    return Fernet.generate_key().decode()


def new_id_secret() -> str:
    return Fernet.generate_key().decode()


class Vault:
    def __init__(self, encryption_keys: str, id_secret: str) -> None:
        keys = [k.strip() for k in encryption_keys.split(",") if k.strip()]
        if not keys:
            raise ValueError("no encryption key given")
        # Fernet says "Fernet key must be 32 url-safe base64-encoded bytes." and never the key.
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])
        self._id_secret = id_secret.encode()

    def person_key(self, namespace: str, external_id: int | str) -> str:
        """A stable pseudonym: HMAC-SHA256 of the id, so the database never holds the id."""
        message = f"{namespace}:{external_id}".encode()
        return hmac.new(self._id_secret, message, hashlib.sha256).hexdigest()

    def id_secret_fingerprint(self) -> str:
        """A keyed hash of a fixed text: it tells whether the id secret changed, not what it is."""
        return hmac.new(self._id_secret, _FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()

    def seal(self, data: Any) -> bytes:
        return self._fernet.encrypt(json.dumps(data, ensure_ascii=False).encode())

    def open(self, token: bytes) -> Any:
        try:
            return json.loads(self._fernet.decrypt(token))
        except (InvalidToken, ValueError) as error:
            raise Unreadable from error

    def rotate(self, token: bytes) -> bytes:
        return self._fernet.rotate(token)

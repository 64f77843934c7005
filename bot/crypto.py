"""Encryption at rest for held posts: Fernet (AES-128-CBC + HMAC) keyed from PRACTICEBOT_SECRET_KEY.

The setting may hold several keys, newest first (separated by commas or spaces): the newest
encrypts, every one decrypts, so a key can be replaced without losing what the old one locked
(`python -m bot keys rotate` then re-encrypts everything with the newest).
"""

from __future__ import annotations

import base64
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import ConfigError, PracticeBotError

MIN_SECRET_LENGTH = 16


class DecryptionFailed(PracticeBotError):
    """The stored text was encrypted with a key not given any more, or was tampered with."""


def _fernet(secret: str, position: int, count: int) -> Fernet:
    if len(secret) < MIN_SECRET_LENGTH:
        which = f"key {position} of {count}: " if count > 1 else ""
        raise ConfigError(
            f"PRACTICEBOT_SECRET_KEY: {which}expected at least {MIN_SECRET_LENGTH} characters "
            "(e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
        )
    # HKDF lets admins use any long random string, not only a Fernet-formatted key
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"practicebot-held-posts")
    return Fernet(base64.urlsafe_b64encode(raw.derive(secret.encode())))


class Crypto:
    def __init__(self, secret: str) -> None:
        keys = [k for k in re.split(r"[\s,]+", secret.strip()) if k] or [""]
        self.key_count = len(keys)
        self._fernet = MultiFernet(
            [_fernet(key, n, len(keys)) for n, key in enumerate(keys, start=1)]
        )

    def encrypt(self, text: str) -> bytes:
        # a lone surrogate is kept as it came, never a reason to lose what was held
        return self.encrypt_bytes(text.encode("utf-8", "surrogatepass"))

    def decrypt(self, token: bytes) -> str:
        return self.decrypt_bytes(token).decode("utf-8", "surrogatepass")

    def encrypt_bytes(self, data: bytes) -> bytes:
        """A held file's bytes (a photo, a PDF), encrypted like a held post's text."""
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._fernet.decrypt(token)
        except InvalidToken as exc:
            raise DecryptionFailed(
                "cannot decrypt: none of the keys in PRACTICEBOT_SECRET_KEY opens it, or the "
                "data is damaged"
            ) from exc

    def rotate(self, token: bytes) -> bytes:
        """The same text, encrypted with the newest key."""
        try:
            return self._fernet.rotate(token)
        except InvalidToken as exc:
            raise DecryptionFailed(
                "cannot re-encrypt: none of the keys in PRACTICEBOT_SECRET_KEY opens it"
            ) from exc

"""Encryption at rest for held posts: Fernet (AES-128-CBC + HMAC) keyed from PRACTICEBOT_SECRET_KEY."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.errors import ConfigError, PracticeBotError

MIN_SECRET_LENGTH = 16


class DecryptionFailed(PracticeBotError):
    """The stored text was encrypted with another key, or was tampered with."""


class Crypto:
    def __init__(self, secret: str) -> None:
        if len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"PRACTICEBOT_SECRET_KEY: expected at least {MIN_SECRET_LENGTH} characters "
                "(e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        # HKDF lets admins use any long random string, not only a Fernet-formatted key
        raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"practicebot-held-posts")
        self._fernet = Fernet(base64.urlsafe_b64encode(raw.derive(secret.encode())))

    def encrypt(self, text: str) -> bytes:
        # a lone surrogate is kept as it came, never a reason to lose what was held
        return self._fernet.encrypt(text.encode("utf-8", "surrogatepass"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8", "surrogatepass")
        except InvalidToken as exc:
            raise DecryptionFailed(
                "cannot decrypt: wrong PRACTICEBOT_SECRET_KEY or damaged data"
            ) from exc

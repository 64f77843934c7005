"""Telegram: python-telegram-bot v22, long polling by default, webhook when configured.

python-telegram-bot is imported only when the adapter is made (or its webhook checked)."""

from __future__ import annotations

import os
import re

# Opt in to PTB's announced change now (durations as timedelta): otherwise PTB warns on every 429
# it parses. Our code reads both forms (adapters/telegram/errors.py: seconds).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.errors import ConfigError
from bot.plugins import AdapterPlugin, asked_for_by
from bot.store import Store

if TYPE_CHECKING:
    from adapters.telegram.adapter import TelegramAdapter, Webhook

__all__ = ["TelegramAdapter", "create", "plugin"]

_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token


def configured(settings: Settings) -> bool:
    return asked_for_by(
        settings, "TELEGRAM_BOT_TOKEN", ("TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET")
    )


def check(settings: Settings) -> None:
    _webhook(settings, port=0)


def create(settings: Settings, store: Store, *, port: int = 3000) -> TelegramAdapter:
    """The adapter for `python -m bot run`. The store is not needed: Telegram keeps the offset."""
    from adapters.telegram.adapter import DEFAULT_API_URL, TelegramAdapter

    webhook = _webhook(settings, port)
    secrets = settings.secrets
    assert secrets.TELEGRAM_BOT_TOKEN is not None
    return TelegramAdapter(
        secrets.TELEGRAM_BOT_TOKEN.get_secret_value(),
        api_url=secrets.TELEGRAM_API_URL or DEFAULT_API_URL,
        webhook=webhook,
        http_port=None if webhook else port,  # polling: the port serves the operators only
        file_max_bytes=settings.moderation.file_max_bytes,
    )


def _webhook(settings: Settings, port: int) -> Webhook | None:
    """The webhook the settings ask for (None: long polling); ConfigError when they are wrong."""
    secrets = settings.secrets
    if secrets.TELEGRAM_BOT_TOKEN is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN: not set; get one from @BotFather")
    url = secrets.TELEGRAM_WEBHOOK_URL
    secret = secrets.TELEGRAM_WEBHOOK_SECRET
    webhook: Webhook | None = None
    if url is not None or secret is not None:
        if url is None or secret is None:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET: set both for webhook mode "
                "(or neither for long polling)"
            )
        if not url.startswith("https://"):
            raise ConfigError(f"TELEGRAM_WEBHOOK_URL: Telegram only calls https URLs, got {url!r}")
        if not _SECRET.match(secret.get_secret_value()):
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and - only"
            )
        from adapters.telegram.adapter import Webhook

        webhook = Webhook(url=url, secret=secret.get_secret_value(), port=port)
    return webhook


plugin = AdapterPlugin("telegram", configured, check, create)


def __getattr__(name: str) -> Any:
    if name == "TelegramAdapter":
        from adapters.telegram.adapter import TelegramAdapter

        return TelegramAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Slack: slack-bolt AsyncApp; Socket Mode with SLACK_APP_TOKEN, else HTTP Events API.

slack-bolt is imported only when the adapter is made: asking whether Slack is configured (every
start, the console's too) costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.errors import ConfigError
from bot.plugins import AdapterPlugin, asked_for_by
from bot.store import Store

if TYPE_CHECKING:
    from adapters.slack.adapter import SlackAdapter

__all__ = ["SlackAdapter", "create", "plugin"]


def configured(settings: Settings) -> bool:
    return asked_for_by(
        settings,
        "SLACK_BOT_TOKEN",
        ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_ADMIN_USER_TOKEN"),
    )


def check(settings: Settings) -> None:
    s = settings.secrets
    if s.SLACK_BOT_TOKEN is None:
        raise ConfigError("SLACK_BOT_TOKEN: not set; the app's Bot User OAuth Token (xoxb-...)")
    if s.SLACK_APP_TOKEN is None and s.SLACK_SIGNING_SECRET is None:
        raise ConfigError(
            "SLACK_APP_TOKEN (Socket Mode, xapp-...) or SLACK_SIGNING_SECRET (HTTP Events API "
            "on --port at /slack/events): set one"
        )


def create(settings: Settings, store: Store, *, port: int = 3000) -> SlackAdapter:
    """The adapter for `python -m bot run`. The store is not needed: the core de-duplicates."""
    from adapters.slack.adapter import SlackAdapter

    check(settings)
    s = settings.secrets
    assert s.SLACK_BOT_TOKEN is not None

    def value(secret: object) -> str | None:
        return secret.get_secret_value() if secret is not None else None  # type: ignore[attr-defined]

    return SlackAdapter(
        s.SLACK_BOT_TOKEN.get_secret_value(),
        signing_secret=value(s.SLACK_SIGNING_SECRET),
        app_token=value(s.SLACK_APP_TOKEN),
        admin_token=value(s.SLACK_ADMIN_USER_TOKEN),
        api_url=s.SLACK_API_URL,
        port=port,
        file_max_bytes=settings.moderation.file_max_bytes,
    )


plugin = AdapterPlugin("slack", configured, check, create)


def __getattr__(name: str) -> Any:
    if name == "SlackAdapter":
        from adapters.slack.adapter import SlackAdapter

        return SlackAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

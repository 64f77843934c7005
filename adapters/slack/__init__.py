"""Slack: slack-bolt AsyncApp; Socket Mode with SLACK_APP_TOKEN, else HTTP Events API."""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter
from bot.config import Settings
from bot.errors import ConfigError
from bot.store import Store

__all__ = ["SlackAdapter", "create"]


def create(settings: Settings, store: Store, *, port: int = 3000) -> SlackAdapter:
    """The adapter for `python -m bot run`. The store is not needed: the core de-duplicates."""
    s = settings.secrets
    if s.SLACK_BOT_TOKEN is None:
        raise ConfigError("SLACK_BOT_TOKEN: not set; the app's Bot User OAuth Token (xoxb-...)")
    if s.SLACK_APP_TOKEN is None and s.SLACK_SIGNING_SECRET is None:
        raise ConfigError(
            "SLACK_APP_TOKEN (Socket Mode, xapp-...) or SLACK_SIGNING_SECRET (HTTP Events API "
            "on --port at /slack/events): set one"
        )

    def value(secret: object) -> str | None:
        return secret.get_secret_value() if secret is not None else None  # type: ignore[attr-defined]

    return SlackAdapter(
        s.SLACK_BOT_TOKEN.get_secret_value(),
        signing_secret=value(s.SLACK_SIGNING_SECRET),
        app_token=value(s.SLACK_APP_TOKEN),
        admin_token=value(s.SLACK_ADMIN_USER_TOKEN),
        api_url=s.SLACK_API_URL,
        port=port,
    )

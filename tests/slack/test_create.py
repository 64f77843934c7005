"""`adapters.slack.create`: which mode the environment selects, and what a missing secret says."""

from __future__ import annotations

import pytest

from adapters.slack import create
from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.store import Store

STORE = Store("sqlite+aiosqlite:///:memory:")


def settings(**env: str) -> Settings:
    return load_settings(None, env)


def test_a_bot_token_alone_is_not_enough() -> None:
    with pytest.raises(ConfigError, match=r"SLACK_APP_TOKEN .* or SLACK_SIGNING_SECRET"):
        create(settings(SLACK_BOT_TOKEN="xoxb-1"), STORE)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        create(settings(SLACK_SIGNING_SECRET="s"), STORE)


def test_deleting_members_posts_needs_the_admin_token() -> None:
    plain = create(settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s"), STORE, port=3100)
    assert plain.capabilities.delete_others is False
    admin = create(
        settings(
            SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1", SLACK_ADMIN_USER_TOKEN="xoxp-1"
        ),
        STORE,
    )
    assert admin.capabilities.delete_others is True
    assert admin.capabilities.ephemeral and admin.capabilities.threads

"""Settings as an admin and a test meet them: the environment given is the only one read."""

from __future__ import annotations

import pytest

from bot.config import load_settings


def test_settings_read_the_environment_they_are_given_and_no_other(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-shell")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://shell@host/db")
    given = load_settings(env={"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert given.secrets.SLACK_BOT_TOKEN is None
    assert given.database_url.startswith("sqlite+aiosqlite")
    assert given.secrets.TELEGRAM_BOT_TOKEN is not None
    shell = load_settings()  # no environment given: the process's
    assert shell.secrets.SLACK_BOT_TOKEN is not None
    assert shell.secrets.SLACK_BOT_TOKEN.get_secret_value() == "xoxb-from-the-shell"

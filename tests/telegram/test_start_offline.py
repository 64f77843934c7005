"""Telegram cannot be reached at start-up: one line says so, the bot keeps trying, and it
connects when Telegram comes up, without a restart. A token Telegram refuses stops start-up."""

from __future__ import annotations

import logging

import pytest

from adapters.connecting import Backoff
from adapters.telegram.adapter import RateLimits, TelegramAdapter
from bot.errors import ConfigError
from bot.events import MessagePosted
from tests.support import Inbox, closed_port
from tests.telegram import updates as u
from tests.telegram.fake_api import TOKEN, FakeBotAPI

QUICK = Backoff(first=0.05, cap=0.2)  # the same backoff, short enough for a test


def adapter_at(port: int, token: str = TOKEN) -> TelegramAdapter:
    return TelegramAdapter(
        token,
        api_url=f"http://127.0.0.1:{port}",
        limits=RateLimits(overall=200, per_group=1000),
        poll_timeout=1,
        backoff=QUICK,
    )


async def test_unreachable_at_start_then_connects_when_telegram_comes_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    port = closed_port()
    adapter = adapter_at(port)
    inbox = Inbox()
    fake = FakeBotAPI()
    await adapter.start(inbox)  # returns: the bot goes on starting
    try:
        assert not adapter.connected
        first = next(r for r in caplog.records if "cannot reach" in r.getMessage())
        assert first.getMessage().startswith(f"telegram: cannot reach 127.0.0.1:{port} (")
        assert "trying again in" in first.getMessage()
        assert first.exc_info is None, "one line, not a traceback"

        await fake.start(port=port)
        fake.push(u.posted("/start", chat=u.private_chat(u.ALICE), user=u.ALICE))
        events = await inbox.wait_for(1, within=20)
        assert isinstance(events[0], MessagePosted) and events[0].text == "/start"
        assert adapter.connected
        assert any(
            r.getMessage() == f"telegram: connected to 127.0.0.1:{port}, ready"
            for r in caplog.records
        )
        assert not any(r.exc_info for r in caplog.records)
    finally:
        await adapter.stop()
        await fake.stop()


async def test_stopping_while_still_trying_is_clean() -> None:
    adapter = adapter_at(closed_port())
    await adapter.start(Inbox())
    await adapter.stop()
    assert not adapter.connected


async def test_a_refused_token_stops_start_up_with_the_setting_named(fake: FakeBotAPI) -> None:
    adapter = adapter_at(fake.port, token="999:not-the-token")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN: Telegram refused it"):
        await adapter.start(Inbox())
    await adapter.stop()

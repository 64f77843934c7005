"""Slack cannot be reached at start-up: one line says so, the bot keeps trying, and it connects
(Socket Mode) when Slack comes up, without a restart. A token Slack refuses stops start-up."""

from __future__ import annotations

import logging

import pytest

from adapters.connecting import Backoff
from adapters.slack.adapter import SlackAdapter
from adapters.slack.pacing import ChannelPacer
from bot.errors import ConfigError
from bot.events import MessagePosted
from tests.slack import payloads as p
from tests.slack.fake_slack import APP_TOKEN, BOT_TOKEN, FakeSlack
from tests.support import Inbox, closed_port, until

QUICK = Backoff(first=0.05, cap=0.2)  # the same backoff, short enough for a test


def adapter_at(port: int, token: str = BOT_TOKEN) -> SlackAdapter:
    return SlackAdapter(
        token,
        app_token=APP_TOKEN,
        api_url=f"http://127.0.0.1:{port}/api/",
        port=0,  # its own HTTP port (the operators' endpoints): any free one, never run's 3000
        host="127.0.0.1",
        pacer=ChannelPacer(rate=200, burst=50),
        ping_interval=0.5,
        backoff=QUICK,
    )


async def test_unreachable_at_start_then_connects_when_slack_comes_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    port = closed_port()
    adapter = adapter_at(port)
    inbox = Inbox()
    fake = FakeSlack(users={p.ALICE: "alice"})
    await adapter.start(inbox)  # returns: the bot goes on starting
    try:
        assert not adapter.connected
        lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
        assert lines[0].startswith(f"slack: cannot reach 127.0.0.1:{port} (")
        assert "trying again in" in lines[0]
        assert not any(r.exc_info for r in caplog.records), "one line, not a traceback"
        assert not any("retry handler" in line for line in lines)

        await fake.start(port=port)
        await until(lambda: len(fake.sockets) == 1, within=20)
        await fake.push_socket(p.callback(p.message("posted while we were away")))
        events = await inbox.wait_for(1)
        assert isinstance(events[0], MessagePosted)
        assert events[0].text == "posted while we were away"
        assert adapter.connected
        assert any(
            r.getMessage() == f"slack: connected to 127.0.0.1:{port}, ready" for r in caplog.records
        )
    finally:
        await adapter.stop()
        await fake.stop()


async def test_stopping_while_still_trying_is_clean() -> None:
    adapter = adapter_at(closed_port())
    await adapter.start(Inbox())
    await adapter.stop()
    assert not adapter.connected


async def test_a_refused_token_stops_start_up_with_the_setting_named(fake: FakeSlack) -> None:
    adapter = adapter_at(fake.port, token="xoxb-revoked")
    with pytest.raises(
        ConfigError, match=r"SLACK_BOT_TOKEN: Slack refused it \(slack: invalid_auth"
    ):
        await adapter.start(Inbox())
    await adapter.stop()

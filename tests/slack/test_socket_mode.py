"""Socket Mode against a fake Slack websocket: events arrive, are acked, and a dropped
connection is replaced without losing the next event."""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter
from bot.events import MessagePosted
from tests.slack import payloads as p
from tests.slack.conftest import MakeAdapter
from tests.slack.fake_slack import APP_TOKEN, FakeSlack
from tests.support import Inbox, until


async def test_events_arrive_and_the_bot_reconnects_after_a_drop(
    make_adapter: MakeAdapter, fake: FakeSlack
) -> None:
    adapter: SlackAdapter = make_adapter(
        signing_secret=None, app_token=APP_TOKEN, ping_interval=0.5
    )
    inbox = Inbox()
    await adapter.start(inbox)
    try:
        assert adapter.bound_port is None  # no HTTP endpoint in Socket Mode
        await until(lambda: len(fake.sockets) == 1)
        first = await fake.push_socket(p.callback(p.message("before the drop")))
        await inbox.wait_for(1)
        await until(lambda: first in fake.socket_acks)

        await fake.drop_socket()
        await until(lambda: len(fake.sockets) == 2)  # apps.connections.open again, new socket
        assert len(fake.of("apps.connections.open")) == 2
        await fake.push_socket(p.callback(p.message("after the drop")))
        events = await inbox.wait_for(2)
        texts = [e.text for e in events if isinstance(e, MessagePosted)]
        assert texts == ["before the drop", "after the drop"]
    finally:
        await adapter.stop()

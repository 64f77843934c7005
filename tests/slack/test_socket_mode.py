"""Socket Mode against a fake Slack websocket: events arrive, are acked, and a dropped
connection is replaced without losing the next event; an event the core could not record is
not acknowledged, so Slack sends it again."""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter
from bot.errors import SendAgain
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
        # the HTTP port serves the operators only: Slack's events come over the socket
        assert adapter.bound_port is not None
        status, _ = await p.post(adapter.bound_port, "{}", "application/json", {})
        assert status == 404
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


async def test_an_event_the_core_could_not_record_is_not_acknowledged(
    make_adapter: MakeAdapter, fake: FakeSlack
) -> None:
    refused: list[object] = []

    async def sink(event: object, *, answer_within: float | None = None) -> None:
        if not refused:
            refused.append(event)
            raise SendAgain("the database did not record it")

    adapter: SlackAdapter = make_adapter(signing_secret=None, app_token=APP_TOKEN)
    await adapter.start(sink)
    try:
        await until(lambda: len(fake.sockets) == 1)
        first = await fake.push_socket(p.callback(p.message("not recorded")))
        await until(lambda: bool(refused))
        second = await fake.push_socket(p.callback(p.message("recorded")))
        await until(lambda: second in fake.socket_acks)
        assert first not in fake.socket_acks  # Slack re-sends what was not acknowledged
    finally:
        await adapter.stop()

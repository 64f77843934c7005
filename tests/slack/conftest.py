"""A running fake Slack per test, and the real adapter (slack-bolt + slack_sdk) pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from adapters.slack.adapter import SlackAdapter
from adapters.slack.pacing import ChannelPacer
from tests.slack.fake_slack import ADMIN_TOKEN, BOT_TOKEN, FakeSlack
from tests.slack.payloads import ALICE, BOB, MOD, SIGNING_SECRET
from tests.support import Inbox


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    api = FakeSlack(users={ALICE: "alice", BOB: "bob", MOD: "mod"})
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


MakeAdapter = Callable[..., SlackAdapter]


@pytest.fixture
def make_adapter(fake: FakeSlack) -> MakeAdapter:
    def make(*, admin: bool = True, **kwargs: Any) -> SlackAdapter:
        options: dict[str, Any] = {
            "signing_secret": SIGNING_SECRET,
            "api_url": fake.api_url,
            "port": 0,
            "host": "127.0.0.1",
            "admin_token": ADMIN_TOKEN if admin else None,
            "pacer": ChannelPacer(rate=200, burst=50),  # fast for tests; pacing has its own test
        }
        options.update(kwargs)
        return SlackAdapter(BOT_TOKEN, **options)

    return make


@pytest.fixture
async def running(make_adapter: MakeAdapter) -> AsyncIterator[tuple[SlackAdapter, Inbox]]:
    adapter = make_adapter()
    inbox = Inbox()
    await adapter.start(inbox)
    try:
        yield adapter, inbox
    finally:
        await adapter.stop()

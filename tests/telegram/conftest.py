"""A running fake Bot API per test, and the real adapter (python-telegram-bot) pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from adapters.telegram.adapter import RateLimits, TelegramAdapter, Webhook
from tests.support import Inbox
from tests.telegram.fake_api import TOKEN, FakeBotAPI
from tests.telegram.updates import GROUP, MODS, OLD_GROUP


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    api = FakeBotAPI()
    for chat in (GROUP, MODS, OLD_GROUP):
        api.add_chat(chat)
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


MakeAdapter = Callable[..., TelegramAdapter]


@pytest.fixture
def make_adapter(fake: FakeBotAPI) -> MakeAdapter:
    def make(
        *, webhook: Webhook | None = None, limits: RateLimits | None = None, **kwargs: Any
    ) -> TelegramAdapter:
        return TelegramAdapter(
            TOKEN,
            api_url=fake.api_url,
            webhook=webhook,
            # fast enough for tests, still going through AIORateLimiter
            limits=limits or RateLimits(overall=200, per_group=1000),
            poll_timeout=1,
            **kwargs,
        )

    return make


@pytest.fixture
async def running(
    make_adapter: MakeAdapter,
) -> AsyncIterator[tuple[TelegramAdapter, Inbox]]:
    """A polling adapter, started, with an Inbox as its sink."""
    adapter = make_adapter()
    inbox = Inbox()
    await adapter.start(inbox)
    try:
        yield adapter, inbox
    finally:
        await adapter.stop()

"""Update offsets survive a restart; the webhook checks Telegram's secret token; configuration."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

import adapters.telegram as telegram
from adapters.telegram.adapter import Webhook
from bot.config import Settings, load_settings
from bot.errors import ConfigError
from bot.events import Event, MessagePosted
from bot.store import Store
from tests.support import Inbox
from tests.telegram import updates as u
from tests.telegram.conftest import MakeAdapter
from tests.telegram.fake_api import TOKEN, FakeBotAPI

SECRET = "s3cret-token_for-tests"


async def test_an_update_is_confirmed_only_after_it_was_handled(
    fake: FakeBotAPI, make_adapter: MakeAdapter
) -> None:
    release = asyncio.Event()
    seen: list[Event] = []

    async def slow_sink(event: Event) -> None:
        seen.append(event)
        await release.wait()

    adapter = make_adapter()
    await adapter.start(slow_sink)
    first = fake.push(u.posted("one"))
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.02)
    # Being handled, not finished: a crash now must leave it with Telegram for the next start.
    assert fake.pending_update_ids() == [first]
    release.set()
    await adapter.stop()
    assert fake.pending_update_ids() == []


async def test_restart_neither_loses_nor_repeats(
    fake: FakeBotAPI, make_adapter: MakeAdapter
) -> None:
    inbox = Inbox()
    adapter = make_adapter()
    await adapter.start(inbox)
    fake.push(u.posted("before the restart"))
    await inbox.wait_for(1)
    await adapter.stop()
    fake.push(u.posted("while we were down"))

    again = Inbox()
    restarted = make_adapter()
    await restarted.start(again)
    try:
        events = await again.wait_for(1)
        await asyncio.sleep(0.3)  # room for anything that would be repeated
    finally:
        await restarted.stop()
    assert [e.text for e in events if isinstance(e, MessagePosted)] == ["while we were down"]


async def _post(port: int, body: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/telegram/webhook", data=json.dumps(body), headers=headers
        ) as response,
    ):
        return response.status


async def test_webhook_registers_and_refuses_a_wrong_secret(
    fake: FakeBotAPI, make_adapter: MakeAdapter
) -> None:
    url = "https://bot.example.org/telegram/webhook"
    adapter = make_adapter(webhook=Webhook(url=url, secret=SECRET, port=0, host="127.0.0.1"))
    inbox = Inbox()
    await adapter.start(inbox)
    try:
        port = adapter.webhook_port
        assert port
        assert fake.webhook["url"] == url and fake.webhook["secret_token"] == SECRET
        assert fake.called("getUpdates") == []
        update = {"update_id": 9001, **u.posted("hello via webhook")}
        assert await _post(port, update, "wrong") == 401
        assert await _post(port, update, None) == 401
        assert inbox.events == []
        assert await _post(port, update, SECRET) == 200
        [event] = inbox.events
        assert isinstance(event, MessagePosted) and event.event_id == "9001"
    finally:
        await adapter.stop()


def _settings(**env: str) -> Settings:
    return load_settings(env={"DATABASE_URL": "sqlite+aiosqlite:///:memory:", **env})


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://x.org/telegram/webhook"}, "set both"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "http://x.org/w", "TELEGRAM_WEBHOOK_SECRET": "abc"}, "https"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://x.org/w", "TELEGRAM_WEBHOOK_SECRET": "no spaces"}, "TELEGRAM_WEBHOOK_SECRET"),
    ],
)  # fmt: skip
def test_create_names_the_setting_that_is_wrong(env: dict[str, str], complaint: str) -> None:
    with pytest.raises(ConfigError, match=complaint):
        telegram.create(_settings(**env), Store("sqlite+aiosqlite:///:memory:"))


async def test_create_points_the_sdk_at_telegram_api_url(fake: FakeBotAPI) -> None:
    settings = _settings(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=fake.api_url)
    adapter = telegram.create(settings, Store("sqlite+aiosqlite:///:memory:"))
    await adapter.start(Inbox())
    await adapter.stop()
    assert [c.method for c in fake.calls][:2] == ["getMe", "setMyCommands"]

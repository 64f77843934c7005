"""The whole bot (App, pipeline, features) on the Telegram adapter, against the fake Bot API."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from adapters.telegram.adapter import RateLimits, TelegramAdapter, Webhook
from bot.app import App
from bot.config import ChatRole
from bot.events import Chat, ChatKind
from bot.store import Store
from tests.support import make_app
from tests.telegram import updates as u
from tests.telegram.fake_api import TOKEN, FakeBotAPI

SECRET = "scenario-secret"


def tg_chat(chat: dict[str, object]) -> Chat:
    return Chat("telegram", str(chat["id"]), ChatKind.GROUP, str(chat.get("title")))


@asynccontextmanager
async def telegram_bot(
    fake: FakeBotAPI,
    tmp_path: Path,
    *,
    features: Sequence[str] = ("handlers.admin",),
    webhook: bool = False,
    **sections: dict[str, object],
) -> AsyncIterator[tuple[App, TelegramAdapter]]:
    adapter = TelegramAdapter(
        TOKEN,
        api_url=fake.api_url,
        webhook=Webhook("https://bot.example.org/telegram/webhook", SECRET, 0, "127.0.0.1")
        if webhook
        else None,
        limits=RateLimits(per_second=200, per_group_minute=1000),
        poll_timeout=1,
    )
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    app = make_app(store, adapter, tuple(features), **sections)  # type: ignore[arg-type]
    async with app:
        await app.ctx.rooms.register(tg_chat(u.GROUP), ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(tg_chat(u.MODS), ChatRole.MODERATORS)
        yield app, adapter


async def until(check: Callable[[], object], within: float = 10.0) -> None:
    """Wait for something the bot does in the background (polling, the pipeline).

    `check` may return a bool or an awaitable of one.
    """
    step = 0.02
    for _ in range(int(within / step)):
        outcome = check()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        if outcome:
            return
        await asyncio.sleep(step)
    raise TimeoutError(f"still not true after {within}s")

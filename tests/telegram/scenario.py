"""The whole bot (App, pipeline, features) on the Telegram adapter, against the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from adapters.telegram.adapter import RateLimits, TelegramAdapter, Webhook
from bot.app import App
from bot.clock import ManualClock
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
    clock: ManualClock | None = None,
    **sections: dict[str, object],
) -> AsyncIterator[tuple[App, TelegramAdapter]]:
    adapter = TelegramAdapter(
        TOKEN,
        api_url=fake.api_url,
        webhook=Webhook("https://bot.example.org/telegram/webhook", SECRET, 0, "127.0.0.1")
        if webhook
        else None,
        limits=RateLimits(overall=200, per_group=1000),
        poll_timeout=1,
    )
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    app = make_app(store, adapter, tuple(features), clock, **sections)  # type: ignore[arg-type]
    async with app:
        await app.ctx.rooms.register(tg_chat(u.GROUP), ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(tg_chat(u.MODS), ChatRole.MODERATORS)
        yield app, adapter


def cards(fake: FakeBotAPI, chat_id: int) -> list[dict[str, Any]]:
    """Messages with inline buttons the bot has in a chat, oldest first."""
    return [
        m
        for (cid, _), m in sorted(fake.messages.items())
        if cid == chat_id and m.get("reply_markup")
    ]


def press(fake: FakeBotAPI, card: dict[str, Any], index: int, user: dict[str, Any]) -> int:
    """A member taps button `index` (0-based) on `card`, as the Telegram app would report it."""
    keys = [b for row in card["reply_markup"]["inline_keyboard"] for b in row]
    query_id = f"cq-{len(fake.calls)}"
    return fake.push(u.pressed(keys[index]["callback_data"], on=card, user=user, query_id=query_id))


def labels(card: dict[str, Any]) -> list[str]:
    return [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]

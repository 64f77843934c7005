"""The whole bot (App, pipeline, features) on the Slack adapter, against the fake Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from adapters.slack.adapter import SlackAdapter
from adapters.slack.pacing import ChannelPacer
from bot.app import App
from bot.clock import ManualClock
from bot.config import ChatRole
from bot.events import Chat, ChatKind
from bot.feature import Feature
from bot.store import Store
from tests.slack import payloads as p
from tests.slack.fake_slack import ADMIN_TOKEN, BOT_TOKEN, FakeSlack, buttons
from tests.support import make_app


def slack_chat(channel: str) -> Chat:
    return Chat("slack", channel, ChatKind.GROUP)


@asynccontextmanager
async def slack_bot(
    fake: FakeSlack,
    tmp_path: Path,
    *,
    features: Sequence[str] | Sequence[Feature] = ("handlers.admin",),
    admin: bool = True,
    clock: ManualClock | None = None,
    **sections: dict[str, object],
) -> AsyncIterator[tuple[App, SlackAdapter]]:
    adapter = SlackAdapter(
        BOT_TOKEN,
        signing_secret=p.SIGNING_SECRET,
        admin_token=ADMIN_TOKEN if admin else None,
        api_url=fake.api_url,
        port=0,
        host="127.0.0.1",
        pacer=ChannelPacer(rate=200, burst=50),
    )
    store = Store(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    app = make_app(store, adapter, tuple(features), clock, **sections)  # type: ignore[arg-type]
    async with app:
        await app.ctx.rooms.register(slack_chat(p.GROUP), ChatRole.PRACTICE_GROUP)
        await app.ctx.rooms.register(slack_chat(p.MODS), ChatRole.MODERATORS)
        yield app, adapter


def port(adapter: SlackAdapter) -> int:
    assert adapter.bound_port is not None
    return adapter.bound_port


def cards(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.posted(channel) if buttons(m)]


def labels(card: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in buttons(card)]


async def press(
    adapter: SlackAdapter, card: dict[str, Any], label: str | int, *, user: str, channel: str
) -> int:
    """A member clicks a button (by label or 0-based index) on `card`, as Slack would report it
    (a signed block_actions payload)."""
    shown = buttons(card)
    [value] = (
        [shown[label]["value"]]
        if isinstance(label, int)
        else [b["value"] for b in shown if b["text"]["text"] == label]
    )
    payload = p.block_actions(card, value, user=user, channel=channel)
    return await p.press(port(adapter), payload)

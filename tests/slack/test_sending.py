"""Core actions -> Slack Web API calls, through the real slack_sdk client against the fake."""

from __future__ import annotations

import asyncio
import time

import pytest

from adapters.slack.adapter import SlackAdapter
from adapters.slack.pacing import ChannelPacer
from bot.actions import Button, Delete, PrivateNotice, PrivateVia, Send, Update
from bot.errors import ActionNotPermitted, RecipientUnreachable, RetryAfter
from bot.events import Chat, ChatKind, User
from tests.slack import payloads as p
from tests.slack.conftest import MakeAdapter
from tests.slack.fake_slack import ADMIN_TOKEN, BOT_TOKEN, FakeSlack, buttons
from tests.support import Inbox

GROUP = Chat("slack", p.GROUP, ChatKind.GROUP)
MODS = Chat("slack", p.MODS, ChatKind.GROUP)
ALICE = User("slack", p.ALICE, "alice")


async def test_card_with_buttons_is_block_kit_and_updated_in_place(
    running: tuple[SlackAdapter, Inbox], fake: FakeSlack
) -> None:
    adapter, _ = running
    sent = await adapter.perform(
        Send(
            chat=MODS,
            text="Held post",
            buttons=(Button("Restore", "mod:r:1"), Button("Keep", "mod:k:1")),
        )
    )
    [card] = fake.posted(p.MODS)
    assert sent.message_id == card["ts"] and sent.chat == MODS
    assert [(b["text"]["text"], b["value"]) for b in buttons(card)] == [
        ("Restore", "mod:r:1"),
        ("Keep", "mod:k:1"),
    ]
    assert card["text"] == "Held post"  # the notification text when blocks are shown
    await adapter.perform(Update(chat=MODS, message_id=card["ts"], text="Restored by mod"))
    [card] = fake.posted(p.MODS)
    assert card["text"] == "Restored by mod" and buttons(card) == []


async def test_thread_reply_and_private_notices(
    running: tuple[SlackAdapter, Inbox], fake: FakeSlack
) -> None:
    adapter, _ = running
    await adapter.perform(Send(chat=GROUP, text="See policy 4.2", thread_id="1709999999.000100"))
    assert fake.posted(p.GROUP)[0]["thread_ts"] == "1709999999.000100"
    ephemeral = PrivateNotice(
        user=ALICE, text="Your post was held", context=GROUP, prefer=PrivateVia.EPHEMERAL
    )
    await adapter.perform(ephemeral)
    assert fake.ephemerals == [{"channel": p.GROUP, "user": p.ALICE, "text": "Your post was held"}]
    result = await adapter.perform(PrivateNotice(user=ALICE, text="Task 1 of 5"))
    await adapter.perform(PrivateNotice(user=ALICE, text="Task 2 of 5"))
    assert result.chat == Chat("slack", f"D{p.ALICE}", ChatKind.DIRECT, "alice")
    assert fake.texts(f"D{p.ALICE}") == ["Task 1 of 5", "Task 2 of 5"]
    assert len(fake.of("conversations.open")) == 1  # the DM channel is remembered


async def test_member_post_deleted_with_admin_token_only(
    make_adapter: MakeAdapter, fake: FakeSlack
) -> None:
    fake.member_post(p.GROUP, "1709999999.000200", p.ALICE, "breach")
    without = make_adapter(admin=False)
    assert without.capabilities.delete_others is False
    await without.start(Inbox())
    try:
        with pytest.raises(ActionNotPermitted):
            await without.perform(Delete(chat=GROUP, message_id="1709999999.000200"))
    finally:
        await without.stop()
    assert (p.GROUP, "1709999999.000200") in fake.messages
    with_admin = make_adapter()
    assert with_admin.capabilities.delete_others is True
    await with_admin.perform(Delete(chat=GROUP, message_id="1709999999.000200"))
    assert (p.GROUP, "1709999999.000200") not in fake.messages
    tokens = [c.token for c in fake.calls if c.method == "chat.delete"]
    assert tokens == [BOT_TOKEN, BOT_TOKEN, ADMIN_TOKEN]


async def test_ratelimited_becomes_retry_after_and_unknown_user_unreachable(
    make_adapter: MakeAdapter, fake: FakeSlack
) -> None:
    adapter = make_adapter()
    fake.ratelimit["chat.postMessage"] = 1
    fake.retry_after = 7
    with pytest.raises(RetryAfter) as caught:
        await adapter.perform(Send(chat=GROUP, text="weekly prompt"))
    assert caught.value.seconds == 7
    await adapter.perform(Send(chat=GROUP, text="weekly prompt"))  # the retry goes through
    assert fake.texts(p.GROUP) == ["weekly prompt"]
    with pytest.raises(RecipientUnreachable):
        await adapter.perform(PrivateNotice(user=User("slack", "UGONE", "gone"), text="hi"))


async def test_pacing_allows_a_burst_then_about_rate_per_channel() -> None:
    pacer = ChannelPacer(rate=20, burst=3)
    started = time.monotonic()
    await asyncio.gather(*(pacer.acquire("C1") for _ in range(3)))
    assert time.monotonic() - started < 0.05  # the burst goes at once
    await asyncio.gather(*(pacer.acquire("C1") for _ in range(10)), pacer.acquire("C2"))
    elapsed = time.monotonic() - started
    assert 0.45 <= elapsed < 1.0  # 10 more at 20/s ~ 0.5 s; C2 did not wait behind C1

"""Actions leave through the outbox: rate limits waited out, moved chats followed, unreachable members kept."""

from __future__ import annotations

import pytest

from bot.actions import PrivateNotice, PrivateVia, Send
from bot.config import ChatRole
from bot.errors import ChatMoved, RecipientUnreachable, RetryAfter
from bot.events import Chat, ChatKind
from bot.store import Store
from tests.support import ALICE, GROUP, RecordingAdapter, dm, make_app, post


async def test_retry_after_is_waited_out_and_the_message_still_goes(store: Store) -> None:
    adapter = RecordingAdapter(failures=[RetryAfter(0.01), RetryAfter(0.01)])
    async with make_app(store, adapter, []) as app:
        result = await app.ctx.act(Send(chat=GROUP, text="hello"))
    assert adapter.to(GROUP) == ["hello"]
    assert result.message_id is not None


async def test_bulk_senders_can_ask_for_the_retry_after_instead(store: Store) -> None:
    adapter = RecordingAdapter(failures=[RetryAfter(7)])
    async with make_app(store, adapter, []) as app:
        with pytest.raises(RetryAfter) as caught:
            await app.ctx.act(Send(chat=GROUP, text="hello"), wait=False)
    assert caught.value.seconds == 7
    assert adapter.actions == []


async def test_a_moved_chat_keeps_its_role_under_the_new_id(store: Store) -> None:
    old = Chat("test", "-100", ChatKind.GROUP, "Mods")
    adapter = RecordingAdapter(failures=[ChatMoved("-100", "-100200")])
    async with make_app(store, adapter, []) as app:
        await app.ctx.rooms.register(old, ChatRole.MODERATORS)
        await app.ctx.act(Send(chat=old, text="card"))
        moved = await app.ctx.rooms.find("test", ChatRole.MODERATORS)
    assert moved is not None and moved.id == "-100200"
    sent = adapter.actions[0]
    assert isinstance(sent, Send) and sent.chat.id == "-100200"


async def test_a_member_without_a_dm_is_nudged_without_detail_and_the_notice_waits(
    store: Store,
) -> None:
    adapter = RecordingAdapter(failures=[RecipientUnreachable("never started a chat")])
    notice = PrivateNotice(
        user=ALICE,
        text="Your post named a person: Mrs [PERSON]",
        context=GROUP,
        prefer=PrivateVia.DM,
    )
    async with make_app(store, adapter, []) as app:
        await app.ctx.act(notice)
        nudge = adapter.to(GROUP)
        assert len(nudge) == 1 and "@alice" in nudge[0] and "PERSON" not in nudge[0]
        assert adapter.private(ALICE) == []
        await app.handle(post("/start", chat=dm(ALICE)))
    assert adapter.private(ALICE)[0] == "Your post named a person: Mrs [PERSON]"


async def test_a_group_that_removed_the_bot_is_no_longer_a_room(store: Store) -> None:
    adapter = RecordingAdapter(failures=[RecipientUnreachable("bot was kicked")])
    async with make_app(store, adapter, []) as app:
        await app.ctx.rooms.register(GROUP, ChatRole.PRACTICE_GROUP)
        with pytest.raises(RecipientUnreachable):
            await app.ctx.act(Send(chat=GROUP, text="hello"))
        assert await app.ctx.rooms.role_of(GROUP) is None


def test_a_command_for_another_bot_is_not_ours() -> None:
    from bot.router import parse_command

    assert parse_command("/help@SomeOtherBot") is None
    assert parse_command("/learn  social media ") == ("learn", "social media")

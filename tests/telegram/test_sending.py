"""Core actions become Bot API calls; Telegram's refusals become the core's errors."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from adapters.telegram.adapter import RateLimits, TelegramAdapter
from bot.actions import Attachment, Button, Delete, PrivateNotice, Send, Update
from bot.adapter import MenuEntry
from bot.errors import ActionNotPermitted, ChatMoved, RecipientUnreachable, RetryAfter
from bot.events import Chat, ChatKind, User
from tests.support import Inbox
from tests.telegram import updates as u
from tests.telegram.conftest import MakeAdapter
from tests.telegram.fake_api import BOT_ID, FakeBotAPI

GROUP = Chat("telegram", str(u.GROUP["id"]), ChatKind.GROUP, "Practice group")
MODS = Chat("telegram", str(u.MODS["id"]), ChatKind.GROUP, "Moderators")
ALICE = User("telegram", str(u.ALICE["id"]), "alice_ng")

Running = tuple[TelegramAdapter, Inbox]


async def test_start_registers_commands_and_polls_without_a_webhook(
    fake: FakeBotAPI, running: Running
) -> None:
    methods = [c.method for c in fake.calls]
    assert methods[:4] == ["getMe", "setMyCommands", "setMyCommands", "deleteWebhook"]
    assert {c["command"] for c in fake.commands["all_private_chats"]} >= {"ask", "learn", "help"}


async def test_the_menu_shows_each_command_where_it_works(
    fake: FakeBotAPI, running: Running
) -> None:
    adapter, _ = running
    await adapter.set_commands(
        [
            MenuEntry("help", "what I can do here", "any"),
            MenuEntry("progress", "your learning so far", "direct"),
            MenuEntry("stats", "counts for moderators", "moderators"),
        ]
    )
    private = [c["command"] for c in fake.commands["all_private_chats"]]
    groups = [c["command"] for c in fake.commands["all_group_chats"]]
    assert (private, groups) == (["help", "progress"], ["help", "stats"])


async def test_send_with_buttons_is_an_inline_keyboard(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    buttons = (Button("Restore", "mod:restore:17"), Button("Keep held", "mod:keep:17"))
    result = await adapter.perform(Send(chat=MODS, text="A post was held", buttons=buttons))
    [sent] = fake.called("sendMessage")
    assert sent["chat_id"] == u.MODS["id"] and sent["text"] == "A post was held"
    keys = [b for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert [(b["text"], b["callback_data"]) for b in keys] == [
        ("Restore", "mod:restore:17"),
        ("Keep held", "mod:keep:17"),
    ]
    assert result.message_id is not None and result.chat == MODS


async def test_reply_in_a_topic(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    await adapter.perform(Send(chat=GROUP, text="answer", thread_id="9", reply_to="42"))
    [sent] = fake.called("sendMessage")
    assert sent["message_thread_id"] == 9
    assert sent["reply_parameters"]["message_id"] == 42


async def test_attachment_goes_as_a_document(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    fake.dm_opened.add(int(ALICE.id))
    await adapter.perform(
        PrivateNotice(
            user=ALICE, text="your CPD record", attachment=Attachment("cpd.csv", b"a,b\n")
        )
    )
    [sent] = fake.called("sendDocument")
    assert sent["chat_id"] == int(ALICE.id) and sent["caption"] == "your CPD record"


async def test_private_notice_is_a_dm_once_the_member_opened_one(
    fake: FakeBotAPI, running: Running
) -> None:
    adapter, _ = running
    with pytest.raises(RecipientUnreachable):
        await adapter.perform(PrivateNotice(user=ALICE, text="your post was held", context=GROUP))
    fake.dm_opened.add(int(ALICE.id))
    result = await adapter.perform(PrivateNotice(user=ALICE, text="your post was held"))
    assert fake.sent_to(int(ALICE.id)) == ["your post was held"]
    assert result.chat is not None and result.chat.kind is ChatKind.DIRECT


async def test_update_edits_the_card_and_a_repeat_is_harmless(
    fake: FakeBotAPI, running: Running
) -> None:
    adapter, _ = running
    card = await adapter.perform(Send(chat=MODS, text="held", buttons=(Button("Restore", "r:1"),)))
    assert card.message_id is not None
    edit = Update(chat=MODS, message_id=card.message_id, text="Restored by Mo")
    await adapter.perform(edit)
    await adapter.perform(edit)  # a second press of the same button
    first = fake.called("editMessageText")[0]
    assert first["text"] == "Restored by Mo" and int(first["message_id"]) == int(card.message_id)
    assert fake.messages[(u.MODS["id"], int(card.message_id))]["text"] == "Restored by Mo"


async def test_delete_needs_admin_rights(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    with pytest.raises(ActionNotPermitted):
        await adapter.perform(Delete(chat=GROUP, message_id="42"))
    assert fake.called("deleteMessage") == []  # it did not even try


async def test_delete_as_admin(fake: FakeBotAPI, make_adapter: MakeAdapter) -> None:
    fake.admins_who_can_delete.add(u.GROUP["id"])
    adapter = make_adapter()
    await adapter.start(Inbox())
    try:
        await adapter.perform(Delete(chat=GROUP, message_id="42"))
        fake.undeletable.add((u.GROUP["id"], 43))
        with pytest.raises(ActionNotPermitted):
            await adapter.perform(Delete(chat=GROUP, message_id="43"))
    finally:
        await adapter.stop()
    assert [int(p["message_id"]) for p in fake.called("deleteMessage")] == [42, 43]
    assert any(p["user_id"] == BOT_ID for p in fake.called("getChatMember"))


async def test_posts_older_than_48_hours_are_not_deleted(
    fake: FakeBotAPI, make_adapter: MakeAdapter
) -> None:
    fake.admins_who_can_delete.add(u.GROUP["id"])
    adapter = make_adapter()
    inbox = Inbox()
    await adapter.start(inbox)
    try:
        old = datetime.now(UTC) - timedelta(hours=49)
        fake.push(u.posted("an old post", message_id=31, date=int(old.timestamp())))
        await inbox.wait_for(1)
        with pytest.raises(ActionNotPermitted):
            await adapter.perform(Delete(chat=GROUP, message_id="31"))
    finally:
        await adapter.stop()
    assert fake.called("deleteMessage") == []


async def test_429_becomes_retry_after(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    fake.refuse("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await adapter.perform(Send(chat=GROUP, text="hello"))
    assert caught.value.seconds == 7
    await adapter.perform(Send(chat=GROUP, text="hello"))
    assert fake.sent_to(u.GROUP["id"]) == ["hello"]


async def test_migrated_group_becomes_chat_moved(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    fake.migrated[u.OLD_GROUP["id"]] = -1007777
    old = Chat("telegram", str(u.OLD_GROUP["id"]), ChatKind.GROUP)
    with pytest.raises(ChatMoved) as caught:
        await adapter.perform(Send(chat=old, text="hello"))
    assert (caught.value.old_id, caught.value.new_id) == (str(u.OLD_GROUP["id"]), "-1007777")


async def test_unknown_chat_is_unreachable(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    gone = Chat("telegram", "-100999", ChatKind.GROUP)
    with pytest.raises(RecipientUnreachable):
        await adapter.perform(Send(chat=gone, text="hello"))


async def test_overall_rate_limit_paces_sends(fake: FakeBotAPI, make_adapter: MakeAdapter) -> None:
    adapter = make_adapter(limits=RateLimits(overall=10, per_group=1000))
    await adapter.start(Inbox())
    members = [User("telegram", str(5000 + i), f"m{i}") for i in range(30)]
    fake.dm_opened.update(int(m.id) for m in members)
    started = time.monotonic()
    try:
        for member in members:
            await adapter.perform(PrivateNotice(user=member, text="task"))
    finally:
        await adapter.stop()
    # 10 at once, then 10 a second: the last 20 take about two seconds
    assert time.monotonic() - started >= 1.5
    assert len(fake.called("sendMessage")) == 30


async def test_a_private_notice_never_goes_to_a_group(fake: FakeBotAPI, running: Running) -> None:
    adapter, _ = running
    as_group = User("telegram", str(u.GROUP["id"]), "Practice group")  # an anonymous admin
    with pytest.raises(RecipientUnreachable):
        await adapter.perform(PrivateNotice(user=as_group, text="your post was held"))
    assert fake.called("sendMessage") == []


async def test_each_group_is_paced_on_its_own(fake: FakeBotAPI, make_adapter: MakeAdapter) -> None:
    # Telegram's 20 a minute per group, scaled down to 3 a second to keep the test short
    adapter = make_adapter(limits=RateLimits(overall=200, per_group=3, group_period=1))
    await adapter.start(Inbox())
    fake.dm_opened.add(int(ALICE.id))
    try:
        started = time.monotonic()
        for i in range(9):
            await adapter.perform(PrivateNotice(user=ALICE, text=f"dm {i}"))
        direct = time.monotonic() - started
        started = time.monotonic()
        for i in range(9):
            await adapter.perform(Send(chat=GROUP, text=f"post {i}"))
        grouped = time.monotonic() - started
    finally:
        await adapter.stop()
    assert direct < 1.0  # private chats are not group-limited
    assert grouped >= 1.5  # 3 at once, then 3 a second
    assert len(fake.sent_to(u.GROUP["id"])) == 9


async def test_entries_offered_as_choices_get_a_row_each(
    fake: FakeBotAPI, running: Running
) -> None:
    adapter, _ = running
    buttons = (
        Button("1. Can I accept a friend request from someone I support?", "q:c:3:1"),
        Button("2. Why did the bot remove my post?", "q:c:3:2"),
        Button("Helpful", "q:h:3"),
        Button("Not helpful", "q:n:3"),
    )
    await adapter.perform(Send(chat=MODS, text="pick one", buttons=buttons))
    [sent] = fake.called("sendMessage")
    rows = [[b["callback_data"] for b in row] for row in sent["reply_markup"]["inline_keyboard"]]
    assert rows == [["q:c:3:1"], ["q:c:3:2"], ["q:h:3", "q:n:3"]]

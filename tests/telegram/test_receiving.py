"""Updates from the fake Bot API reach the core as events, through real long polling."""

from __future__ import annotations

from bot.events import (
    ButtonPressed,
    ChatKind,
    ChatMigrated,
    MemberJoined,
    MessageEdited,
    MessagePosted,
)
from tests.support import Inbox
from tests.telegram import updates as u
from tests.telegram.fake_api import BOT_USERNAME, FakeBotAPI

Running = tuple[object, Inbox]


async def test_group_post_arrives_as_a_message_in_a_group(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    update_id = fake.push(u.posted("Shift handover at 3", message_id=42))
    [event] = await inbox.wait_for(1)
    assert isinstance(event, MessagePosted) and not isinstance(event, MessageEdited)
    assert event.event_id == str(update_id)
    assert event.chat.id == str(u.GROUP["id"]) and event.chat.kind is ChatKind.GROUP
    assert event.chat.title == "Practice group"
    assert event.user.id == str(u.ALICE["id"]) and event.user.name == "alice_ng"
    assert (event.message_id, event.text, event.mentions_bot) == (
        "42",
        "Shift handover at 3",
        False,
    )
    assert event.time.tzinfo is not None


async def test_private_chat_is_direct(fake: FakeBotAPI, running: Running) -> None:
    _, inbox = running
    fake.push(u.posted("how do I log supervision?", chat=u.private_chat(u.BOB), user=u.BOB))
    [event] = await inbox.wait_for(1)
    assert event.chat.kind is ChatKind.DIRECT and event.chat.id == str(u.BOB["id"])
    assert event.user.name == "Bob"  # no username: the display name


async def test_edit_arrives_as_an_edit_of_the_same_message(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    fake.push(u.edited("now with a surname", message_id=77))
    [event] = await inbox.wait_for(1)
    assert isinstance(event, MessageEdited)
    assert (event.message_id, event.text) == ("77", "now with a surname")


async def test_captions_and_document_names_are_screenable(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    fake.push(u.document("notes attached", "visit-notes-flat-12.pdf"))
    fake.push(u.photo("whiteboard after the meeting"))
    doc, pic = await inbox.wait_for(2)
    assert isinstance(doc, MessagePosted) and isinstance(pic, MessagePosted)
    assert doc.text == "notes attached" and doc.file_names == ("visit-notes-flat-12.pdf",)
    assert "visit-notes-flat-12.pdf" in doc.screened_text
    assert pic.text == "whiteboard after the meeting" and pic.file_names == ()


async def test_commands_addressed_to_us_lose_the_bot_name(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    fake.push(u.posted(f"/learn@{BOT_USERNAME} safeguarding"))
    fake.push(u.posted("/ask what is a section 42 enquiry?"))
    fake.push(u.posted("/help@SomeOtherBot"))
    texts = [e.text for e in await inbox.wait_for(3) if isinstance(e, MessagePosted)]
    assert texts == [
        "/learn safeguarding",
        "/ask what is a section 42 enquiry?",
        "/help@SomeOtherBot",
    ]


async def test_mention_and_reply_to_the_bot_address_it(fake: FakeBotAPI, running: Running) -> None:
    _, inbox = running
    fake.push(u.posted(f"@{BOT_USERNAME} what is the lone working policy?"))
    fake.push(u.reply_to_bot("and at weekends?"))
    fake.push(u.posted("@someone_else see you later"))
    mention, reply, other = await inbox.wait_for(3)
    assert isinstance(mention, MessagePosted) and mention.mentions_bot
    assert mention.text == "what is the lone working policy?"
    assert isinstance(reply, MessagePosted) and reply.mentions_bot
    assert isinstance(other, MessagePosted) and not other.mentions_bot


async def test_forum_topics_are_threads_and_replies_are_not(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    fake.push(u.posted("in the topic", chat=u.FORUM, message_thread_id=9, is_topic_message=True))
    fake.push(u.posted("a plain reply", message_thread_id=50))  # supergroup reply, not a topic
    topic, plain = await inbox.wait_for(2)
    assert isinstance(topic, MessagePosted) and topic.thread_id == "9"
    assert isinstance(plain, MessagePosted) and plain.thread_id is None


async def test_button_press_is_answered_and_reaches_the_core(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    card = u.message("card", chat=u.MODS, message_id=900)
    fake.push(u.pressed("mod:restore:17", on=card, query_id="cq-1"))
    [event] = await inbox.wait_for(1)
    assert isinstance(event, ButtonPressed)
    assert (event.data, event.message_id, event.chat.id) == (
        "mod:restore:17",
        "900",
        str(u.MODS["id"]),
    )
    assert event.user.id == str(u.MOD["id"])
    assert fake.answered_queries == ["cq-1"]


async def test_group_upgraded_to_supergroup_is_a_migration(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    fake.push(u.migrated(u.OLD_GROUP, -1007777))
    [event] = await inbox.wait_for(1)
    assert isinstance(event, ChatMigrated)
    assert (event.chat.id, event.new_chat_id) == (str(u.OLD_GROUP["id"]), "-1007777")


async def test_new_members_join_one_by_one_but_not_the_bot(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    update_id = fake.push(u.joined(u.BOB, u.MOD, {**u.BOB, "id": 123456, "is_bot": True}))
    events = await inbox.wait_for(2)
    assert all(isinstance(e, MemberJoined) for e in events)
    assert [e.user.id for e in events] == [str(u.BOB["id"]), str(u.MOD["id"])]
    assert len({e.event_id for e in events}) == 2 and str(update_id) in events[0].event_id


async def test_anonymous_admin_post_is_a_person_not_a_bot(
    fake: FakeBotAPI, running: Running
) -> None:
    _, inbox = running
    anonymous = {
        "id": 1087968824,
        "is_bot": True,
        "first_name": "Group",
        "username": "GroupAnonymousBot",
    }
    fake.push(u.posted("posting anonymously", user=anonymous, sender_chat=u.GROUP))
    [event] = await inbox.wait_for(1)
    # The pipeline skips screening for bots: an admin hiding behind the group must not be one.
    assert not event.user.is_bot and event.user.id == str(u.GROUP["id"])

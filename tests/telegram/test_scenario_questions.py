"""A question asked in a Telegram group by mentioning the bot, answered as a reply to it."""

from __future__ import annotations

from pathlib import Path

from tests.support import until
from tests.telegram import updates as u
from tests.telegram.fake_api import BOT_USERNAME, FakeBotAPI
from tests.telegram.scenario import labels, telegram_bot

GROUP_ID = int(u.GROUP["id"])


async def test_a_question_in_the_group_is_answered_as_a_reply(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    async with telegram_bot(fake, tmp_path, features=("handlers.admin", "handlers.questions")) as _:
        fake.push(
            u.posted(
                f"@{BOT_USERNAME} can I accept a friend request from someone I support?",
                message_id=321,
            )
        )
        await until(lambda: len(fake.sent_to(GROUP_ID)) == 1, within=30)
    [answer] = [p for p in fake.called("sendMessage") if p.get("_ok")]
    assert answer["text"].startswith("No. Keep personal social media accounts separate")
    assert "Source:" in answer["text"]
    assert answer["reply_parameters"]["message_id"] == 321  # a reply to the question
    assert "message_thread_id" not in answer  # not a forum topic: no thread id Telegram refuses
    [card] = [m for m in fake.messages.values() if m.get("reply_markup")]
    assert "Helpful" in labels(card)


async def test_a_question_in_a_forum_topic_is_answered_in_that_topic(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    fake.add_chat(u.FORUM)
    forum_id = int(u.FORUM["id"])
    async with telegram_bot(fake, tmp_path, features=("handlers.admin", "handlers.questions")) as _:
        fake.push(
            u.posted(
                f"@{BOT_USERNAME} can I accept a friend request from someone I support?",
                chat=u.FORUM,
                message_id=77,
                message_thread_id=9,
                is_topic_message=True,
            )
        )
        await until(lambda: len(fake.sent_to(forum_id)) == 1, within=30)
    [answer] = [p for p in fake.called("sendMessage") if p.get("_ok")]
    assert answer["message_thread_id"] == 9
    assert answer["reply_parameters"]["message_id"] == 77

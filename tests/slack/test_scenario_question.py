"""A question in a Slack channel is answered in its thread, once, by the real questions feature."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.slack import payloads as p
from tests.slack.fake_slack import BOT_USER, FakeSlack
from tests.slack.scenario import port, slack_bot
from tests.support import until

FEATURES = ("handlers.admin", "handlers.moderation", "handlers.questions")


async def test_a_mention_is_answered_in_its_thread_once(fake: FakeSlack, tmp_path: Path) -> None:
    async with slack_bot(fake, tmp_path, features=FEATURES) as (_, adapter):
        text = f"<@{BOT_USER}> can I accept a friend request from someone I support?"
        post = p.message(text)
        # Slack sends a mention twice: as a channel message and as an app_mention
        assert await p.send_event(port(adapter), p.callback(post)) == 200
        mention = p.app_mention(text, ts=post["ts"])
        assert await p.send_event(port(adapter), p.callback(mention)) == 200
        await until(lambda: bool(fake.posted(p.GROUP)))

        # a follow-up inside an existing thread is answered in that same thread
        follow_up = p.message(
            f"<@{BOT_USER}> why did the bot remove my post?", thread_ts=post["ts"]
        )
        assert await p.send_event(port(adapter), p.callback(follow_up)) == 200
        await until(lambda: len(fake.posted(p.GROUP)) == 2)
        await asyncio.sleep(0.3)  # time for a duplicate answer to show, were there one

    answers = fake.posted(p.GROUP)
    assert [a["thread_ts"] for a in answers] == [post["ts"], post["ts"]]
    assert "Source: Social media and boundaries (sample guidance)" in answers[0]["text"]
    assert "Using Practice Bot (sample guidance)" in answers[1]["text"]

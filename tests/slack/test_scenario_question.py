"""A question in a Slack channel is answered in its thread, once.

The questions feature is not in the repository yet; a stand-in feature answers through the
core's router (`router.question`) and `bot.replies.reply`, as that feature will."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.context import Context
from bot.events import MessagePosted
from bot.feature import AppBuilder
from bot.replies import reply
from tests.slack import payloads as p
from tests.slack.fake_slack import BOT_USER, FakeSlack
from tests.slack.scenario import port, slack_bot, until


class StandInQuestions:
    name = "questions"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def setup(self, app: AppBuilder) -> None:
        app.router.question(self.answer)

    async def start(self, ctx: Context) -> None:
        return None

    async def stop(self, ctx: Context) -> None:
        return None

    async def answer(self, event: MessagePosted, ctx: Context) -> None:
        self.asked.append(event.text)
        await reply(ctx, event, "See the lone working policy, section 3.")


async def test_a_mention_is_answered_in_its_thread_once(fake: FakeSlack, tmp_path: Path) -> None:
    questions = StandInQuestions()
    async with slack_bot(fake, tmp_path, features=[questions]) as (_, adapter):
        text = f"<@{BOT_USER}> who do I call when working alone late?"
        post = p.message(text)
        # Slack sends a mention twice: as a channel message and as an app_mention
        assert await p.send_event(port(adapter), p.callback(post)) == 200
        mention = p.app_mention(text, ts=post["ts"])
        assert await p.send_event(port(adapter), p.callback(mention)) == 200
        await until(lambda: bool(fake.posted(p.GROUP)))

        # a follow-up inside an existing thread is answered in that same thread
        follow_up = p.message(f"<@{BOT_USER}> and at weekends?", thread_ts=post["ts"])
        assert await p.send_event(port(adapter), p.callback(follow_up)) == 200
        await until(lambda: len(fake.posted(p.GROUP)) == 2)
        await asyncio.sleep(0.3)  # time for a duplicate answer to show, were there one

    assert questions.asked == ["who do I call when working alone late?", "and at weekends?"]
    answers = fake.posted(p.GROUP)
    assert [a["thread_ts"] for a in answers] == [post["ts"], post["ts"]]
    assert all(a["text"] == "See the lone working policy, section 3." for a in answers)

"""A learning task delivered by DM on Slack and answered by clicking a Block Kit button."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from tests.slack import payloads as p
from tests.slack.fake_slack import FakeSlack
from tests.slack.scenario import cards, labels, port, press, slack_bot
from tests.support import until

ALICE_DM = f"D{p.ALICE}"


def said(fake: FakeSlack, words: str) -> bool:
    return any(words in text for text in fake.texts(ALICE_DM))


async def test_task_delivered_by_dm_and_answered_by_button(fake: FakeSlack, tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))  # a Thursday
    async with slack_bot(
        fake,
        tmp_path,
        features=("handlers.admin", "handlers.learning"),
        clock=clock,
        bot={"timezone": "Europe/London"},
    ) as (app, adapter):

        async def click(index: int) -> None:
            card = cards(fake, ALICE_DM)[-1]
            assert await press(adapter, card, index, user=p.ALICE, channel=ALICE_DM) == 200

        async def say(text: str) -> None:
            event = p.callback(p.message(text, channel=ALICE_DM))
            assert await p.send_event(port(adapter), event) == 200

        await say("/learn")
        await until(lambda: len(cards(fake, ALICE_DM)) == 1)
        assert labels(cards(fake, ALICE_DM)[0])[0].startswith("Join:")
        await click(0)
        await until(lambda: said(fake, "Suggested"))
        await click(0)  # use the suggested schedule
        await until(lambda: said(fake, "Your first task comes"))

        # Delivery time, and Slack answers `ratelimited` twice: the task still arrives, once.
        fake.ratelimit["chat.postMessage"] = 2
        clock.set(datetime(2026, 3, 27, 10, 0, tzinfo=UTC))
        await app.run_jobs_once()
        await until(lambda: said(fake, "Task 1 of"))
        assert sum("Task 1 of" in t for t in fake.texts(ALICE_DM)) == 1
        assert [c.status for c in fake.calls if c.status == 429] == [429, 429]
        await say("I will picture the least trusted reader.")
        await until(lambda: said(fake, "reflection"))

        clock.set(datetime(2026, 3, 30, 9, 0, tzinfo=UTC))  # Monday, 10:00 in London
        await app.run_jobs_once()
        await until(lambda: said(fake, "Task 2 of"))
        quiz = cards(fake, ALICE_DM)[-1]
        assert "Task 2 of" in quiz["text"] and len(labels(quiz)) >= 2
        await click(1)
        await until(lambda: said(fake, "Correct"))

"""A learning task delivered over Telegram and answered by tapping an inline button."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.clock import ManualClock
from tests.telegram import updates as u
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.scenario import cards, labels, press, telegram_bot, until

ALICE_ID = int(u.ALICE["id"])
ALICE_DM = u.private_chat(u.ALICE)


def said(fake: FakeBotAPI, words: str) -> bool:
    return any(words in text for text in fake.sent_to(ALICE_ID))


async def test_task_delivered_and_answered_by_button(fake: FakeBotAPI, tmp_path: Path) -> None:
    fake.dm_opened.add(ALICE_ID)
    clock = ManualClock(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))  # a Thursday
    async with telegram_bot(
        fake,
        tmp_path,
        features=("handlers.admin", "handlers.learning"),
        clock=clock,
        bot={"timezone": "Europe/London"},
    ) as (app, _):
        fake.push(u.posted("/learn", chat=ALICE_DM, user=u.ALICE))
        await until(lambda: len(cards(fake, ALICE_ID)) == 1)
        [menu] = cards(fake, ALICE_ID)
        assert labels(menu)[0].startswith("Join:")
        press(fake, menu, 0, u.ALICE)
        await until(lambda: said(fake, "Suggested"))
        press(fake, cards(fake, ALICE_ID)[-1], 0, u.ALICE)  # use the suggested schedule
        await until(lambda: said(fake, "Your first task comes"))

        clock.set(datetime(2026, 3, 27, 10, 0, tzinfo=UTC))
        await app.run_jobs_once()
        await until(lambda: said(fake, "Task 1 of"))
        fake.push(u.posted("I will picture the least trusted reader.", chat=ALICE_DM, user=u.ALICE))
        await until(lambda: said(fake, "reflection"))

        clock.set(datetime(2026, 3, 30, 9, 0, tzinfo=UTC))  # Monday, 10:00 in London
        await app.run_jobs_once()
        await until(lambda: said(fake, "Task 2 of"))
        quiz = cards(fake, ALICE_ID)[-1]
        assert "Task 2 of" in quiz["text"] and len(labels(quiz)) >= 2
        answered = len(fake.answered_queries)
        press(fake, quiz, 1, u.ALICE)
        await until(lambda: said(fake, "Correct"))
        assert len(fake.answered_queries) == answered + 1  # the tap was acknowledged

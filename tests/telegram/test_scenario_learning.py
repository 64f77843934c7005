"""A learning task delivered over Telegram and answered by tapping an inline button."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.clock import ManualClock
from tests.support import until
from tests.telegram import updates as u
from tests.telegram.fake_api import FakeBotAPI
from tests.telegram.scenario import cards, labels, press, telegram_bot

ALICE_ID = int(u.ALICE["id"])
ALICE_DM = u.private_chat(u.ALICE)


def cards_shown(fake: FakeBotAPI, chat_id: int, count: int) -> Callable[[], bool]:
    return lambda: len(cards(fake, chat_id)) == count


def told(fake: FakeBotAPI, chat_id: int, words: str) -> Callable[[], bool]:
    return lambda: any(words in text for text in fake.sent_to(chat_id))


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


@pytest.mark.slow
async def test_429_storm_during_a_bulk_delivery_loses_nothing(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    learners: list[dict[str, Any]] = [
        {"id": 8000 + i, "is_bot": False, "first_name": f"L{i}"} for i in range(12)
    ]
    fake.dm_opened.update(int(learner["id"]) for learner in learners)
    clock = ManualClock(datetime(2026, 3, 26, 8, 0, tzinfo=UTC))
    async with telegram_bot(
        fake,
        tmp_path,
        features=("handlers.admin", "handlers.learning"),
        clock=clock,
        bot={"timezone": "Europe/London"},
    ) as (app, _):
        for learner in learners:  # each enrols from their phone: /learn, Join, Use these
            chat_id = int(learner["id"])
            fake.push(u.posted("/learn", chat=u.private_chat(learner), user=learner))
            await until(cards_shown(fake, chat_id, 1))
            press(fake, cards(fake, chat_id)[0], 0, learner)
            await until(cards_shown(fake, chat_id, 2))
            press(fake, cards(fake, chat_id)[1], 0, learner)
            await until(told(fake, chat_id, "first task comes"))
        # Delivery time, and Telegram will only take 5 messages a second
        fake.flood["sendMessage"] = (5, 1.0)
        fake.flood_retry_after = 1
        clock.set(datetime(2026, 3, 27, 10, 0, tzinfo=UTC))
        await app.run_jobs_once()
        await until(
            lambda: all(
                any("Task 1 of" in t for t in fake.sent_to(int(learner["id"])))
                for learner in learners
            )
        )
    refused = [c for c in fake.calls if c.method == "sendMessage" and not c.params.get("_ok")]
    assert refused, "no 429 was answered: the storm did not happen"
    for learner in learners:
        tasks = [t for t in fake.sent_to(int(learner["id"])) if "Task 1 of" in t]
        assert len(tasks) == 1  # every learner got the task, and only once

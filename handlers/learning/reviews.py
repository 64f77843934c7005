"""Spaced review of quiz items answered wrongly, scheduled by FSRS.

Cards run on whole days (no minute-long learning steps: a learner gets at most a few messages a
week), and land on the learner's next allowed delivery slot on or after FSRS's due date.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fsrs import Card, Rating, Scheduler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.learning.models import Enrolment, ReviewCard
from handlers.learning.planning import delivery_row, insert_once, review_key
from handlers.learning.schedule import Rules

SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
RETIRE_AFTER = timedelta(days=7)  # remembered a week ahead: enough for a programme of weeks


async def record_answer(
    s: AsyncSession,
    enrolment: Enrolment,
    content: dict[str, Any],
    correct: bool,
    when: datetime,
    rules: Rules,
    *,
    from_review: bool,
) -> datetime | None:
    """Update the item's card; plan the next review. Returns its due time, or None if none."""
    task_id = str(content["id"])
    row = await s.scalar(
        select(ReviewCard).where(
            ReviewCard.enrolment_id == enrolment.id, ReviewCard.task_id == task_id
        )
    )
    if row is None:
        if correct:
            return None  # right first time: nothing to review
        row = ReviewCard(enrolment_id=enrolment.id, task_id=task_id, card={}, reviews=0)
        s.add(row)
        card = Card()
    else:
        if not from_review or row.retired:
            return None  # a late or repeated answer to the original task does not reschedule
        card = Card.from_dict(row.card)  # type: ignore[arg-type]
    card, _ = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, when)
    row.card = card.to_dict()  # type: ignore[assignment]
    row.reviews += 1
    if correct and card.due - when >= RETIRE_AFTER:
        row.retired = True
        return None
    due = rules.next_slot(card.due)
    review_content = {**content, "review": row.reviews}
    await s.flush()
    await insert_once(
        s,
        [
            delivery_row(
                enrolment.id,
                review_key(enrolment.id, task_id, row.reviews),
                task_id,
                "review",
                review_content,
                due,
            )
        ],
    )
    return due

"""A learner's responses: quiz and scenario answers, practical 'done', skips, reflections.

Each response is one conditional UPDATE from `sent` to `answered`, so a double press or a
re-delivered event records nothing twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import LearningSection
from bot.events import User
from handlers.learning.catalogue import Catalogue
from handlers.learning.messages import feedback_text
from handlers.learning.models import Delivery, Enrolment, State, Status
from handlers.learning.planning import rules_of
from handlers.learning.records import SKIPPED
from handlers.learning.reviews import record_answer


@dataclass(frozen=True, slots=True)
class Outcome:
    text: str
    recorded: bool = False
    completed: Enrolment | None = None


async def _load(s: AsyncSession, delivery_id: int, user: User) -> tuple[Delivery, Enrolment] | str:
    row = await s.get(Delivery, delivery_id)
    enrolment = await s.get(Enrolment, row.enrolment_id) if row is not None else None
    if row is None or enrolment is None:
        return "That task no longer exists."
    if (enrolment.platform, enrolment.user_id) != (user.platform, user.id):
        return "That button belongs to someone else's task."
    if row.state == State.ANSWERED:
        return _already(row)
    if enrolment.status == Status.STOPPED:
        return f"You've left {row.content['programme']}, so this task is closed. Send /learn to join again."
    if row.state != State.SENT:
        return "That task was withdrawn (the programme was paused or rescheduled); a fresh copy will come."
    return row, enrolment


def _already(row: Delivery) -> str:
    if row.choice == SKIPPED:
        return "You skipped this one already."
    if row.choice:
        return f"You already answered this one: you chose {row.choice}."
    return "You've already done this one; it's in your CPD record."


async def _claim_answer(s: AsyncSession, row: Delivery, now: datetime, **values: Any) -> bool:
    done = await s.execute(
        update(Delivery)
        .where(Delivery.id == row.id, Delivery.state == State.SENT.value)
        .values(state=State.ANSWERED.value, answered_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))


async def _is_older(s: AsyncSession, row: Delivery) -> bool:
    newer = await s.scalar(
        select(Delivery.id)
        .where(
            Delivery.enrolment_id == row.enrolment_id,
            Delivery.kind == "task",
            Delivery.state.in_([State.SENT.value, State.ANSWERED.value]),
            Delivery.sent_at > row.sent_at,
        )
        .limit(1)
    )
    return newer is not None


async def _after_response(
    s: AsyncSession, row: Delivery, enrolment: Enrolment, catalogue: Catalogue, now: datetime
) -> Enrolment | None:
    """Reset the unanswered count; complete the programme when every task is done."""
    if row.kind != "task":
        return None
    enrolment.missed_in_row = 0
    programme = catalogue.get(enrolment.programme_id)
    required = {t for t in enrolment.task_ids if programme is None or programme.task(t) is not None}
    done = set(
        (
            await s.scalars(
                select(Delivery.task_id).where(
                    Delivery.enrolment_id == enrolment.id,
                    Delivery.kind == "task",
                    Delivery.state == State.ANSWERED.value,
                    (Delivery.choice.is_(None)) | (Delivery.choice != SKIPPED),
                )
            )
        ).all()
    )
    if enrolment.status != Status.COMPLETED and required <= done:
        enrolment.status = Status.COMPLETED.value
        enrolment.finished_at = now
        return enrolment
    return None


async def answer(
    s: AsyncSession,
    user: User,
    delivery_id: int,
    option: int,
    now: datetime,
    catalogue: Catalogue,
    settings: LearningSection,
) -> Outcome:
    loaded = await _load(s, delivery_id, user)
    if isinstance(loaded, str):
        return Outcome(loaded)
    row, enrolment = loaded
    options = row.content.get("options") or []
    assert isinstance(options, list)
    if not 1 <= option <= len(options):
        return Outcome("That isn't one of the answers; please use the buttons on the task.")
    text, right = feedback_text(row.content, option)
    if not await _claim_answer(s, row, now, choice=option, correct=right):
        return Outcome("You already answered this one.")
    if right is not None:
        review_due = await record_answer(
            s,
            enrolment,
            row.content,
            right,
            now,
            rules_of(enrolment, settings),
            from_review=row.kind == "review",
        )
        if review_due is not None and not right:
            text += "\nI'll bring this question back for a quick review in a few days."
    if row.kind == "task" and await _is_older(s, row):
        text = "That was an earlier task; your answer still counts.\n" + text
    completed = await _after_response(s, row, enrolment, catalogue, now)
    return Outcome(text, True, completed)


async def mark(
    s: AsyncSession, user: User, delivery_id: int, skip: bool, now: datetime, catalogue: Catalogue
) -> Outcome:
    loaded = await _load(s, delivery_id, user)
    if isinstance(loaded, str):
        return Outcome(loaded)
    row, enrolment = loaded
    if not await _claim_answer(s, row, now, choice=SKIPPED if skip else None):
        return Outcome("You already answered this one.")
    completed = await _after_response(s, row, enrolment, catalogue, now)
    if skip:
        return Outcome("Skipped. The next task comes on your next day.", True, completed)
    return Outcome("Well done. Saved to your CPD record.", True, completed)


async def open_delivery(s: AsyncSession, user: User, *, wants_text: bool) -> Delivery | None:
    """The newest unanswered task sent to the learner in a running programme; with `wants_text`,
    the newest one that asks for a written reflection (a review quiz may have come after it)."""
    rows = await s.scalars(
        select(Delivery)
        .join(Enrolment, Enrolment.id == Delivery.enrolment_id)
        .where(
            Enrolment.platform == user.platform,
            Enrolment.user_id == user.id,
            Enrolment.status.in_([Status.ACTIVE.value, Status.PAUSED.value]),
            Delivery.state == State.SENT.value,
        )
        .order_by(Delivery.sent_at.desc(), Delivery.id.desc())
        .limit(10)
    )
    found = rows.all()
    if wants_text:
        return next((row for row in found if row.content.get("reflection")), None)
    return found[0] if found else None


async def reflect(
    s: AsyncSession, user: User, row: Delivery, text: str, now: datetime, catalogue: Catalogue
) -> Outcome:
    enrolment = await s.get(Enrolment, row.enrolment_id)
    assert enrolment is not None
    if not await _claim_answer(s, row, now, reflection=text.strip(), held=False):
        return Outcome("You already answered this one.")
    completed = await _after_response(s, row, enrolment, catalogue, now)
    return Outcome(
        f"Thank you. Your reflection on “{row.content['title']}” is saved to your CPD record "
        "(send /cpd to get it).",
        True,
        completed,
    )

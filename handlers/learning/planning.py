"""Turning an enrolment into delivery rows: the next task, a review, a resume after a pause."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import LearningSection
from handlers.learning.catalogue import Catalogue
from handlers.learning.models import Delivery, Enrolment, State
from handlers.learning.schedule import DAY_NAMES, Rules, parse_quiet, parse_time


def task_key(enrolment_id: int, task_id: str) -> str:
    return f"{enrolment_id}:task:{task_id}"


def review_key(enrolment_id: int, task_id: str, number: int) -> str:
    return f"{enrolment_id}:review:{task_id}:{number}"


def rules_of(enrolment: Enrolment, settings: LearningSection) -> Rules:
    days = frozenset(DAY_NAMES.index(d) for d in enrolment.days.split(",") if d)
    quiet = parse_quiet(enrolment.quiet) if enrolment.quiet else None
    return Rules(
        days,
        parse_time(enrolment.at_time),
        ZoneInfo(enrolment.timezone),
        settings.working_hours_start,
        settings.working_hours_end,
        quiet,
        settings.holidays,
    )


async def insert_once(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert delivery rows, skipping any whose key exists: planning twice is harmless."""
    if not rows:
        return
    dialect = s.bind.dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await s.execute(make(Delivery).on_conflict_do_nothing(index_elements=["key"]), rows)


def delivery_row(
    enrolment_id: int, key: str, task_id: str, kind: str, content: dict[str, Any], due: datetime
) -> dict[str, Any]:
    return {
        "key": key,
        "enrolment_id": enrolment_id,
        "task_id": task_id,
        "kind": kind,
        "content": content,
        "due_at": due,
        "state": State.PENDING.value,
        "attempts": 0,
        "held": False,
    }


async def plan_from(
    s: AsyncSession,
    enrolment: Enrolment,
    start: int,
    due: datetime,
    catalogue: Catalogue,
) -> bool:
    """Plan the first still-existing task at or after index `start`; False when none is left.

    A task cancelled by a pause or stop is revived (same key) rather than planned anew.
    """
    index = catalogue.next_index(enrolment.programme_id, enrolment.task_ids, start)
    if index is None:
        enrolment.position = len(enrolment.task_ids)
        return False
    content = catalogue.snapshot(enrolment.programme_id, enrolment.task_ids, index)
    assert content is not None
    task_id = enrolment.task_ids[index]
    key = task_key(enrolment.id, task_id)
    revived = await s.execute(
        update(Delivery)
        .where(Delivery.key == key, Delivery.state == State.CANCELLED.value)
        .values(state=State.PENDING.value, due_at=due, content=content, claim_token=None)
    )
    if not getattr(revived, "rowcount", 0):
        await insert_once(s, [delivery_row(enrolment.id, key, task_id, "task", content, due)])
    enrolment.position = index + 1
    return True

"""Turning an enrolment into delivery rows: the next task, a review, a resume after a pause."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import LearningSection
from handlers.learning.catalogue import Catalogue
from handlers.learning.models import DELIVERIES, Delivery, Enrolment, State
from handlers.learning.schedule import DAY_NAMES, Rules, parse_quiet, parse_time


def task_key(enrolment_id: int, task_id: str) -> str:
    return f"{enrolment_id}:task:{task_id}"


def review_key(enrolment_id: int, task_id: str, number: int) -> str:
    return f"{enrolment_id}:review:{task_id}:{number}"


def rules_of(enrolment: Enrolment, settings: LearningSection) -> Rules:
    return _rules(
        enrolment.days,
        enrolment.at_time,
        enrolment.timezone,
        enrolment.quiet,
        settings.working_hours_start,
        settings.working_hours_end,
        settings.holidays,
    )


@lru_cache(maxsize=4096)  # thousands of learners share a handful of schedules
def _rules(
    days: str, at: str, zone: str, quiet: str | None, opens: time, closes: time, calendar: str
) -> Rules:
    return Rules(
        frozenset(DAY_NAMES.index(d) for d in days.split(",") if d),
        parse_time(at),
        ZoneInfo(zone),
        opens,
        closes,
        parse_quiet(quiet) if quiet else None,
        calendar,
    )


async def insert_once(s: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Insert delivery rows, skipping any whose key exists: planning twice is harmless."""
    if not rows:
        return
    dialect = s.get_bind().dialect.name
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


@dataclass(frozen=True, slots=True)
class Plan:
    enrolment: Enrolment
    start: int
    due: datetime


async def plan_many(s: AsyncSession, plans: list[Plan], catalogue: Catalogue) -> int:
    """Plan, for each enrolment, the first still-existing task at or after `start`.

    Two statements for any number of plans (the delivery engine's hot path). A task withdrawn
    by a pause or stop is revived (same key) rather than planned anew. Returns how many were
    planned (0: nothing left to send)."""
    revive: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    for plan in plans:
        e = plan.enrolment
        index = catalogue.next_index(e.programme_id, e.task_ids, plan.start)
        if index is None:
            continue
        content = catalogue.snapshot(e.programme_id, e.task_ids, index)
        assert content is not None
        key = task_key(e.id, e.task_ids[index])
        revive.append({"k": key, "due": plan.due, "content": content})
        rows.append(delivery_row(e.id, key, e.task_ids[index], "task", content, plan.due))
    if not rows:
        return 0
    table = DELIVERIES
    await s.execute(
        update(table)
        .where(table.c.key == bindparam("k"), table.c.state == State.CANCELLED.value)
        .values(
            state=State.PENDING.value,
            due_at=bindparam("due"),
            content=bindparam("content"),
            claim_token=None,
        ),
        revive,
    )
    await insert_once(s, rows)
    return len(rows)

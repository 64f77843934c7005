"""Enrolment life: join, choose a schedule, pause, resume, stop. Each change replans deliveries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import LearningSection
from bot.events import User
from handlers.learning.catalogue import Catalogue
from handlers.learning.models import Delivery, Enrolment, State, Status
from handlers.learning.planning import Plan, plan_many, rules_of
from handlers.learning.schedule import DAY_NAMES, WORKING_DAYS, Choice, Rules, parse_zone


@dataclass(frozen=True, slots=True)
class Defaults:
    days: frozenset[int]
    at: time
    zone: ZoneInfo


def defaults(settings: LearningSection, zone_name: str) -> Defaults:
    days = frozenset(DAY_NAMES.index(d) for d in settings.default_days) & WORKING_DAYS
    return Defaults(days or frozenset({0, 2, 4}), settings.default_time, parse_zone(zone_name))


async def learner_enrolments(s: AsyncSession, user: User) -> list[Enrolment]:
    return list(
        (
            await s.scalars(
                select(Enrolment)
                .where(Enrolment.platform == user.platform, Enrolment.user_id == user.id)
                .order_by(Enrolment.id)
            )
        ).all()
    )


async def start_enrolment(
    s: AsyncSession, user: User, programme_id: str, catalogue: Catalogue, d: Defaults, now: datetime
) -> tuple[Enrolment, bool]:
    """(enrolment, True) when the learner may now choose a schedule; False: already in it."""
    programme = catalogue.get(programme_id)
    assert programme is not None
    enrolment = await s.scalar(
        select(Enrolment).where(
            Enrolment.platform == user.platform,
            Enrolment.user_id == user.id,
            Enrolment.programme_id == programme_id,
        )
    )
    if enrolment is not None:
        if enrolment.status in (Status.STOPPED, Status.CHOOSING):
            enrolment.status = Status.CHOOSING.value
            return enrolment, True
        return enrolment, False
    enrolment = Enrolment(
        platform=user.platform,
        user_id=user.id,
        user_name=user.name,
        programme_id=programme_id,
        status=Status.CHOOSING.value,
        days=",".join(DAY_NAMES[i] for i in sorted(d.days)),
        at_time=f"{d.at:%H:%M}",
        timezone=d.zone.key,
        task_ids=[t.id for t in programme.tasks],
        missed_in_row=0,
        enrolled_at=now,
    )
    s.add(enrolment)
    await s.flush()
    return enrolment, True


def apply_choice(enrolment: Enrolment, choice: Choice | None, settings: LearningSection) -> Rules:
    """Check the new rules first, then store them: a bad choice changes nothing."""
    current = rules_of(enrolment, settings)
    rules = Rules.build(
        settings,
        choice.days if choice and choice.days else current.days,
        choice.at if choice and choice.at else current.at,
        choice.zone if choice and choice.zone else current.zone,
        current.quiet,
    )
    enrolment.days = ",".join(DAY_NAMES[i] for i in sorted(rules.days))
    enrolment.at_time = f"{rules.at:%H:%M}"
    enrolment.timezone = rules.zone.key
    return rules


async def replan(
    s: AsyncSession, enrolment: Enrolment, catalogue: Catalogue, rules: Rules, now: datetime
) -> datetime | None:
    """Withdraw planned tasks and plan the first task not yet sent at the next slot."""
    await cancel_planned(s, enrolment.id, kinds=("task",))
    sent = set(
        (
            await s.scalars(
                select(Delivery.task_id).where(
                    Delivery.enrolment_id == enrolment.id,
                    Delivery.kind == "task",
                    Delivery.state.in_([State.SENT.value, State.ANSWERED.value]),
                )
            )
        ).all()
    )
    start = next(
        (i for i, t in enumerate(enrolment.task_ids) if t not in sent), len(enrolment.task_ids)
    )
    due = rules.next_due(now)
    # reviews withdrawn by a pause come back, no earlier than the next slot
    await s.execute(
        update(Delivery)
        .where(
            Delivery.enrolment_id == enrolment.id,
            Delivery.kind == "review",
            Delivery.state == State.CANCELLED.value,
            Delivery.sent_at.is_(None),
        )
        .values(state=State.PENDING.value, due_at=due, claim_token=None)
        .execution_options(synchronize_session=False)
    )
    return due if await plan_many(s, [Plan(enrolment, start, due)], catalogue) else None


async def cancel_planned(
    s: AsyncSession, enrolment_id: int, kinds: tuple[str, ...] = ("task", "review")
) -> int:
    """Withdraw pending rows; returns how many were already being sent (too late to stop)."""
    await s.execute(
        update(Delivery)
        .where(
            Delivery.enrolment_id == enrolment_id,
            Delivery.state == State.PENDING.value,
            Delivery.kind.in_(kinds),
        )
        .values(state=State.CANCELLED.value)
        .execution_options(synchronize_session=False)
    )
    in_flight = await s.scalars(
        select(Delivery.id).where(
            Delivery.enrolment_id == enrolment_id, Delivery.state == State.SENDING.value
        )
    )
    return len(in_flight.all())

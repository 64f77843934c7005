"""The delivery engine under crashes, a second instance and rate limits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.actions import Action, PrivateNotice, Result
from bot.errors import RetryAfter
from bot.events import User
from handlers.learning.engine import DeliveryEngine
from handlers.learning.models import Delivery, State
from tests.learning.conftest import Harness
from tests.support import PLATFORM

DUE = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)


def learners(n: int) -> list[User]:
    return [User(PLATFORM, f"u{i}", f"learner{i}") for i in range(n)]


def task_sends(h: Harness) -> list[str]:
    return [
        a.user.id for a in h.adapter.actions if isinstance(a, PrivateNotice) and " · " in a.text
    ]


def second_engine(h: Harness) -> DeliveryEngine:
    return DeliveryEngine(h.feature.catalogue, h.ctx.settings.learning)


async def test_two_instances_never_send_a_task_twice(harness: Harness) -> None:
    h = harness
    users = learners(12)
    for user in users:
        await h.enrol(user=user)
    h.clock.set(DUE)
    one, two = h.feature.engine, second_engine(h)
    one.chunk = two.chunk = 3  # many small claims, so the two really interleave
    await asyncio.gather(one.tick(h.ctx), two.tick(h.ctx))
    sends = task_sends(h)
    assert sorted(sends) == sorted(u.id for u in users)


async def test_a_crash_after_claiming_loses_nothing(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(DUE)
    crashed = second_engine(h)
    claimed = await crashed._claim(h.ctx, recover=False)  # ...and the process dies here
    assert len(claimed) == 1
    await h.tick()
    assert task_sends(h) == [], "the lease still belongs to the crashed process"
    h.clock.advance(timedelta(seconds=21))
    await h.tick()
    assert len(task_sends(h)) == 1
    await h.tick()
    assert len(task_sends(h)) == 1


class LookupAdapter:
    """A recording adapter that can also say whether it already sent a marked message."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    async def find_sent(self, action: Action, marker: str) -> Result | None:
        for sent in self.inner.actions:  # type: ignore[attr-defined]
            if any(b.data == marker for b in getattr(sent, "buttons", ())):
                return Result("found")
        return None


async def test_crash_between_send_and_mark_is_resolved_by_lookup(harness: Harness) -> None:
    h = harness
    lookup = LookupAdapter(h.adapter)
    h.adapter.find_sent = lookup.find_sent  # type: ignore[attr-defined]
    await h.enrol()
    h.clock.set(DUE)
    crashed = second_engine(h)
    rows = await crashed._claim(h.ctx, recover=False)
    learner = (await crashed._learners(h.ctx, {rows[0].enrolment_id}))[rows[0].enrolment_id]
    from handlers.learning.messages import task_buttons, task_text

    await h.ctx.act(
        PrivateNotice(
            user=learner.user,
            text=task_text(rows[0].content),
            buttons=task_buttons(rows[0].id, rows[0].content),
        )
    )  # the platform has it; the process dies before recording that
    h.clock.advance(timedelta(seconds=21))
    report = await h.feature.engine.tick(h.ctx)
    assert report.recovered == 1 and report.found_already_sent == 1
    assert len(task_sends(h)) == 1
    async with h.ctx.store.session() as s:
        row = await s.scalar(select(Delivery).where(Delivery.id == rows[0].id))
    assert row is not None and row.state == State.SENT and row.message_id == "found"


async def test_retry_after_is_honoured_not_dropped(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(DUE)
    h.adapter.failures.extend([RetryAfter(0.05), RetryAfter(0.05)])
    report = await h.feature.engine.tick(h.ctx)
    assert report.retry_waits == 2 and report.sent == 1
    assert len(task_sends(h)) == 1


class Timeout(Exception):
    pass


async def test_a_send_with_unknown_outcome_is_not_simply_retried(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(DUE)
    h.adapter.failures.append(Timeout())  # type: ignore[arg-type]
    report = await h.feature.engine.tick(h.ctx)
    assert report.sent == 0
    async with h.ctx.store.session() as s:
        row = (await s.scalars(select(Delivery).where(Delivery.kind == "task"))).one()
    assert row.state == State.SENDING, "kept in doubt: the platform may have it"
    h.clock.advance(timedelta(minutes=11))
    report = await h.feature.engine.tick(h.ctx)
    assert report.recovered == 1 and len(task_sends(h)) == 1

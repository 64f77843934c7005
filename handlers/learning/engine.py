"""The delivery engine: claims due delivery rows atomically, sends them, records what happened.

Every (enrolment, task) send is a row with a unique key. A row moves pending -> sending -> sent:

* claim: one conditional UPDATE moves due `pending` rows to `sending` with this process's token
  and a lease (PostgreSQL picks them with FOR UPDATE SKIP LOCKED, so instances never block or
  share rows; SQLite serialises writers, so the single UPDATE is the claim);
* send through ctx.act, pacing all workers together when the platform says "retry after";
* mark `sent` with the platform message id, in batches, only while our token still holds.

A process that dies leaves `sending` rows behind; once their lease runs out another tick takes
them over as *in doubt*: the send may or may not have reached the platform. If the adapter can
look up what it sent (SentLookup), the engine asks and sends only if nothing is found, so no
task is lost or doubled. Otherwise it sends again: never lost, and at most the rows that were in
flight at the crash can arrive twice (answers are keyed by delivery, so a second copy is
harmless).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import and_, bindparam, select, update

from bot.actions import Action, PrivateNotice, Result
from bot.config import LearningSection
from bot.context import Context
from bot.errors import PlatformError, RetryAfter
from bot.events import User
from handlers.learning.catalogue import Catalogue
from handlers.learning.messages import task_buttons, task_text
from handlers.learning.models import DELIVERIES, Delivery, Enrolment, State, Status
from handlers.learning.pacing import Pacer
from handlers.learning.planning import Plan, plan_many, rules_of
from handlers.learning.reminders import send_reminders
from handlers.learning.schedule import Rules

log = logging.getLogger(__name__)

AUTO_PAUSE_AFTER = 3  # unanswered tasks in a row
MAX_ATTEMPTS = 5
FAILED_RETRY = timedelta(minutes=10)
RECOVERY_EVERY = 5.0  # seconds


@runtime_checkable
class SentLookup(Protocol):
    """An adapter that can tell whether a message bearing `marker` (a button's data) was sent."""

    async def find_sent(self, action: Action, marker: str) -> Result | None: ...


class LeaseLost(Exception):
    pass


@dataclass(slots=True)
class Claimed:
    id: int
    enrolment_id: int
    task_id: str
    kind: str
    content: dict[str, Any]
    due_at: datetime
    in_doubt: bool
    send_by: float = 0.0  # monotonic deadline: after it, our lease may have gone to another process


@dataclass(slots=True)
class Learner:
    enrolment_id: int
    user: User
    status: str
    missed: int
    rules: Rules


@dataclass
class TickReport:
    sent: int = 0
    recovered: int = 0
    found_already_sent: int = 0
    cancelled: int = 0
    paused: int = 0
    retry_waits: int = 0


@dataclass
class _Done:
    row: Claimed
    result: Result | None
    at: datetime
    remind_at: datetime | None


@dataclass
class _Run:
    ctx: Context
    queue: asyncio.Queue[tuple[Claimed, Learner | None] | None]
    report: TickReport = field(default_factory=TickReport)
    done: list[_Done] = field(default_factory=list)
    pacer: Pacer = field(default_factory=Pacer)
    flushing: asyncio.Lock = field(default_factory=asyncio.Lock)
    finished: asyncio.Event = field(default_factory=asyncio.Event)


class DeliveryEngine:
    def __init__(
        self,
        catalogue: Catalogue,
        settings: LearningSection,
        *,
        chunk: int = 100,
        concurrency: int = 32,
        lease_seconds: float = 20.0,
        flush_every: float = 0.025,
    ) -> None:
        self.catalogue = catalogue
        self.settings = settings
        self.chunk = chunk
        self.concurrency = concurrency
        self.lease = timedelta(seconds=lease_seconds)
        self.flush_every = flush_every
        self.token = uuid.uuid4().hex  # this process's claims: only it may mark them sent

    # -- the tick ---------------------------------------------------------------------------

    async def tick(self, ctx: Context) -> TickReport:
        """Send everything due now; returns when nothing due is left (or nothing claimable)."""
        run = _Run(ctx, asyncio.Queue(maxsize=self.chunk * 2))
        workers = [asyncio.create_task(self._worker(run)) for _ in range(self.concurrency)]
        flusher = asyncio.create_task(self._flusher(run))
        try:
            await self._produce(run)
            for _ in workers:
                await run.queue.put(None)
            await asyncio.gather(*workers)
        finally:
            for worker in workers:
                worker.cancel()
            # never cancel a flush half-way: its rows would stay `sending` until their lease ends
            run.finished.set()
            await flusher
            await self._flush(run)
        if run.report.sent or run.report.recovered:
            log.info("deliveries sent", extra=vars(run.report))
        for outcome, count in vars(run.report).items():
            if count:
                ctx.metrics.deliveries.labels(outcome).inc(count)
        return run.report

    async def _produce(self, run: _Run) -> None:
        recovering = True
        next_recovery = time.monotonic() + RECOVERY_EVERY
        while True:
            if time.monotonic() >= next_recovery:
                # a long tick still looks for rows a crashed process left behind
                recovering, next_recovery = True, time.monotonic() + RECOVERY_EVERY
            rows = await self._claim(run.ctx, recover=recovering)
            if not rows:
                if recovering:
                    recovering = False
                    continue
                return
            run.report.recovered += sum(r.in_doubt for r in rows)
            learners = await self._learners(run.ctx, {r.enrolment_id for r in rows})
            for row in rows:
                await run.queue.put((row, learners.get(row.enrolment_id)))

    async def _claim(self, ctx: Context, *, recover: bool) -> list[Claimed]:
        now = ctx.clock.now()
        if recover:
            # rows a dead process held: lease over, still `sending`
            due = and_(Delivery.state == State.SENDING.value, Delivery.lease_until < now)
        else:
            due = and_(Delivery.state == State.PENDING.value, Delivery.due_at <= now)
        pick = select(Delivery.id).where(due).order_by(Delivery.due_at, Delivery.id)
        pick = pick.limit(self.chunk)
        if ctx.store.is_postgres:
            pick = pick.with_for_update(skip_locked=True)
        stmt = (
            update(Delivery)
            .where(Delivery.id.in_(pick.scalar_subquery()), due)
            .values(
                state=State.SENDING.value,
                claim_token=self.token,
                lease_until=now + self.lease,
                attempts=Delivery.attempts + 1,
            )
            .returning(
                Delivery.id,
                Delivery.enrolment_id,
                Delivery.task_id,
                Delivery.kind,
                Delivery.content,
                Delivery.due_at,
            )
            .execution_options(synchronize_session=False)
        )
        # a margin under the lease: a send attempt must start while the row is surely ours
        send_by = time.monotonic() + self.lease.total_seconds() * 0.75
        async with ctx.store.session() as s:
            result = await s.execute(stmt)
            return [Claimed(*row, in_doubt=recover, send_by=send_by) for row in result.all()]

    async def _learners(self, ctx: Context, ids: set[int]) -> dict[int, Learner]:
        async with ctx.store.session() as s:
            rows = (await s.scalars(select(Enrolment).where(Enrolment.id.in_(ids)))).all()
        return {
            e.id: Learner(
                e.id,
                User(e.platform, e.user_id, e.user_name),
                e.status,
                e.missed_in_row,
                rules_of(e, self.settings),
            )
            for e in rows
        }

    async def _worker(self, run: _Run) -> None:
        while (item := await run.queue.get()) is not None:
            row, learner = item
            try:
                await self._deliver(run, row, learner)
            except LeaseLost:
                log.warning("lease lost before sending; left for recovery", extra={"id": row.id})
            except Exception:
                log.exception("delivery failed", extra={"delivery": row.id})
                await self._release(run.ctx, row, failed=True)

    async def _deliver(self, run: _Run, row: Claimed, learner: Learner | None) -> None:
        ctx = run.ctx
        if learner is None or learner.status != Status.ACTIVE:
            await self._cancel(ctx, row)
            run.report.cancelled += 1
            return
        if row.kind == "task" and learner.missed >= AUTO_PAUSE_AFTER:
            await self._auto_pause(run, row, learner)
            return
        action = PrivateNotice(
            user=learner.user,
            text=task_text(row.content, review=row.kind == "review"),
            buttons=task_buttons(row.id, row.content),
        )
        result = await self._found_sent(run, row, learner, action)
        if result is None:
            result = await self._send_or_park(run, row, action)
            if result is None:
                return
        # from here on the row is sent: nothing may fail it back to `pending`
        now = ctx.clock.now()
        try:
            remind: datetime | None = learner.rules.add_working_time(
                now, self.settings.reminder_hours
            )
        except Exception:
            log.exception("no reminder time", extra={"delivery": row.id})
            remind = None
        run.done.append(_Done(row, result, now, remind))
        run.report.sent += 1

    async def _found_sent(
        self, run: _Run, row: Claimed, learner: Learner, action: PrivateNotice
    ) -> Result | None:
        """A row left in doubt by a crash: the message itself, if the platform shows it went."""
        if not row.in_doubt:
            return None
        adapter = run.ctx.outbox.adapter(learner.user.platform)
        if not isinstance(adapter, SentLookup):
            return None
        result = await adapter.find_sent(action, action.buttons[0].data)
        if result is not None:
            run.report.found_already_sent += 1
        return result

    async def _send_or_park(self, run: _Run, row: Claimed, action: Action) -> Result | None:
        """The send's result; None when it failed and the row was parked (released to try
        again, or held in doubt when it may have gone out)."""
        try:
            return await self._send(run, action, row.send_by)
        except (LeaseLost, RetryAfter):
            raise
        except PlatformError as exc:
            # the platform said no: nothing was sent, try again later
            log.warning("platform refused a task", extra={"delivery": row.id, "error": str(exc)})
            await self._release(run.ctx, row, failed=True)
        except Exception:
            # a timeout or a dropped connection: the message may have gone out
            log.exception("send outcome unknown; left in doubt", extra={"delivery": row.id})
            await self._hold_in_doubt(run.ctx, row)
        return None

    async def _send(self, run: _Run, action: Action, send_by: float | None = None) -> Result:
        while True:
            await run.pacer.wait()
            if send_by is not None and time.monotonic() > send_by:
                raise LeaseLost()
            try:
                result = await run.ctx.act(action, wait=False)
            except RetryAfter as exc:
                # one pace for every worker: the platform's limit is per bot, not per request
                run.report.retry_waits += 1
                run.pacer.pushed_back(exc.seconds)
                continue
            run.pacer.accepted()
            return result

    async def _flusher(self, run: _Run) -> None:
        while not run.finished.is_set():
            try:
                await asyncio.wait_for(run.finished.wait(), self.flush_every)
            except TimeoutError:
                pass
            try:
                await self._flush(run)
            except Exception:
                log.exception("could not record sent deliveries; will retry")

    async def _flush(self, run: _Run) -> None:
        """Mark sent rows, count unanswered tasks and plan each enrolment's next task."""
        async with run.flushing:  # one flush at a time: no two transactions on the same rows
            done, run.done = run.done, []
            if not done:
                return
            try:
                await self._mark_sent(run.ctx, done)
            except BaseException:
                run.done[:0] = done  # keep them for the next flush
                raise

    async def _mark_sent(self, ctx: Context, done: list[_Done]) -> None:
        async with ctx.store.session() as s:
            table = DELIVERIES  # Core: a plain executemany, not an ORM bulk update
            await s.execute(
                update(table)
                .where(
                    table.c.id == bindparam("row_id"),
                    table.c.claim_token == self.token,
                    table.c.state == State.SENDING.value,
                )
                .values(
                    state=State.SENT.value,
                    sent_at=bindparam("at"),
                    message_id=bindparam("mid"),
                    remind_at=bindparam("remind"),
                    lease_until=None,
                ),
                [
                    {
                        "row_id": d.row.id,
                        "at": d.at,
                        "mid": d.result.message_id if d.result else None,
                        "remind": d.remind_at,
                    }
                    for d in done
                ],
            )
            tasks = [d for d in done if d.row.kind == "task"]
            if not tasks:
                return
            enrolments = {
                e.id: e
                for e in (
                    await s.scalars(
                        select(Enrolment).where(
                            Enrolment.id.in_({d.row.enrolment_id for d in tasks})
                        )
                    )
                ).all()
            }
            plans = []
            for d in tasks:
                enrolment = enrolments.get(d.row.enrolment_id)
                if enrolment is None:
                    continue
                enrolment.missed_in_row += 1
                if enrolment.status != Status.ACTIVE:
                    continue
                rules = rules_of(enrolment, self.settings)
                due = rules.next_due(max(d.row.due_at, d.at))
                plans.append(Plan(enrolment, int(d.row.content["index"]) + 1, due))
            await plan_many(s, plans, self.catalogue)

    async def _cancel(self, ctx: Context, row: Claimed) -> None:
        async with ctx.store.session() as s:
            await s.execute(
                update(Delivery)
                .where(Delivery.id == row.id, Delivery.claim_token == self.token)
                .values(state=State.CANCELLED.value, lease_until=None)
                .execution_options(synchronize_session=False)
            )

    async def _hold_in_doubt(self, ctx: Context, row: Claimed) -> None:
        """Keep the row `sending` so recovery treats it as in doubt; back off before that."""
        async with ctx.store.session() as s:
            await s.execute(
                update(Delivery)
                .where(Delivery.id == row.id, Delivery.claim_token == self.token)
                .values(lease_until=ctx.clock.now() + FAILED_RETRY)
                .execution_options(synchronize_session=False)
            )

    async def _release(self, ctx: Context, row: Claimed, *, failed: bool) -> None:
        """Give a row back (to be tried later), or cancel it after too many failures."""
        if row.in_doubt:
            await self._hold_in_doubt(ctx, row)  # it may have been sent: never plain `pending`
            return
        async with ctx.store.session() as s:
            attempts = await s.scalar(select(Delivery.attempts).where(Delivery.id == row.id))
            state = State.CANCELLED if (attempts or 0) >= MAX_ATTEMPTS else State.PENDING
            await s.execute(
                update(Delivery)
                .where(Delivery.id == row.id, Delivery.claim_token == self.token)
                .values(
                    state=state.value,
                    lease_until=None,
                    due_at=ctx.clock.now() + FAILED_RETRY if failed else row.due_at,
                )
                .execution_options(synchronize_session=False)
            )

    async def _auto_pause(self, run: _Run, row: Claimed, learner: Learner) -> None:
        ctx = run.ctx
        async with ctx.store.session() as s:
            enrolment = await s.get(Enrolment, learner.enrolment_id)
            if enrolment is None or enrolment.status != Status.ACTIVE:
                return
            enrolment.status = Status.PAUSED.value
            await s.execute(
                update(Delivery)
                .where(
                    Delivery.enrolment_id == enrolment.id,
                    Delivery.state.in_([State.PENDING.value, State.SENDING.value]),
                )
                .values(state=State.CANCELLED.value, lease_until=None)
                .execution_options(synchronize_session=False)
            )
            title = row.content["programme"]
        run.report.paused += 1
        await self._send(
            run,
            PrivateNotice(
                user=learner.user,
                text=(
                    f"I've paused {title}: the last {AUTO_PAUSE_AFTER} tasks went unanswered, "
                    "so I'll stop sending for now. Send /resume when you'd like them again "
                    "(or /schedule to pick other days and times)."
                ),
            ),
        )

    async def remind(self, ctx: Context) -> int:
        return await send_reminders(ctx, self.chunk)

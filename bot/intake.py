"""Taking an event in: recorded before anything is acknowledged, handled once across instances.

1. **Record** a row under the event's unique key (`processed_events`). An adapter acknowledges
   the event to its platform only after this: when the database cannot record it, `SendAgain`
   goes back to the adapter, which answers 503 (a webhook) or does not confirm it (polling), so
   the platform sends it again.
2. A key recorded and **finished** before is a re-delivery: acknowledged, nothing done. A key
   recorded but not finished is being handled by another instance: wait a moment for it, then
   `SendAgain`. An instance keeps its claim alive while it works; the claim of one that died
   lapses after `CLAIM_LEASE`, and the next re-send takes it over.
3. **Handle**: the pipeline (`bot/pipeline.py`). A database failure part-way lets the claim go
   and says `SendAgain`: the re-send does the work, rather than a 200 for work not done.
4. **Finish**: mark the row done (retried while the database is away: the work is done).

`answer_within` is for a platform that wants its answer by a deadline (Slack: 3 seconds): the
event is handled within it when it can be, and otherwise acknowledged once recorded, with the
work going on after the answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from types import TracebackType
from typing import Literal, TypeVar

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.context import Context
from bot.effects import Effects, purge_effects
from bot.errors import SendAgain, StorageUnavailable
from bot.events import Event
from bot.store.models import ProcessedEvent

log = logging.getLogger("bot.pipeline")

T = TypeVar("T")

NEW: Literal["new"] = "new"  # a claim recorded afresh
RETAKEN: Literal["retaken"] = "retaken"  # a lapsed claim taken over: part may be done already
CLAIM_LEASE = timedelta(seconds=30)  # a claim not kept alive this long belongs to a dead process
RECORD_RETRIES = (0.1, 0.3)  # seconds: quick, since the platform is waiting for its answer
IN_PROGRESS_WAIT = 1.0  # seconds to wait for another instance that is handling the same event
RECORD_WITHIN = 5.0  # seconds for the database to record an event before the platform re-sends
# Events in hand (recorded, not finished) above which a new one is sent back at once: an instance
# that has fallen behind (the database slow, a platform making it wait) sheds load rather than
# answering ever later, and the platform re-sends to another instance.
IN_HAND_LIMIT = 100
FINISH_BACKOFF = (0.5, 1, 2, 4, 8, 15, 30, 60)
_DRIVERS = ("sqlalchemy", "asyncpg", "aiosqlite", "sqlite3", "bot.store")


def from_database(exc: BaseException) -> bool:
    """True for a failure of the database or of the way to it (a refused or lost connection, a
    timeout, a server restarting), as opposed to a handler's own error or a platform's."""
    if isinstance(exc, StorageUnavailable):
        return True
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, SQLAlchemyError):
        return True
    if isinstance(exc, OSError | TimeoutError | ConnectionError):
        return _raised_in(exc.__traceback__, _DRIVERS)
    return type(exc).__module__.startswith("asyncpg")


def _raised_in(tb: TracebackType | None, modules: tuple[str, ...]) -> bool:
    while tb is not None:
        if str(tb.tb_frame.f_globals.get("__name__", "")).startswith(modules):
            return True
        tb = tb.tb_next
    return False


class Intake:
    """Every adapter's events enter here (`App.handle`)."""

    def __init__(self, ctx: Context, pipeline: Callable[[Event], Awaitable[None]]) -> None:
        self._ctx = ctx
        self._pipeline = pipeline
        self._after_answer: set[asyncio.Future[None]] = set()
        self.in_hand = 0

    async def handle(self, event: Event, *, answer_within: float | None = None) -> None:
        """Returns once the event is handled (or was before). With `answer_within` seconds,
        returns by then if it is recorded, and the work goes on. Raises SendAgain when nothing
        may be acknowledged."""
        started = time.perf_counter()
        within = RECORD_WITHIN if answer_within is None else min(RECORD_WITHIN, answer_within * 0.8)
        try:
            if self.in_hand >= IN_HAND_LIMIT:
                raise SendAgain(f"busy: {self.in_hand} events in hand")
            try:
                async with asyncio.timeout(within):
                    fresh = await self._record(event, started, answer_within)
            except TimeoutError:
                raise SendAgain(f"the database did not record it within {within:g}s") from None
        except SendAgain as exc:
            self._log(event, "send_again", started, reason=str(exc))
            raise
        if fresh is False:
            self._log(event, "duplicate", started)
            return
        self.in_hand += 1
        work = asyncio.ensure_future(self._work(event, started, retaken=fresh == RETAKEN))
        work.add_done_callback(self._out_of_hand)
        left = None if answer_within is None else answer_within - (time.perf_counter() - started)
        try:
            done, _ = await asyncio.wait({work}, timeout=None if left is None else max(0.0, left))
        except asyncio.CancelledError:  # the caller went away (a client hung up): work goes on
            self._goes_on(work)
            raise
        if work in done:
            work.result()
            return
        self._goes_on(work)

    def _goes_on(self, work: asyncio.Future[None]) -> None:
        self._after_answer.add(work)
        work.add_done_callback(self._answered_already)

    async def drain(self, within: float) -> None:
        """Let work that was acknowledged before it finished end before the app stops."""
        if not self._after_answer:
            return
        _, late = await asyncio.wait(set(self._after_answer), timeout=within)
        if late:
            log.warning("stopped with events still being handled", extra={"n": len(late)})

    def _out_of_hand(self, work: asyncio.Future[None]) -> None:
        self.in_hand -= 1

    def _answered_already(self, work: asyncio.Future[None]) -> None:
        self._after_answer.discard(work)
        if not work.cancelled() and isinstance(work.exception(), SendAgain):
            # the platform had its 200: it will not send this again
            log.error("an acknowledged event could not be finished: the database failed")

    # -- record -----------------------------------------------------------------------------

    async def _record(
        self, event: Event, started: float, answer_within: float | None
    ) -> Literal[False, "new", "retaken"]:
        """NEW or RETAKEN (an earlier handling may have done part of it): ours to handle. False:
        handled before. SendAgain otherwise."""
        for delay in (*RECORD_RETRIES, None):
            try:
                return await self._claim(event, started, answer_within)
            except SendAgain:
                raise
            except Exception as exc:
                if not from_database(exc):
                    raise
                if delay is None:
                    raise SendAgain(
                        f"the database did not record it ({type(exc).__name__})"
                    ) from exc
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def _claim(
        self, event: Event, started: float, answer_within: float | None
    ) -> Literal[False, "new", "retaken"]:
        key = event.dedup_key
        if await self._insert(key):
            return NEW
        wait = IN_PROGRESS_WAIT
        if answer_within is not None:
            wait = min(wait, answer_within / 2 - (time.perf_counter() - started))
        deadline = time.perf_counter() + wait
        while True:
            state = await self._take_over_or_read(key)
            if state is not None:
                return RETAKEN if state else False
            if time.perf_counter() >= deadline:
                raise SendAgain("another instance is still handling it")
            await asyncio.sleep(0.05)

    async def _take_over_or_read(self, key: str) -> bool | None:
        """True: a lapsed claim, now ours. False: finished. None: someone is on it."""
        now = self._ctx.clock.now()
        async with self._ctx.store.autocommit() as conn:
            taken = await conn.execute(
                update(ProcessedEvent)
                .where(
                    ProcessedEvent.key == key,
                    ProcessedEvent.done.is_(False),
                    ProcessedEvent.claimed_at < now - CLAIM_LEASE,
                )
                .values(claimed_at=now)
            )
            if taken.rowcount:
                return True
            done = await conn.scalar(select(ProcessedEvent.done).where(ProcessedEvent.key == key))
        if done is None:  # purged or let go in between: record it afresh
            return True if await self._insert(key) else None
        return False if done else None

    async def _insert(self, key: str) -> bool:
        """True when this instance recorded the key first."""
        try:
            async with self._ctx.store.autocommit() as conn:
                await conn.execute(
                    insert(ProcessedEvent).values(
                        key=key, claimed_at=self._ctx.clock.now(), done=False
                    )
                )
        except IntegrityError:
            return False
        return True

    # -- handle and finish ------------------------------------------------------------------

    async def _work(self, event: Event, started: float, *, retaken: bool) -> None:
        keep_alive = asyncio.create_task(self._keep_alive(event.dedup_key))
        ctx = self._ctx
        try:
            with Effects(ctx.store, ctx.clock, event.dedup_key, retaken=retaken):
                await self._pipeline(event)
        except Exception as exc:
            if from_database(exc):
                await self._let_go(event.dedup_key)
                self._log(event, "send_again", started, reason="the database failed part-way")
                raise SendAgain("the database failed while handling it") from exc
            # a bug outside every handler's guard: the claim lapses, a re-send may try again
            log.exception("event lost to an unexpected error", extra={"event_id": event.event_id})
            self._log(event, "failed", started)
            return
        finally:
            keep_alive.cancel()
        self._ctx.metrics.event_seconds.labels(type(event).__name__).observe(
            time.perf_counter() - started
        )
        self._log(event, "handled", started)
        await _with_storage_retry(lambda: self._finish(event.dedup_key))

    async def _keep_alive(self, key: str) -> None:
        every = CLAIM_LEASE.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                async with self._ctx.store.autocommit() as conn:
                    await conn.execute(
                        update(ProcessedEvent)
                        .where(ProcessedEvent.key == key, ProcessedEvent.done.is_(False))
                        .values(claimed_at=self._ctx.clock.now())
                    )
            except Exception as exc:
                if not from_database(exc):
                    raise
                log.warning("could not keep a claim alive", extra={"error": type(exc).__name__})

    async def _finish(self, key: str) -> None:
        async with self._ctx.store.autocommit() as conn:
            await conn.execute(
                update(ProcessedEvent).where(ProcessedEvent.key == key).values(done=True)
            )

    async def _let_go(self, key: str) -> None:
        """The claim lapses now, so the re-send takes it over at once, knowing that part of the
        work may be done (`bot/effects.py`). Best effort: with the database away this fails too,
        and the claim lapses in its own time instead."""
        lapsed = self._ctx.clock.now() - CLAIM_LEASE - timedelta(seconds=1)
        try:
            async with asyncio.timeout(2), self._ctx.store.autocommit() as conn:
                await conn.execute(
                    update(ProcessedEvent)
                    .where(ProcessedEvent.key == key, ProcessedEvent.done.is_(False))
                    .values(claimed_at=lapsed)
                )
        except Exception as exc:
            if not (from_database(exc) or isinstance(exc, TimeoutError)):
                raise

    def _log(self, event: Event, outcome: str, started: float, reason: str | None = None) -> None:
        """One structured line per event; never the text of a post."""
        self._ctx.metrics.events.labels(event.platform, type(event).__name__, outcome).inc()
        extra: dict[str, object] = {
            "event": type(event).__name__,
            "event_id": event.event_id,
            "platform": event.platform,
            "chat": event.chat.key,
            "chat_kind": event.chat.kind.value,
            "user": event.user.key,
            "outcome": outcome,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        if reason:
            extra["reason"] = reason
        log.log(logging.WARNING if outcome == "send_again" else logging.INFO, "event", extra=extra)


async def purge_processed_events(ctx: Context) -> int:
    """Forget event ids, and the actions their handling noted, older than
    `bot.processed_events_days`: no platform re-sends them."""
    cutoff = ctx.clock.now() - timedelta(days=ctx.settings.bot.processed_events_days)
    async with ctx.store.session() as s:
        gone = await s.execute(delete(ProcessedEvent).where(ProcessedEvent.claimed_at < cutoff))
    count = int(getattr(gone, "rowcount", 0) or 0)
    effects = await purge_effects(ctx.store, cutoff)
    if count or effects:
        log.info("processed event ids purged", extra={"count": count, "effects": effects})
    return count


async def _with_storage_retry(operation: Callable[[], Awaitable[T]]) -> T:
    """Keep trying while the database is away: the work is done, only its mark is missing."""
    for delay in (*FINISH_BACKOFF, None):
        try:
            return await operation()
        except Exception as exc:
            if not from_database(exc) or delay is None:
                raise
            log.warning(
                "storage unavailable, retrying",
                extra={"seconds": delay, "error": type(exc).__name__},
            )
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")

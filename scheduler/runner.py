"""Runs the features' periodic jobs with APScheduler 3.

With PostgreSQL several bot processes may run; APScheduler 3 must not share a job store between
them, so only the process holding a PostgreSQL advisory lock runs the jobs. The others try again
every `LEADER_RETRY` seconds and take over when the leader goes away (its session ends, the lock
is released). A new leader runs each job at once, then at its interval. The leader checks its
lock's connection as often: when the database restarted under it, the lock is gone, so it stops
running the jobs and tries to lead again like the others.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.context import Context
from bot.feature import ScheduledJob

log = logging.getLogger(__name__)

ADVISORY_LOCK_ID = 0x5072_6163  # "Prac": the scheduler's leadership lock
LEADER_RETRY = 5.0  # seconds; one cheap query per instance each time
LEAD_JOB = "scheduler.lead"
STOP_WAIT = 10.0  # seconds a running job may take to finish when the bot stops


class JobRunner:
    def __init__(self, ctx: Context, jobs: Sequence[ScheduledJob]) -> None:
        self._ctx = ctx
        self._jobs = list(jobs)
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._lock_conn: AsyncConnection | None = None
        self._running: set[asyncio.Task[object]] = set()
        self.leading = False

    async def start(self) -> None:
        self._scheduler.start()
        try:
            await self._try_lead()
        except Exception:
            log.exception("scheduler could not ask for the lead; trying again")
        if self._ctx.store.is_postgres or not self.leading:
            self._scheduler.add_job(
                self._lead_or_check,
                "interval",
                seconds=LEADER_RETRY,
                id=LEAD_JOB,
                max_instances=1,
                coalesce=True,
            )

    async def stop(self) -> None:
        # No new runs; a job still running ends before the store closes under it (a SQLite
        # connection left open would keep the process from exiting). APScheduler's own shutdown
        # would cancel it half-way.
        self._scheduler.pause()
        if self._running:
            _, late = await asyncio.wait(set(self._running), timeout=STOP_WAIT)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._scheduler.shutdown(wait=False)
        if self._lock_conn is not None:
            # the connection goes back to the pool, so the session-level lock must be let go
            try:
                await self._lock_conn.scalar(
                    text("SELECT pg_advisory_unlock(:id)"), {"id": ADVISORY_LOCK_ID}
                )
                await self._lock_conn.commit()
                await self._lock_conn.close()
            except Exception:
                await self._lock_conn.invalidate()  # the lock went with the connection
            self._lock_conn = None
        self.leading = False
        self._ctx.metrics.scheduler_leading.set(0)

    async def _lead_or_check(self) -> None:
        if not self.leading:
            try:
                await self._try_lead()
            except Exception as exc:
                log.warning("scheduler could not ask for the lead", extra={"error": repr(exc)})
            return
        if self._lock_conn is None:
            return
        try:
            await self._lock_conn.scalar(text("SELECT 1"))
            await self._lock_conn.commit()
        except Exception as exc:
            log.warning(
                "scheduler lost its lock's connection: no longer leading",
                extra={"error": type(exc).__name__},
            )
            try:
                await self._lock_conn.invalidate()
            except Exception:
                pass
            self._lock_conn = None
            self._step_down()

    async def _try_lead(self) -> None:
        if self.leading:
            return
        if self._ctx.store.is_postgres:
            conn = await self._ctx.store.engine.connect()
            try:
                got = await conn.scalar(
                    text("SELECT pg_try_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID}
                )
                await conn.commit()
            except BaseException:
                await conn.close()
                raise
            if not got:
                await conn.close()
                log.debug("scheduler standing by: another instance runs the jobs")
                return
            self._lock_conn = conn
        self.leading = True
        self._ctx.metrics.scheduler_leading.set(1)
        now = datetime.now(UTC)
        for item in self._jobs:
            self._scheduler.add_job(
                self._run,
                "interval",
                seconds=item.seconds,
                args=[item],
                id=item.name,
                next_run_time=now,  # a new leader catches up at once (failover, restart)
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(item.seconds)),
            )
        log.info("scheduler leading", extra={"jobs": ",".join(j.name for j in self._jobs)})

    def _step_down(self) -> None:
        if self.leading:
            for item in self._jobs:
                if self._scheduler.get_job(item.name) is not None:
                    self._scheduler.remove_job(item.name)
        self.leading = False
        self._ctx.metrics.scheduler_leading.set(0)

    async def _run(self, item: ScheduledJob) -> None:
        started = time.perf_counter()
        outcome = "ok"
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
            task.add_done_callback(self._running.discard)
        try:
            await item.job(self._ctx)
        except Exception:
            outcome = "failed"
            log.exception("job failed", extra={"job": item.name})
        finally:
            self._ctx.metrics.job_runs.labels(item.name, outcome).inc()
            self._ctx.metrics.job_seconds.labels(item.name).observe(time.perf_counter() - started)

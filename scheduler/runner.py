"""Runs the features' periodic jobs with APScheduler 3.

With PostgreSQL several bot processes may run; APScheduler 3 must not share a job store between
them, so only the process holding a PostgreSQL advisory lock runs the jobs. The others try again
every `LEADER_RETRY` seconds and take over when the leader goes away (its session ends, the lock
is released).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.context import Context
from bot.feature import ScheduledJob

log = logging.getLogger(__name__)

ADVISORY_LOCK_ID = 0x5072_6163  # "Prac": the scheduler's leadership lock
LEADER_RETRY = 30.0


class JobRunner:
    def __init__(self, ctx: Context, jobs: Sequence[ScheduledJob]) -> None:
        self._ctx = ctx
        self._jobs = list(jobs)
        self._scheduler = AsyncIOScheduler(timezone="UTC")
        self._lock_conn: AsyncConnection | None = None
        self.leading = False

    async def start(self) -> None:
        self._scheduler.start()
        await self._try_lead()
        if not self.leading:
            self._scheduler.add_job(
                self._try_lead, "interval", seconds=LEADER_RETRY, id="scheduler.lead"
            )

    async def stop(self) -> None:
        self._scheduler.shutdown(wait=False)
        if self._lock_conn is not None:
            # the connection goes back to the pool, so the session-level lock must be let go
            await self._lock_conn.scalar(
                text("SELECT pg_advisory_unlock(:id)"), {"id": ADVISORY_LOCK_ID}
            )
            await self._lock_conn.commit()
            await self._lock_conn.close()
            self._lock_conn = None
        self.leading = False

    async def _try_lead(self) -> None:
        if self.leading:
            return
        if self._ctx.store.is_postgres:
            conn = await self._ctx.store.engine.connect()
            got = await conn.scalar(
                text("SELECT pg_try_advisory_lock(:id)"), {"id": ADVISORY_LOCK_ID}
            )
            await conn.commit()
            if not got:
                await conn.close()
                log.info("scheduler standing by: another instance runs the jobs")
                return
            self._lock_conn = conn
        self.leading = True
        if self._scheduler.get_job("scheduler.lead") is not None:
            self._scheduler.remove_job("scheduler.lead")
        for item in self._jobs:
            self._scheduler.add_job(
                self._run,
                "interval",
                seconds=item.seconds,
                args=[item],
                id=item.name,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=max(1, int(item.seconds)),
            )
        log.info("scheduler leading", extra={"jobs": ",".join(j.name for j in self._jobs)})

    async def _run(self, item: ScheduledJob) -> None:
        try:
            await item.job(self._ctx)
        except Exception:
            log.exception("job failed", extra={"job": item.name})

"""Scheduled jobs run on one instance only; a failing job does not stop the others."""

from __future__ import annotations

import asyncio

import pytest

from bot.context import Context
from bot.feature import ScheduledJob
from bot.store import Store
from scheduler import JobRunner
from tests.support import RecordingAdapter, make_app


async def test_jobs_run_periodically_and_a_failing_job_does_not_stop_them(store: Store) -> None:
    runs: list[str] = []

    async def counting(ctx: Context) -> None:
        runs.append("count")

    async def failing(ctx: Context) -> None:
        runs.append("fail")
        raise RuntimeError("job broke")

    async with make_app(store, RecordingAdapter(), []) as app:
        runner = JobRunner(
            app.ctx, [ScheduledJob("count", 0.05, counting), ScheduledJob("fail", 0.05, failing)]
        )
        await runner.start()
        try:
            await asyncio.sleep(0.4)
        finally:
            await runner.stop()
    assert runs.count("count") >= 3
    assert runs.count("fail") >= 3


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # SQLite: one process
async def test_only_one_instance_leads_on_postgresql(store: Store) -> None:
    assert store.is_postgres
    async with make_app(store, RecordingAdapter(), []) as app:
        first = JobRunner(app.ctx, [])
        second = JobRunner(app.ctx, [])
        await first.start()
        await second.start()
        try:
            assert first.leading and not second.leading
            await first.stop()
            await second._try_lead()
            assert second.leading
        finally:
            await second.stop()

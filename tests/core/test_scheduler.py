"""Scheduled jobs run on one instance only; a failing job does not stop the others; a leader that
lost its lock stops, and another runs the jobs at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text

from bot.context import Context
from bot.feature import ScheduledJob
from bot.store import Store
from scheduler import JobRunner
from tests.operations.outage import DatabaseOutage
from tests.support import RecordingAdapter, make_app, until


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


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_leader_whose_lock_went_with_the_database_stops_and_another_runs_the_jobs_at_once(
    store: Store,
) -> None:
    url = store.url
    outage = DatabaseOutage(url.host or "127.0.0.1", url.port or 5432)
    proxied = Store(url.set(host="127.0.0.1", port=await outage.start()))
    ran: list[str] = []

    async def on_first(ctx: Context) -> None:
        ran.append("first")

    async def on_second(ctx: Context) -> None:
        ran.append("second")

    try:
        async with (
            make_app(proxied, RecordingAdapter(), []) as far,
            make_app(store, RecordingAdapter(), []) as near,
        ):
            first = JobRunner(far.ctx, [ScheduledJob("job", 3600, on_first)])
            second = JobRunner(near.ctx, [ScheduledJob("job", 3600, on_second)])
            await first.start()
            await second.start()
            try:
                assert first.leading and not second.leading
                await until(lambda: ran == ["first"])  # a new leader runs its jobs at once
                await outage.cut()  # the leader's connection, and so its lock, are gone
                await first._lead_or_check()
                assert not first.leading
                await until(_leads(second))
                await until(lambda: ran == ["first", "second"])
            finally:
                await first.stop()
                await second.stop()
    finally:
        await outage.stop()


def _leads(runner: JobRunner) -> Callable[[], Awaitable[bool]]:
    async def asked() -> bool:
        await runner._lead_or_check()  # what it does every LEADER_RETRY seconds
        return runner.leading

    return asked


async def test_stopping_lets_a_running_job_finish_before_the_store_closes(store: Store) -> None:
    started = asyncio.Event()
    finished: list[str] = []

    async def slow(ctx: Context) -> None:
        started.set()
        await asyncio.sleep(0.2)
        async with ctx.store.session() as s:  # still has its database
            await s.execute(text("SELECT 1"))
        finished.append("slow")

    async with make_app(store, RecordingAdapter(), []) as app:
        runner = JobRunner(app.ctx, [ScheduledJob("slow", 3600, slow)])
        await runner.start()
        await asyncio.wait_for(started.wait(), 10)
        await runner.stop()
        assert finished == ["slow"]

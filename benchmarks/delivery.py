"""Delivery benchmark: N learners due at the same minute, a rate-limited platform, a crash.

    python benchmarks/delivery.py --learners 25000 --rate 500

Starts the fake platform (benchmarks/fake_platform.py) in this process, seeds a PostgreSQL
database of its own with N enrolments whose next task is due, starts the bot (the real App,
scheduler job and delivery engine) as a child process, SIGKILLs it once a share of the tasks has
gone out, starts it again, and waits until every delivery row is settled. Prints JSON.

`seconds` runs from the moment the tasks fall due (the bot already running, as it would be) to
the last new message the platform accepted; the crash and restart fall inside it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from fake_platform import PLATFORM, BenchAdapter, FakePlatform  # noqa: E402
from sqlalchemy import func, insert, select, text, update  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.store import Store  # noqa: E402
from handlers.learning.catalogue import Catalogue  # noqa: E402
from handlers.learning.models import (  # noqa: E402
    DELIVERIES,
    ENROLMENTS,
    Delivery,
    State,
    Status,
)
from handlers.learning.planning import task_key  # noqa: E402

ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
FAR = datetime(2100, 1, 1, tzinfo=UTC)


async def _admin(url: str, sql: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def seed(store: Store, learners: int) -> None:
    catalogue = Catalogue.from_folder(ROOT / "handlers" / "learning" / "programmes")
    programme = next(iter(catalogue.programmes.values()))
    task_ids = [t.id for t in programme.tasks]
    now = datetime.now(UTC)
    content = catalogue.snapshot(programme.id, task_ids, 0)
    enrolments = [
        {
            "id": i,
            "platform": PLATFORM,
            "user_id": f"u{i}",
            "user_name": f"learner {i}",
            "programme_id": programme.id,
            "status": Status.ACTIVE.value,
            "days": "mon,tue,wed,thu,fri",
            "at_time": "10:00",
            "timezone": "Europe/London",
            "task_ids": task_ids,
            "missed_in_row": 0,
            "enrolled_at": now,
        }
        for i in range(1, learners + 1)
    ]
    deliveries = [
        {
            "key": task_key(i, task_ids[0]),
            "enrolment_id": i,
            "task_id": task_ids[0],
            "kind": "task",
            "content": content,
            "due_at": FAR,  # made due all at once when the bot is up
            "state": State.PENDING.value,
            "attempts": 0,
            "held": False,
        }
        for i in range(1, learners + 1)
    ]
    async with store.session() as s:
        for start in range(0, learners, 5000):
            await s.execute(insert(ENROLMENTS), enrolments[start : start + 5000])
        for start in range(0, learners, 5000):
            await s.execute(insert(DELIVERIES), deliveries[start : start + 5000])
        await s.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('learning_enrolments', 'id'), "
                "(SELECT max(id) FROM learning_enrolments))"
            )
        )


def spawn(url: str, platform_url: str, lookup: bool, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, __file__, "--worker", "--database", url, "--platform-url"]
    command += [platform_url] + ([] if lookup else ["--no-lookup"])
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log.open("ab"), cwd=ROOT, env=os.environ.copy()
    )


async def wait_ready(child: subprocess.Popen[bytes]) -> None:
    assert child.stdout is not None
    line = await asyncio.to_thread(child.stdout.readline)
    if b"ready" not in line:
        raise RuntimeError("the bot did not start; see var/bench-delivery.log")


async def settled(store: Store) -> int:
    async with store.session() as s:
        return int(
            await s.scalar(
                select(func.count())
                .select_from(Delivery)
                .where(
                    Delivery.kind == "task",
                    Delivery.state.in_([State.PENDING.value, State.SENDING.value]),
                    Delivery.due_at < FAR - timedelta(days=1),
                    Delivery.due_at <= datetime.now(UTC),
                )
            )
            or 0
        )


async def bench(args: argparse.Namespace) -> dict[str, object]:
    name = f"pb_bench_delivery_{uuid.uuid4().hex[:8]}"
    await _admin(args.admin_url, f'CREATE DATABASE "{name}"')
    url = args.admin_url.rsplit("/", 1)[0] + "/" + name
    store = Store(url)
    platform = FakePlatform(args.rate, lookup=not args.no_lookup)
    log = ROOT / "var" / "bench-delivery.log"
    log.parent.mkdir(exist_ok=True)
    children: list[subprocess.Popen[bytes]] = []
    try:
        await store.start()
        await seed(store, args.learners)
        platform_url = await platform.start()
        child = spawn(url, platform_url, not args.no_lookup, log)
        children.append(child)
        await wait_ready(child)
        async with store.session() as s:
            await s.execute(update(Delivery).values(due_at=func.now()))
        started = time.monotonic()
        killed_at = restarted_at = None
        limit = started + args.timeout
        next_note = started + 5
        while time.monotonic() < limit:
            await asyncio.sleep(0.05)
            if time.monotonic() >= next_note:
                next_note += 5
                elapsed = time.monotonic() - started
                print(f"{elapsed:5.1f}s delivered {platform.unique}", file=sys.stderr)
            if killed_at is None and platform.unique >= args.kill_at * args.learners:
                child.send_signal(signal.SIGKILL)
                await asyncio.to_thread(child.wait)
                killed_at = time.monotonic() - started
                child = spawn(url, platform_url, not args.no_lookup, log)
                children.append(child)
                await wait_ready(child)
                restarted_at = time.monotonic() - started
            if platform.unique >= args.learners and killed_at is not None:
                if await settled(store) == 0:
                    break
        await asyncio.sleep(1.0)  # anything still in flight would show up as a duplicate
        finished = (platform.last_new_at or time.monotonic()) - started
        seconds = round(finished, 2)
        return {
            "learners": args.learners,
            "rate": args.rate,
            "delivered": platform.unique,
            "duplicates": platform.duplicates,
            "lost": args.learners - platform.unique,
            "seconds": seconds,
            "efficiency": round((args.learners / args.rate) / finished, 3),
            "killed_at_seconds": round(killed_at, 2) if killed_at else None,
            "restarted_at_seconds": round(restarted_at, 2) if restarted_at else None,
            "refused_429": platform.refused,
            "lookup": not args.no_lookup,
        }
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
                try:
                    await asyncio.to_thread(child.wait, 10)
                except subprocess.TimeoutExpired:
                    child.kill()
        await platform.stop()
        await store.stop()
        await _admin(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def worker(args: argparse.Namespace) -> None:
    """The bot: the real App with the learning feature, its scheduler and delivery engine."""
    from bot.app import App
    from bot.logs import configure_logging
    from handlers.learning.feature import LearningFeature

    configure_logging("WARNING")
    base = load_settings(env={"DATABASE_URL": args.database})
    settings = base.model_copy(
        update={"learning": base.learning.model_copy(update={"tick_seconds": args.tick})}
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    adapter = BenchAdapter(args.platform_url, lookup=not args.no_lookup)
    profiler = None
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    async with App(settings, [adapter], features=[LearningFeature(settings)]):
        print("ready", flush=True)
        await stop.wait()
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=25_000)
    parser.add_argument("--rate", type=int, default=500)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share delivered at the crash")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument(
        "--admin-url", default=os.environ.get("PRACTICEBOT_BENCH_POSTGRES", ADMIN_URL)
    )
    parser.add_argument("--no-lookup", action="store_true", help="platform cannot confirm sends")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--platform-url", help=argparse.SUPPRESS)
    parser.add_argument("--tick", type=float, default=0.25, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(worker(args))
        return 0
    print(json.dumps(asyncio.run(bench(args))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cluster benchmark: three bot processes on one PostgreSQL, under load, with faults.

    python benchmarks/cluster.py                  # the defaults take two to four minutes

Starts local fakes of Slack and Telegram that behave like the real ones towards the bot: Slack
signs every request and sends an event that got no 2xx within 3 seconds again, with
X-Slack-Retry-Num, up to three times (real Slack waits about a minute and five minutes before the
last two; here `--slack-retries`); Telegram sends a webhook update again until it gets a 2xx.
Three bots (`python -m bot run`: Slack in HTTP mode, Telegram in webhook mode) share one fresh
PostgreSQL database. A load generator plays the platforms: round robin over the instances, each
re-send to a different one.

1. **Throughput**: safe group posts only, as fast as the bots take them (closed loop).
2. **Mixed traffic with faults**, at `--rate` events a second: group posts (a share of them
   breaches), questions in DMs and in threads, two moderators pressing the same card on two
   instances at once, learning tasks falling due. During it one instance is SIGKILLed, then the
   one holding the scheduler lock, then PostgreSQL is restarted
   (`pg_ctlcluster --skip-systemctl-redirect VERSION CLUSTER restart`); a killed instance is
   started again ten seconds later, as an orchestrator would.
3. **Drain**: the platforms' re-sends run out, due tasks are delivered; then the effects at the
   fakes and the database are counted.

Prints JSON. `lost` counts events a real platform would have sent again (it never had a 2xx, or
its 2xx came from an instance that then finished the work) whose effect is missing: a held post
not removed or without its card, a question not answered, a card pressed and not decided, a safe
post not marked handled, a due task not delivered. `duplicates` counts effects seen more than
once. `p50_ms`/`p99_ms` run from the request's arrival to the bot's answer (the bots answer once
the decision is made), outside the fault windows.

The PostgreSQL cluster restarted must be the one at `--admin-url`; it is restarted, so run this
where nothing else needs that cluster for those seconds (`--pg-cluster` names another one).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.store import Store  # noqa: E402
from bot.store.models import ProcessedEvent  # noqa: E402
from handlers.learning.catalogue import Catalogue  # noqa: E402
from handlers.learning.models import DELIVERIES, ENROLMENTS, State, Status  # noqa: E402
from handlers.learning.planning import task_key  # noqa: E402
from tests.slack import payloads as slack_payloads  # noqa: E402
from tests.slack.fake_slack import ADMIN_TOKEN, BOT_TOKEN  # noqa: E402
from tests.telegram.fake_api import TOKEN  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from cluster_traffic import (  # noqa: E402
    S_EXPERTS,
    S_GROUP,
    S_MODS,
    SECRET,
    T_EXPERTS,
    T_GROUP,
    T_MODS,
    BenchSlack,
    BenchTelegram,
    Platforms,
    Sent,
    Traffic,
)

ADMIN_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


@dataclass
class Instance:
    n: int
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    killed_at: list[float] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def spawn(self) -> None:
        command = [sys.executable, "-m", "bot", "run", "--port", str(self.port)]
        command += ["--log-level", "WARNING"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=self.env["PB_BENCH_DIR"], stdout=log, stderr=log
            )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.killed_at.append(time.monotonic())


def _tries(s: Sent, faults: Faults, killed_at: list[float]) -> str:
    marks = [f"kill@{k:.1f}" for k in killed_at]
    if faults.db_down:
        marks.append(f"db_down@{faults.db_down[0]:.1f}-{faults.db_down[1]:.1f}")
    tries = ", ".join(f"{t[0]:.1f}:bot{t[1]}:{t[2]}:{t[3] * 1000:.0f}ms" for t in s.tries)
    return f"{tries} ({' '.join(marks)})"


async def _admin(url: str, sql: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


FAR = datetime(2100, 1, 1, tzinfo=UTC)


async def seed_learners(store: Store, per_platform: int, spread: float) -> list[str]:
    """Enrolments on both platforms whose first task falls due `spread` seconds apart, counted
    from FAR (moved to now by `fall_due`); returns their delivery keys."""
    start = datetime.now(UTC)
    catalogue = Catalogue.from_folder(ROOT / "handlers" / "learning" / "programmes")
    programme = next(iter(catalogue.programmes.values()))
    task_ids = [t.id for t in programme.tasks]
    content = catalogue.snapshot(programme.id, task_ids, 0)
    enrolments, deliveries = [], []
    for i in range(1, 2 * per_platform + 1):
        platform = "slack" if i % 2 else "telegram"
        user = f"UL{i:05d}" if platform == "slack" else str(50_000_000 + i)
        enrolments.append(
            {
                "id": i,
                "platform": platform,
                "user_id": user,
                "user_name": f"learner {i}",
                "programme_id": programme.id,
                "status": Status.ACTIVE.value,
                "days": "mon,tue,wed,thu,fri,sat,sun",
                "at_time": "10:00",
                "timezone": "Europe/London",
                "task_ids": task_ids,
                "missed_in_row": 0,
                "enrolled_at": start,
            }
        )
        deliveries.append(
            {
                "key": task_key(i, task_ids[0]),
                "enrolment_id": i,
                "task_id": task_ids[0],
                "kind": "task",
                "content": content,
                "due_at": FAR + timedelta(seconds=spread * i / (2 * per_platform)),
                "state": State.PENDING.value,
                "attempts": 0,
                "held": False,
            }
        )
    async with store.session() as s:
        await s.execute(insert(ENROLMENTS), enrolments)
        await s.execute(insert(DELIVERIES), deliveries)
        await s.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('learning_enrolments', 'id'), "
                "(SELECT max(id) FROM learning_enrolments))"
            )
        )
    return [d["key"] for d in deliveries]


def config_file(folder: Path, retriever: str) -> Path:
    path = folder / "practicebot.toml"
    chats = [
        ("slack", S_GROUP, "practice_group"),
        ("slack", S_MODS, "moderators"),
        ("slack", S_EXPERTS, "experts"),
        ("telegram", str(T_GROUP["id"]), "practice_group"),
        ("telegram", str(T_MODS["id"]), "moderators"),
        ("telegram", str(T_EXPERTS["id"]), "experts"),
    ]
    lines = [
        "[bot]",
        f'data_dir = "{folder / "data"}"',
        "[questions]",
        f'retriever = "{retriever}"',
        "[learning]",
        "tick_seconds = 5",
    ]
    for platform, chat_id, role in chats:
        lines += ["[[chats]]", f'platform = "{platform}"', f'id = "{chat_id}"', f'role = "{role}"']
    path.write_text("\n".join(lines) + "\n")
    return path


async def metrics_of(http: aiohttp.ClientSession, instance: Instance) -> dict[str, float] | None:
    try:
        async with http.get(
            f"{instance.url}/metrics", timeout=aiohttp.ClientTimeout(total=2)
        ) as answer:
            body = await answer.text()
    except (aiohttp.ClientError, TimeoutError):
        return None
    values: dict[str, float] = {}
    for line in body.splitlines():
        if line.startswith("practicebot_scheduler_leading "):
            values["leading"] = float(line.split()[-1])
        elif line.startswith("practicebot_job_runs_total"):
            values["job_runs"] = values.get("job_runs", 0.0) + float(line.split()[-1])
    return values


async def ready(http: aiohttp.ClientSession, instance: Instance, within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        assert instance.process is not None
        if instance.process.poll() is not None:
            raise RuntimeError(f"bot {instance.n} exited; see {instance.log}")
        try:
            async with http.get(f"{instance.url}/readyz") as answer:
                if answer.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.25)
    raise RuntimeError(f"bot {instance.n} not ready within {within:g}s; see {instance.log}")


async def leader(http: aiohttp.ClientSession, instances: list[Instance]) -> Instance | None:
    for instance in instances:
        values = await metrics_of(http, instance)
        if values and values.get("leading") == 1.0:
            return instance
    return None


@dataclass
class Faults:
    windows: list[tuple[float, float]] = field(default_factory=list)
    failover_seconds: float | None = None
    db_down: tuple[float, float] | None = None
    pg_restart_seconds: float | None = None
    killed: list[str] = field(default_factory=list)


async def kill_and_restart(
    http: aiohttp.ClientSession, instance: Instance, faults: Faults, restart_after: float
) -> None:
    instance.kill()
    faults.killed.append(f"bot {instance.n}")
    killed = time.monotonic()
    await asyncio.sleep(restart_after)
    instance.spawn()
    await ready(http, instance, 120)
    faults.windows.append((killed - 1, time.monotonic() + 3))


async def kill_leader(
    http: aiohttp.ClientSession, instances: list[Instance], faults: Faults, restart_after: float
) -> None:
    chief = await leader(http, instances)
    if chief is None:
        return
    others = [i for i in instances if i is not chief]
    before = {i.n: (await metrics_of(http, i) or {}).get("job_runs", 0.0) for i in others}
    chief.kill()
    faults.killed.append(f"bot {chief.n} (scheduler leader)")
    killed = time.monotonic()
    restart = asyncio.ensure_future(_restart_later(http, chief, restart_after))
    while time.monotonic() - killed < 120:
        for other in others:
            values = await metrics_of(http, other)
            if (
                values
                and values.get("leading") == 1.0
                and values.get("job_runs", 0) > before[other.n]
            ):
                faults.failover_seconds = round(time.monotonic() - killed, 2)
                break
        if faults.failover_seconds is not None:
            break
        await asyncio.sleep(0.2)
    await restart
    faults.windows.append((killed - 1, time.monotonic() + 3))


async def _restart_later(http: aiohttp.ClientSession, instance: Instance, after: float) -> None:
    await asyncio.sleep(after)
    instance.spawn()
    await ready(http, instance, 120)


async def restart_postgres(cluster: list[str], admin_url: str, faults: Faults) -> None:
    started = time.monotonic()
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart"]
    await asyncio.to_thread(subprocess.run, command, check=True, capture_output=True)
    # answers again: the bots' pools reconnect from here
    while True:
        try:
            await _admin(admin_url, "SELECT 1")
            break
        except Exception:
            await asyncio.sleep(0.1)
    back = time.monotonic()
    faults.pg_restart_seconds = round(back - started, 2)
    faults.db_down = (started, back)
    faults.windows.append((started - 1, back + 5))


async def throughput(
    platforms: Platforms, traffic: Traffic, seconds: float, concurrency: int
) -> dict[str, Any]:
    """Safe group posts only, each sender sending its next as soon as the last was answered."""
    before = len(platforms.sent)
    deadline = time.monotonic() + seconds

    async def sender(platform: str) -> None:
        while time.monotonic() < deadline:
            await traffic.post(breach=False, platform=platform)

    cpu_before = _cpu_seconds(platforms.instances)
    started = time.monotonic()
    await asyncio.gather(*(sender("slack" if i % 2 else "telegram") for i in range(concurrency)))
    took = time.monotonic() - started
    cpu = {k: round(v - cpu_before[k], 1) for k, v in _cpu_seconds(platforms.instances).items()}
    batch = platforms.sent[before:]
    ok = [s for s in batch if s.acked]
    rtts = sorted(t[3] for s in ok for t in s.tries if isinstance(t[2], int) and t[2] < 300)
    return {
        "seconds": round(took, 1),
        "posts": len(ok),
        "posts_per_second": round(len(ok) / took, 1),
        "posts_per_second_per_process": round(len(ok) / took / len(platforms.instances), 1),
        "p50_ms": _ms(rtts, 0.50),
        "p99_ms": _ms(rtts, 0.99),
        "concurrency": concurrency,
        "cpu_seconds": cpu,
        "bot_cpu_ms_per_post": round(cpu["bots"] * 1000 / max(1, len(ok)), 2),
    }


def _cpu_seconds(instances: list[Instance]) -> dict[str, float]:
    """CPU time used so far by the bots, by PostgreSQL's processes, and by this process (the
    load generator and the fake platforms), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")

    def of(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    bots = sum(of(i.process.pid) for i in instances if i.process is not None)
    postgres = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    postgres += of(int(entry.name))
            except OSError:
                pass
    return {"bots": bots, "postgres": postgres, "load_generator_and_fakes": of(os.getpid())}


def _ms(values: list[float], q: float) -> float | None:
    if not values:
        return None
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1)


async def mixed(
    platforms: Platforms,
    traffic: Traffic,
    instances: list[Instance],
    http: aiohttp.ClientSession,
    args: argparse.Namespace,
    cluster: list[str],
) -> Faults:
    faults = Faults()
    duration = args.duration
    rng = traffic.rng
    started = time.monotonic()
    traffic.until = started + duration + 60

    async def load() -> None:
        step = 1.0 / args.rate
        next_at = time.monotonic()
        while (now := time.monotonic()) - started < duration:
            if now < next_at:
                await asyncio.sleep(next_at - now)
            next_at += step
            # within the platforms' limits on what the bot may send into one channel: Slack about
            # one message a second, Telegram 20 a minute in a group (answers in threads, cards)
            draw = rng.random()
            if draw < 0.88:
                traffic.post(breach=rng.random() < args.breach_share)
            elif draw < 0.975:
                traffic.dm_question()
            elif draw < 0.995:
                traffic.thread_question("slack")
            else:
                traffic.thread_question("telegram")

    async def presses() -> None:
        while time.monotonic() - started < duration:
            traffic.press_new_cards(args.press_share)
            await asyncio.sleep(0.2)

    async def faults_in_order() -> None:
        if args.no_faults:
            return
        await asyncio.sleep(duration * 0.2)
        others = [i for i in instances if i is not await leader(http, instances)]
        await kill_and_restart(http, others[0], faults, 10)
        await asyncio.sleep(max(0.0, started + duration * 0.45 - time.monotonic()))
        await kill_leader(http, instances, faults, 10)
        await asyncio.sleep(max(0.0, started + duration * 0.75 - time.monotonic()))
        await restart_postgres(cluster, args.admin_url, faults)

    await asyncio.gather(load(), presses(), faults_in_order())
    return faults


def analyse(
    platforms: Platforms,
    traffic: Traffic,
    slack: BenchSlack,
    telegram: BenchTelegram,
    done_keys: set[str],
    due: list[str],
    delivered_ids: dict[str, int],
    delivery_ids: dict[str, int],
    faults: Faults,
    mixed_started: float,
    held_ids: dict[tuple[str, str, str], int],
) -> dict[str, Any]:
    sent = [s for s in platforms.sent if s.tries and s.tries[0][0] >= mixed_started]
    lost: Counter[str] = Counter()
    dups: Counter[str] = Counter()
    lost_after_ack_to_killed = 0
    killed_at = [t for i in platforms.instances for t in i.killed_at]

    s_deletes = Counter(
        (c.params.get("channel"), c.params.get("ts"))
        for c in slack.calls
        if c.method == "chat.delete" and c.status == 200
    )
    s_posts = [c.params for c in slack.calls if c.method == "chat.postMessage" and c.status == 200]
    # A card names its held post in its buttons; the preview may hide the post's own words.
    s_cards = Counter(held_id(p) for p in s_posts if p.get("channel") == S_MODS)
    s_replies = Counter(
        p.get("channel") for p in s_posts if str(p.get("channel", "")).startswith("D")
    )
    s_threads = Counter(p.get("thread_ts") for p in s_posts if p.get("thread_ts"))
    t_sent = [c.params for c in telegram.calls if c.method == "sendMessage" and c.params.get("_ok")]
    t_deletes = Counter(
        (int(c.params["chat_id"]), int(c.params["message_id"]))
        for c in telegram.calls
        if c.method == "deleteMessage" and c.params.get("_ok")
    )
    t_cards = Counter(held_id(p) for p in t_sent if int(p["chat_id"]) == T_MODS["id"])
    t_replies = Counter(int(p["chat_id"]) for p in t_sent if int(p["chat_id"]) > 0)
    t_quoted = Counter(
        (p.get("reply_parameters") or {}).get("message_id") for p in t_sent if int(p["chat_id"]) < 0
    )

    def effect(s: Sent) -> int:
        r = s.ref
        if s.kind == "post":
            return 1 if s.key in done_keys else 0
        if s.kind == "breach":
            if s.platform == "slack":
                held = held_ids.get(("slack", r["channel"], r["ts"]))
                return min(s_deletes[(r["channel"], r["ts"])], 1) * s_cards[held]
            held = held_ids.get(("telegram", str(r["chat"]), str(r["message_id"])))
            return min(t_deletes[(r["chat"], r["message_id"])], 1) * t_cards[held]
        if s.kind == "dm_question":
            return s_replies[r["channel"]] if s.platform == "slack" else t_replies[r["chat"]]
        if s.kind == "thread_question":
            return s_threads[r["thread_ts"]] if s.platform == "slack" else t_quoted[r["message_id"]]
        return 1

    for s in sent:
        if s.kind == "press":
            continue
        seen = effect(s)
        if seen == 0:
            acked_at = next(
                (t[0] + t[3] for t in s.tries if isinstance(t[2], int) and t[2] < 300), None
            )
            if acked_at is not None and any(0 <= k - acked_at < 3 for k in killed_at):
                lost_after_ack_to_killed += 1
            else:
                lost[f"{s.platform}_{s.kind}"] += 1
        elif seen > 1 and s.kind != "post":
            dups[f"{s.platform}_{s.kind}"] += seen - 1
            print(
                f"duplicate {s.kind} {s.key}: tries {_tries(s, faults, killed_at)}", file=sys.stderr
            )

    # cards pressed by two moderators at once: decided once, restored once
    s_updates = Counter(
        c.params.get("ts")
        for c in slack.calls
        if c.method == "chat.update"
        and c.status == 200
        and "Decision:" in str(c.params.get("text"))
    )
    restored = Counter(
        tag
        for p in s_posts
        if p.get("channel") == S_GROUP and "restored by the moderators" in str(p.get("text"))
        for tag in re.findall(r"bench\d{6}", str(p.get("text")))
    )
    t_updates = Counter(
        int(c.params["message_id"])
        for c in telegram.calls
        if c.method == "editMessageText"
        and c.params.get("_ok")
        and "Decision:" in str(c.params.get("text"))
    )
    presses = [s for s in sent if s.kind == "press"]
    for card in traffic.pressed_cards:
        if card["platform"] == "slack":
            decided = s_updates[card["ts"]]
        else:
            decided = t_updates[card["message_id"]]
        if decided == 0:
            lost[f"{card['platform']}_press"] += 1
        elif decided > 1:
            dups[f"{card['platform']}_press"] += decided - 1
    dups["slack_restored_repost"] += sum(n - 1 for n in restored.values() if n > 1)
    for key in due:
        seen = delivered_ids.get(str(delivery_ids.get(key)), 0)
        if seen == 0:
            lost["learning_delivery"] += 1
        elif seen > 1:
            dups["learning_delivery"] += seen - 1

    def outside(t: float) -> bool:
        return not any(a <= t <= b for a, b in faults.windows)

    def answered_in(kinds: tuple[str, ...]) -> list[float]:
        return sorted(
            t[3]
            for s in sent
            if s.kind in kinds
            for t in s.tries[:1]
            if isinstance(t[2], int) and t[2] < 300 and outside(t[0])
        )

    rtts = answered_in(("post", "breach"))
    by_kind = {
        kind: {"p50_ms": _ms(values, 0.5), "p99_ms": _ms(values, 0.99), "n": len(values)}
        for kind in ("post", "breach", "dm_question", "thread_question", "press")
        if (values := answered_in((kind,)))
    }
    down_statuses: Counter[str] = Counter()
    if faults.db_down is not None:
        a, b = faults.db_down
        for s in sent:
            for t in s.tries:
                if a <= t[0] <= b:
                    down_statuses[str(t[2])] += 1
    return {
        "events_sent": len(sent),
        "events_by_kind": dict(Counter(f"{s.platform}_{s.kind}" for s in sent)),
        "tries": sum(len(s.tries) for s in sent),
        "not_acknowledged_in_the_end": sum(1 for s in sent if not s.acked),
        "effects_at_the_fakes": {
            "slack_cards": sum(s_cards.values()),
            "telegram_cards": sum(t_cards.values()),
            "slack_posts_removed": sum(s_deletes.values()),
            "telegram_posts_removed": sum(t_deletes.values()),
            "slack_dm_replies": sum(s_replies.values()),
            "telegram_dm_messages": sum(t_replies.values()),
            "slack_thread_replies": sum(s_threads.values()),
            "cards_pressed_twice_at_once": len(traffic.pressed_cards),
            "press_requests": len(presses),
            "learning_tasks_due": len(due),
            "learning_tasks_delivered": sum(
                1 for k in due if delivered_ids.get(str(delivery_ids.get(k)), 0)
            ),
        },
        "lost": sum(lost.values()),
        "lost_by_kind": dict(lost),
        "lost_after_ack_by_an_instance_then_killed": lost_after_ack_to_killed,
        "duplicates": sum(dups.values()),
        "duplicates_by_kind": {k: v for k, v in dups.items() if v},
        "p50_ms": _ms(rtts, 0.50),
        "p99_ms": _ms(rtts, 0.99),
        "latency_sample": len(rtts),
        "latency_by_kind": by_kind,
        "statuses_while_database_down": dict(down_statuses),
    }


def held_id(params: dict[str, Any]) -> int | None:
    """The held post a moderators' card is about, read from its buttons (`mod:<decision>:<id>`)."""
    blocks = params.get("blocks")
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    values = [
        *(
            e.get("value", "")
            for b in blocks or ()
            if b.get("type") == "actions"
            for e in b["elements"]
        ),
        *(b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row),
    ]
    for value in values:
        found = re.fullmatch(r"mod:[a-z]+:(\d+)", value)
        if found:
            return int(found.group(1))
    return None


async def delivered_markers(slack: BenchSlack, telegram: BenchTelegram) -> dict[str, int]:
    """Learning tasks seen at the fakes, by the delivery id their buttons carry."""
    seen: Counter[str] = Counter()
    for c in slack.calls:
        if (
            c.method == "chat.postMessage"
            and c.status == 200
            and str(c.params.get("channel", "")).startswith("DUL")
        ):
            blocks = c.params.get("blocks")
            if isinstance(blocks, str):
                blocks = json.loads(blocks)
            for b in blocks or ():
                if b.get("type") == "actions":
                    seen[_delivery_id(b["elements"][0].get("value", ""))] += 1
                    break
    for c in telegram.calls:
        if (
            c.method == "sendMessage"
            and c.params.get("_ok")
            and int(c.params["chat_id"]) > 50_000_000
        ):
            rows = (c.params.get("reply_markup") or {}).get("inline_keyboard") or []
            if rows:
                seen[_delivery_id(rows[0][0].get("callback_data", ""))] += 1
    return dict(seen)


def _delivery_id(data: str) -> str:
    numbers = re.findall(r"\d+", data)
    return numbers[0] if numbers else data


async def run(args: argparse.Namespace) -> dict[str, Any]:
    cluster = (
        args.pg_cluster.split()
        if args.pg_cluster
        else [*sorted(os.listdir("/etc/postgresql"))[-1:], "main"]
    )
    name = f"pb_bench_cluster_{uuid.uuid4().hex[:8]}"
    try:
        await _admin(args.admin_url, f'CREATE DATABASE "{name}"')
    except OSError as exc:
        raise RuntimeError(
            f"--admin-url: cannot reach PostgreSQL at {make_url(args.admin_url).host}:"
            f"{make_url(args.admin_url).port or 5432} ({exc.strerror or exc})"
        ) from None
    url = make_url(args.admin_url).set(database=name).render_as_string(hide_password=False)
    folder = Path(tempfile.mkdtemp(prefix="pb-bench-cluster-"))
    logs = ROOT / "var"
    logs.mkdir(exist_ok=True)
    slack = BenchSlack()
    telegram = BenchTelegram()
    for chat in (T_GROUP, T_MODS, T_EXPERTS):
        telegram.add_chat(chat)
    telegram.admins_who_can_delete.add(int(T_GROUP["id"]))
    await slack.start()
    await telegram.start()
    instances: list[Instance] = []
    http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    try:
        store = Store(url)
        await store.start()
        due = await seed_learners(store, args.learners, args.duration * 0.8)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PB_BENCH_DIR": str(folder),
            "DATABASE_URL": url,
            "PRACTICEBOT_CONFIG": str(config_file(folder, args.retriever)),
            "PRACTICEBOT_SECRET_KEY": "bench-secret-key-long-enough-for-fernet",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": slack_payloads.SIGNING_SECRET,
            "SLACK_ADMIN_USER_TOKEN": ADMIN_TOKEN,
            "SLACK_API_URL": slack.api_url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": telegram.api_url,
            "TELEGRAM_WEBHOOK_URL": "https://bench.invalid/telegram/webhook",
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
        }
        for n in range(args.instances):
            log = logs / f"bench-cluster-{n}.log"
            log.write_bytes(b"")
            instance = Instance(n, _free_port(), env, log)
            instance.spawn()
            instances.append(instance)
        for instance in instances:
            await ready(http, instance, 180)
        platforms = Platforms(instances, http, [float(x) for x in args.slack_retries.split(",")])
        traffic = Traffic(platforms, slack, telegram, args.seed)
        traffic.until = time.monotonic() + 600
        # warm-up: every instance has met the members and loaded what it loads on first use
        await throughput(platforms, traffic, 3, 6)
        fast = await throughput(platforms, traffic, args.throughput_seconds, args.concurrency)
        async with store.session() as s:  # the learning tasks fall due from now on
            await s.execute(
                text("UPDATE learning_deliveries SET due_at = now() + (due_at - :far)"),
                {"far": FAR},
            )
        began = time.monotonic()
        faults = await mixed(platforms, traffic, instances, http, args, cluster)
        # drain: the platforms' re-sends run out, and every due task goes out
        deadline = time.monotonic() + args.drain
        if platforms.in_flight:
            await asyncio.wait(set(platforms.in_flight), timeout=args.drain)
        await store.engine.dispose()  # its connections did not outlive the restart
        async with store.session() as s:
            done_keys = set(
                await s.scalars(select(ProcessedEvent.key).where(ProcessedEvent.done.is_(True)))
            )
            rows = await s.execute(
                text("SELECT key, id FROM learning_deliveries WHERE kind = 'task'")
            )
            delivery_ids = {k: i for k, i in rows.all()}
            rows = await s.execute(
                text("SELECT platform, chat_id, message_id, id FROM moderation_held_posts")
            )
            held_ids = {(p, c, m): i for p, c, m, i in rows.all()}
        while time.monotonic() < deadline:
            seen = await delivered_markers(slack, telegram)
            if sum(1 for k in due if seen.get(str(delivery_ids.get(k)), 0)) >= len(due):
                break
            await asyncio.sleep(1)
        result = analyse(
            platforms,
            traffic,
            slack,
            telegram,
            done_keys,
            due,
            await delivered_markers(slack, telegram),
            delivery_ids,
            faults,
            began,
            held_ids,
        )
        await store.stop()
        return {
            "instances": args.instances,
            "mixed_seconds": args.duration,
            "mixed_rate_per_second": args.rate,
            **result,
            "failover_seconds": faults.failover_seconds,
            "postgres_restart_seconds": faults.pg_restart_seconds,
            "killed": faults.killed,
            "posts_per_second_per_process": fast["posts_per_second_per_process"],
            "throughput": fast,
            "machine": {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)},
        }
    finally:
        for instance in instances:
            if instance.process is not None and instance.process.poll() is None:
                instance.process.send_signal(signal.SIGTERM)
        for instance in instances:
            if instance.process is not None:
                try:
                    instance.process.wait(30)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
        await http.close()
        await slack.stop()
        await telegram.stop()
        with contextlib.suppress(Exception):
            await _admin(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await asyncio.to_thread(shutil.rmtree, folder, True)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--duration", type=float, default=100, help="seconds of mixed traffic")
    parser.add_argument("--rate", type=float, default=40, help="mixed events a second")
    parser.add_argument("--breach-share", type=float, default=0.02)
    parser.add_argument("--press-share", type=float, default=0.5, help="cards pressed twice")
    parser.add_argument("--throughput-seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--learners", type=int, default=150, help="per platform")
    parser.add_argument("--drain", type=float, default=75, help="seconds for re-sends to end")
    parser.add_argument(
        "--slack-retries",
        default="1,15,45",
        help="seconds before Slack's three re-sends (real Slack: about 0, 60, 300)",
    )
    parser.add_argument("--retriever", default="bm25", choices=["bm25", "hybrid"])
    parser.add_argument("--admin-url", default=ADMIN_URL)
    parser.add_argument(
        "--pg-cluster", default=None, help='"VERSION NAME" to restart (default: newest, main)'
    )
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if args.instances < 2 or args.rate <= 0 or args.duration <= 0:
        parser.error("--instances is at least 2 (one is killed), --rate and --duration above 0")
    try:
        result = asyncio.run(run(args))
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        print(
            f"cluster benchmark: {' '.join(exc.cmd)} failed: {said[-1] if said else exc}",
            file=sys.stderr,
        )
        return 1
    except (RuntimeError, OSError) as exc:
        print(f"cluster benchmark: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

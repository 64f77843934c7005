"""The HTTP port of run as operators and platforms meet it: one port for Slack's events,
Telegram's webhook and /healthz, /readyz, /metrics; and nothing acknowledged that the database did
not record: while it is away, Slack and Telegram are answered 503 and send again, and the re-send
is handled once."""

from __future__ import annotations

import asyncio
import io
import json
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.engine import make_url

from adapters.console.adapter import ConsoleAdapter
from adapters.console.session import ConsoleSession
from adapters.http_port import HttpPort
from adapters.slack.adapter import SlackAdapter
from adapters.slack.pacing import ChannelPacer
from adapters.telegram.adapter import RateLimits, TelegramAdapter, Webhook
from bot.app import App
from bot.clock import ScenarioClock
from bot.crypto import Crypto
from bot.errors import ConfigError
from bot.feature import load_features
from tests.operations.outage import DatabaseOutage
from tests.slack import payloads as p
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.support import make_settings
from tests.telegram import updates as u
from tests.telegram.fake_api import TOKEN, FakeBotAPI

SECRET = "webhook-secret_for-tests"
HOOK = "https://bot.example.org/telegram/webhook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Running:
    port: int
    app: App
    slack: FakeSlack
    telegram: FakeBotAPI
    outage: DatabaseOutage | None

    async def get(self, path: str) -> tuple[int, str, str]:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{self.port}{path}") as response,
        ):
            return response.status, response.headers["Content-Type"], await response.text()

    async def webhook(self, update: dict[str, object]) -> int:
        async with (
            aiohttp.ClientSession() as session,
            session.post(
                f"http://127.0.0.1:{self.port}/telegram/webhook",
                data=json.dumps(update),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": SECRET,
                },
            ) as response,
        ):
            return response.status


async def _running(database_url: str, outage: DatabaseOutage | None) -> AsyncIterator[Running]:
    slack = FakeSlack(users={p.ALICE: "alice"})
    telegram = FakeBotAPI()
    await slack.start()
    await telegram.start()
    telegram.dm_opened.add(int(u.ALICE["id"]))
    port = free_port()
    adapters = [
        SlackAdapter(
            BOT_TOKEN,
            signing_secret=p.SIGNING_SECRET,
            api_url=slack.api_url,
            port=port,
            host="127.0.0.1",
            pacer=ChannelPacer(rate=200, burst=50),
        ),
        TelegramAdapter(
            TOKEN,
            api_url=telegram.api_url,
            webhook=Webhook(url=HOOK, secret=SECRET, port=port, host="127.0.0.1"),
            limits=RateLimits(overall=200, per_group=1000),
        ),
    ]
    settings = make_settings(database_url)
    app = App(
        settings,
        adapters,
        features=load_features(settings, ("handlers.admin",)),
        crypto=Crypto("test-secret-key-for-the-suite"),
        run_scheduler=False,
    )
    try:
        async with app:
            yield Running(port, app, slack, telegram, outage)
    finally:
        await slack.stop()
        await telegram.stop()


@pytest.fixture
async def on_sqlite(tmp_path: Path) -> AsyncIterator[Running]:
    async for running in _running(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", None):
        yield running


@pytest.fixture
async def behind_a_proxy(postgres_url: str | None) -> AsyncIterator[Running]:
    if postgres_url is None:
        pytest.skip("PostgreSQL not reachable (see the warning above)")
    url = make_url(postgres_url)
    outage = DatabaseOutage(url.host or "127.0.0.1", url.port or 5432)
    proxied = url.set(host="127.0.0.1", port=await outage.start())
    try:
        async for running in _running(proxied.render_as_string(hide_password=False), outage):
            yield running
    finally:
        await outage.stop()


async def test_one_port_serves_health_readiness_metrics_and_both_platforms(
    on_sqlite: Running,
) -> None:
    bot = on_sqlite
    assert (await bot.get("/healthz"))[0] == 200
    status, _, body = await bot.get("/readyz")
    assert (status, body) == (200, "ready\n")

    dm = f"D{p.ALICE}"
    assert await p.send_event(bot.port, p.callback(p.message("/start", channel=dm))) == 200
    alice = u.private_chat(u.ALICE)
    assert await bot.webhook({"update_id": 71, **u.posted("/start", chat=alice)}) == 200
    assert "Hello alice" in bot.slack.texts(dm)[0]
    assert "Hello" in bot.telegram.sent_to(int(u.ALICE["id"]))[0]

    status, content_type, text = await bot.get("/metrics")
    assert status == 200 and content_type.startswith("text/plain")
    for series in (
        'practicebot_events_total{outcome="handled",platform="slack",type="MessagePosted"} 1.0',
        'practicebot_events_total{outcome="handled",platform="telegram",type="MessagePosted"} 1.0',
        'practicebot_actions_total{action="Send",outcome="ok",platform="slack"} 1.0',
        'practicebot_event_seconds_count{type="MessagePosted"} 2.0',
        "practicebot_database_errors_total 0.0",
    ):
        assert series in text, series
    assert (await bot.get("/nowhere"))[0] == 404


@pytest.mark.postgres
async def test_while_the_database_is_away_nothing_is_acknowledged_and_resends_are_handled_once(
    behind_a_proxy: Running,
) -> None:
    bot = behind_a_proxy
    assert bot.outage is not None
    dm = f"D{p.ALICE}"
    slack_event = p.callback(p.message("/start", channel=dm))
    update = {"update_id": 72, **u.posted("/start", chat=u.private_chat(u.ALICE))}

    await bot.outage.cut()
    assert (await bot.get("/healthz"))[0] == 200  # alive: no restart needed
    status, _, body = await bot.get("/readyz")
    assert status == 503 and body.startswith("not ready: ")
    assert await p.send_event(bot.port, slack_event) == 503
    assert await bot.webhook(update) == 503
    assert bot.slack.texts(dm) == []
    assert bot.telegram.sent_to(int(u.ALICE["id"])) == []

    await bot.outage.restore()
    assert (await bot.get("/readyz"))[0] == 200
    for retry in (1, 2):  # the platforms send again; the second time it is a duplicate
        assert await p.send_event(bot.port, slack_event, retry=retry) == 200
        assert await bot.webhook(update) == 200
    assert len(bot.slack.texts(dm)) == 1
    assert len(bot.telegram.sent_to(int(u.ALICE["id"]))) == 1

    _, _, text = await bot.get("/metrics")
    assert 'practicebot_events_total{outcome="send_again",platform="slack"' in text
    assert 'practicebot_events_total{outcome="send_again",platform="telegram"' in text
    assert 'practicebot_events_total{outcome="duplicate",platform="slack"' in text
    assert "practicebot_database_errors_total 0.0" not in text


async def test_the_console_serves_them_on_a_local_port_when_asked(tmp_path: Path) -> None:
    port = free_port()
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", console={"http_port": port}
    )
    adapter = ConsoleAdapter(settings, out=io.StringIO(), files_dir=tmp_path)
    async with App(settings, [adapter], features=[], run_scheduler=False) as app:
        session = ConsoleSession(adapter, app.handle, ScenarioClock(), app.run_jobs_once, "Bot")
        await session.line("alice>> hello")
        bot = Running(port, app, FakeSlack(), FakeBotAPI(), None)
        assert (await bot.get("/healthz"))[0] == 200
        assert (await bot.get("/readyz"))[0] == 200
        _, _, text = await bot.get("/metrics")
    assert 'practicebot_events_total{outcome="handled",platform="console"' in text
    with pytest.raises(aiohttp.ClientConnectionError):  # closed with the app
        await bot.get("/healthz")


def test_console_port_is_a_flag_and_a_bad_one_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    seen: list[int | None] = []
    monkeypatch.setattr(cli, "_console", lambda s, script: seen.append(s.console.http_port) or 0)
    parser = cli.build_parser()
    assert cli.cmd_console(parser.parse_args(["console", "--port", "9105"])) == 0
    assert seen == [9105]
    with pytest.raises(SystemExit) as exit_:
        parser.parse_args(["console", "--port", "70000"])
    assert exit_.value.code == 2
    assert "argument --port: a port is 1 to 65535, got 70000" in capsys.readouterr().err


def _healthcheck(port: int) -> list[str]:
    """The image's HEALTHCHECK command, pointed at `port` instead of run's default 3000."""
    dockerfile = (Path(__file__).resolve().parents[2] / "Dockerfile").read_text()
    command = dockerfile.split("HEALTHCHECK", 1)[1].split("CMD", 1)[1].split("\n")[0]
    words: list[str] = json.loads(command)
    assert any("http://127.0.0.1:3000/healthz" in w for w in words)
    return [w.replace(":3000/", f":{port}/") for w in words]


async def test_the_images_healthcheck_asks_healthz(on_sqlite: Running) -> None:
    async def check(port: int) -> int:
        words = _healthcheck(port)
        process = await asyncio.create_subprocess_exec(
            sys.executable if words[0] == "python" else words[0], *words[1:],
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        return await process.wait()

    assert await check(on_sqlite.port) == 0
    assert await check(free_port()) != 0  # nothing answers there: unhealthy


async def test_a_port_in_use_is_named_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(
            ConfigError, match=rf"^--port {port}: cannot listen on 127.0.0.1:{port} "
        ):
            await HttpPort.at("127.0.0.1", port).start()


async def test_the_run_port_also_serves_the_web_console(on_sqlite: Running) -> None:
    status, content_type, body = await on_sqlite.get("/console/moderation")
    assert status == 401 and content_type.startswith("text/html") and "Please sign in" in body
    status, _, body = await on_sqlite.get("/signin?t=not-a-link")
    assert status == 403 and "used already or has expired" in body
    assert (await on_sqlite.get("/console/style.css"))[0] == 200

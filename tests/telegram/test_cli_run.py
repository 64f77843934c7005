"""`python -m bot run` with TELEGRAM_BOT_TOKEN set: long polling against the fake, clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.support import closed_port, until
from tests.telegram import updates as u
from tests.telegram.fake_api import TOKEN, FakeBotAPI

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
async def test_bot_run_answers_on_telegram_and_stops_cleanly(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    fake.dm_opened.add(int(u.ALICE["id"]))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "PRACTICEBOT_SECRET_KEY": "a-test-key-that-is-long-enough-for-the-bot",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", str(closed_port()), env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        fake.push(u.posted("/start", chat=u.private_chat(u.ALICE), user=u.ALICE))
        await until(lambda: bool(fake.sent_to(int(u.ALICE["id"]))), within=60)
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, errors.decode()[-2000:]
    assert "Hello" in fake.sent_to(int(u.ALICE["id"]))[0]
    assert fake.pending_update_ids() == []  # confirmed on the way out: no repeat at next start


async def _collect(stream: asyncio.StreamReader, lines: list[str]) -> None:
    while line := await stream.readline():
        lines.append(line.decode(errors="replace"))


@pytest.mark.slow
async def test_bot_run_without_telegram_says_so_and_connects_when_it_comes_up(
    tmp_path: Path,
) -> None:
    port = closed_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "PRACTICEBOT_SECRET_KEY": "a-test-key-that-is-long-enough-for-the-bot",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", str(closed_port()), env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    lines: list[str] = []
    reader = asyncio.create_task(_collect(process.stderr, lines))
    fake = FakeBotAPI()
    try:
        await until(lambda: any("cannot reach" in line for line in lines), within=60)
        await fake.start(port=port)  # Telegram comes back; nobody restarts the bot
        fake.dm_opened.add(int(u.ALICE["id"]))
        fake.push(u.posted("/start", chat=u.private_chat(u.ALICE), user=u.ALICE))
        await until(lambda: bool(fake.sent_to(int(u.ALICE["id"]))), within=60)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
        await reader
        await fake.stop()
    errors = "".join(lines)
    assert process.returncode == 0, errors[-2000:]
    assert "Traceback" not in errors
    first = next(line for line in lines if "cannot reach" in line)
    assert f"telegram: cannot reach 127.0.0.1:{port} (" in first
    assert f"telegram: connected to 127.0.0.1:{port}, ready" in errors
    assert "Hello" in fake.sent_to(int(u.ALICE["id"]))[0]


@pytest.mark.slow
async def test_bot_run_with_a_refused_token_names_the_setting(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "TELEGRAM_BOT_TOKEN": "999:not-the-token",
        "TELEGRAM_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "PRACTICEBOT_SECRET_KEY": "a-test-key-that-is-long-enough-for-the-bot",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", str(closed_port()), env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, errors = await asyncio.wait_for(process.communicate(), 60)
    text = errors.decode()
    assert process.returncode == 2, text[-2000:]
    assert "Traceback" not in text
    assert "configuration error: TELEGRAM_BOT_TOKEN: Telegram refused it" in text

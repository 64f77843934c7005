"""`python -m bot run` with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET: HTTP Events API on --port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from tests.slack import payloads as p
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack
from tests.support import until

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
async def test_bot_run_answers_signed_events_and_stops_cleanly(
    fake: FakeSlack, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": p.SIGNING_SECRET,
        "SLACK_API_URL": fake.api_url.rstrip("/"),  # as an admin might write it
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "PRACTICEBOT_SECRET_KEY": "a-test-key-that-is-long-enough-for-the-bot",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--port", str(port), env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    dm = f"D{p.ALICE}"
    try:

        async def delivered() -> bool:
            event = p.callback(p.message("/start", channel=dm))
            try:
                return await p.send_event(port, event) == 200
            except OSError:  # not listening yet
                return False

        await until(delivered, within=60)
        await until(lambda: bool(fake.texts(dm)), within=30)
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0, errors.decode()[-2000:]
    assert "Hello alice" in fake.texts(dm)[0]

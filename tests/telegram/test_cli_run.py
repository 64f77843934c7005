"""`python -m bot run` with TELEGRAM_BOT_TOKEN set: long polling against the fake, clean stop."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.support import until
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
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path,
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

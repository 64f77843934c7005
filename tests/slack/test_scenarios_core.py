"""End to end through the core over signed HTTP: a forged request, a retried event, a DM."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot.store.models import ProcessedEvent
from tests.slack import payloads as p
from tests.slack.fake_slack import FakeSlack
from tests.slack.scenario import port, slack_bot
from tests.support import until

ALICE_DM = f"D{p.ALICE}"


async def test_forged_request_is_refused_and_a_retried_event_answered_once(
    fake: FakeSlack, tmp_path: Path
) -> None:
    async with slack_bot(fake, tmp_path) as (_, adapter):
        event = p.callback(p.message("/help", channel=ALICE_DM))
        assert await p.send_event(port(adapter), event, secret="forged") == 401
        await asyncio.sleep(0.3)
        assert fake.texts(ALICE_DM) == []
        assert await p.send_event(port(adapter), event) == 200
        # Slack retries before our first handling has finished, and once more after
        assert await p.send_event(port(adapter), event, retry=1) == 200
        await until(lambda: len(fake.texts(ALICE_DM)) >= 1)
        assert await p.send_event(port(adapter), event, retry=2) == 200
        await asyncio.sleep(0.5)
        [answer] = fake.texts(ALICE_DM)
        assert "/help" in answer


async def test_slash_command_in_a_channel_is_answered(fake: FakeSlack, tmp_path: Path) -> None:
    async with slack_bot(fake, tmp_path) as (_, adapter):
        assert await p.send_form(port(adapter), p.slash("help")) == 200

        def answered() -> bool:
            private = fake.texts(ALICE_DM) + [e["text"] for e in fake.ephemerals]
            return any("/help" in t for t in private + fake.texts(p.GROUP))

        await until(answered)


async def test_a_retry_after_a_crash_is_processed(fake: FakeSlack, tmp_path: Path) -> None:
    event = p.callback(p.message("/help", channel=ALICE_DM))
    key = f"slack:post:{ALICE_DM}:{event['event']['ts']}"
    async with slack_bot(fake, tmp_path) as (app, adapter):
        # An instance claimed the event two minutes ago and died before answering.
        crashed_at = app.ctx.clock.now() - timedelta(minutes=2)
        async with app.ctx.store.session() as s:
            s.add(ProcessedEvent(key=key, claimed_at=crashed_at, done=False))
        assert await p.send_event(port(adapter), event, retry=1) == 200  # Slack retries
        await until(lambda: bool(fake.texts(ALICE_DM)))
        assert await p.send_event(port(adapter), event, retry=2) == 200
        await asyncio.sleep(0.5)
    [answer] = fake.texts(ALICE_DM)
    assert "/help" in answer

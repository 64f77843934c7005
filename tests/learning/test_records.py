"""What the organisation sees: the per-programme report, /stats, and admin enrolment."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import ChatRole
from handlers.learning.cli import _enrol
from handlers.learning.records import report
from tests.learning.conftest import Harness
from tests.support import ADMIN, MODS, post


async def test_report_counts_and_median_response(harness: Harness) -> None:
    h = harness
    await h.enrol()
    h.clock.set(datetime(2026, 3, 27, 10, tzinfo=UTC))
    await h.tick()
    h.clock.advance(timedelta(minutes=30))
    await h.say("I will picture the least trusted reader before posting.")
    async with h.ctx.store.session() as s:
        figures = {f.programme_id: f for f in await report(s, h.feature.catalogue)}
    mine = figures["confidentiality-closed-groups"]
    assert (mine.enrolled, mine.delivered, mine.answered, mine.completed) == (1, 1, 1, 0)
    assert mine.median_response_minutes == 30
    assert figures["social-media-in-practice"].enrolled == 0
    await h.ctx.rooms.register(MODS, ChatRole.MODERATORS)
    await h.app.handle(post("/stats", user=ADMIN, chat=MODS))
    stats = h.adapter.to(MODS)[-1]
    assert "Confidentiality in closed groups: enrolled 1, delivered 1, answered 1" in stats
    assert "median response 30 min" in stats


async def test_admin_enrols_a_csv_of_user_ids(harness: Harness, tmp_path: Path) -> None:
    h = harness
    table = tmp_path / "learners.csv"
    table.write_text("user_id,name,platform\nu-alice,alice,test\nu-bob,bob,test\n,,\n")
    args = argparse.Namespace(
        programme="social-media-in-practice", csv=table, members=None, platform="test"
    )
    settings = h.ctx.settings
    assert await _enrol(settings, args, h.clock.now()) == (2, 0)
    assert await _enrol(settings, args, h.clock.now()) == (0, 2)
    async with h.ctx.store.session() as s:
        figures = {f.programme_id: f for f in await report(s, h.feature.catalogue)}
    assert figures["social-media-in-practice"].enrolled == 2
    h.clock.set(datetime(2026, 3, 27, 10, tzinfo=UTC))
    await h.tick()
    assert len(h.tasks()) == 1 and "You are visible" in h.tasks()[0]


def test_a_cpd_record_of_one_activity_reads_as_english() -> None:
    from handlers.learning.records import CpdEntry, cpd_markdown

    entry = CpdEntry("2026-03-02", "Closed groups", "Quiz 1", 1, "names", "fewer names", "PS4")
    text = cpd_markdown([entry], "alice")
    assert "1 activity, 1 minute." in text and "| What I learnt |" in text
    assert "activities" not in text and "What i learnt" not in text


def test_counts_read_as_english() -> None:
    from bot.wording import counted

    assert [counted(n, "activity") for n in (0, 1, 2)] == [
        "0 activities",
        "1 activity",
        "2 activities",
    ]
    assert (
        counted(1, "error") == "1 error"
        and counted(3, "FAQ entry", "FAQ entries") == "3 FAQ entries"
    )

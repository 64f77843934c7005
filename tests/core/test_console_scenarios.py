"""Scripted console scenarios about the console itself; the same files play with
`python -m bot console --script FILE` (see tests/support.py `play_script` for the checks).
restart/before.txt and restart/after.txt are two runs of the console, one after the other."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console.adapter import ConsoleAdapter
from bot.config import load_settings
from tests.core.test_cli import run_cli
from tests.support import console_scenario, play_script

HERE = Path(__file__).parent / "scenarios"
SCENARIOS = sorted(HERE.glob("*.txt"))
FEATURES = ("handlers.admin", "handlers.moderation", "handlers.questions")


@pytest.mark.parametrize("script", SCENARIOS, ids=[s.stem for s in SCENARIOS])
async def test_scenario(script: Path, tmp_path: Path) -> None:
    settings = load_settings(env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"})
    out = io.StringIO()
    adapter = ConsoleAdapter(settings, out=out, files_dir=tmp_path / "files")
    async with console_scenario(settings, adapter, FEATURES) as session:
        await play_script(session, out, script)


def expect_in_order(script: Path, printed: str) -> None:
    seen = 0
    for number, line in enumerate(script.read_text().splitlines(), 1):
        if line.startswith("# expect:"):
            wanted = line.removeprefix("# expect:").strip()
            found = printed.find(wanted, seen)
            assert found >= 0, f"{script.name}:{number}: expected {wanted!r} in:\n{printed[seen:]}"
            seen = found


@pytest.mark.slow
def test_every_held_post_queue_lists_can_be_decided_after_a_restart(tmp_path: Path) -> None:
    """Two runs of `python -m bot console` in one folder, no PRACTICEBOT_SECRET_KEY set."""
    for part in ("before", "after"):
        script = HERE / "restart" / f"{part}.txt"
        result = run_cli("console", "--script", str(script), cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-2000:]
        expect_in_order(script, result.stdout)
    assert "cannot decrypt" not in result.stdout.lower()

"""Scripted console scenarios for practice questions; the same files play with
`python -m bot console --script FILE` (see tests/support.py `play_script` for the checks)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console.adapter import ConsoleAdapter
from bot.config import load_settings
from tests.support import console_scenario, play_script

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.txt"))
FEATURES = ("handlers.admin", "handlers.moderation", "handlers.questions")


@pytest.mark.parametrize("script", SCENARIOS, ids=[s.stem for s in SCENARIOS])
async def test_scenario(script: Path, tmp_path: Path) -> None:
    base = load_settings(env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"})
    settings = base.model_copy(
        update={
            "bot": base.bot.model_copy(update={"admins": ["console:mod"], "data_dir": tmp_path})
        }
    )
    kb = settings.questions.kb_dir  # the package's starter knowledge base
    before = {p.name: p.read_bytes() for p in kb.iterdir()}
    out = io.StringIO()
    adapter = ConsoleAdapter(settings, out=out, files_dir=tmp_path / "files")
    async with console_scenario(settings, adapter, FEATURES) as session:
        await play_script(session, out, script)
    assert {p.name: p.read_bytes() for p in kb.iterdir()} == before  # approvals go to data_dir

"""Scripted console scenarios for practice questions; the same files play with
`python -m bot console --script FILE` (see tests/support.py `play_script` for the checks)."""

from __future__ import annotations

import io
import shutil
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
    kb = tmp_path / "kb"  # an admin's approval writes to the knowledge base: never to ours
    shutil.copytree(base.questions.kb_dir, kb)
    settings = base.model_copy(
        update={
            "bot": base.bot.model_copy(update={"admins": ["console:mod"]}),
            "questions": base.questions.model_copy(update={"kb_dir": kb}),
        }
    )
    out = io.StringIO()
    adapter = ConsoleAdapter(settings, out=out, files_dir=tmp_path / "files")
    async with console_scenario(settings, adapter, FEATURES) as session:
        await play_script(session, out, script)

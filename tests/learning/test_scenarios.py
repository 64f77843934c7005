"""Scripted console scenarios: the same files play with `python -m bot console --script FILE`.

`# expect: TEXT` lines (comments to the console) say what the bot must have printed since the
previous expectation; `# verify-badge: FILE` checks a badge the console saved.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from adapters.console.adapter import ConsoleAdapter
from bot.config import load_settings
from handlers.learning.badges import verify
from tests.learning.conftest import write_key
from tests.support import console_scenario, play_script

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.txt"))


@pytest.mark.parametrize("script", SCENARIOS, ids=[s.stem for s in SCENARIOS])
async def test_scenario(script: Path, tmp_path: Path) -> None:
    key = tmp_path / "badge.pem"
    write_key(key)
    base = load_settings(env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"})
    settings = base.model_copy(
        update={"learning": base.learning.model_copy(update={"badge_key_file": key})}
    )
    out = io.StringIO()
    files = tmp_path / "files"
    adapter = ConsoleAdapter(settings, out=out, files_dir=files)
    async with console_scenario(
        settings, adapter, ("handlers.admin", "handlers.learning")
    ) as session:

        def verify_badge(name: str) -> None:
            credential = verify((files / name).read_text()).credential
            assert "OpenBadgeCredential" in credential["type"]

        await play_script(session, out, script, {"verify-badge": verify_badge})

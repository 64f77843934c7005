"""Scripted console scenarios for moderation; the same files play with `python -m bot console --script`.

In a script, `# expect: TEXT` says TEXT was printed since the previous expectation (in order);
`# expect-not: TEXT` says the line played just before printed nothing containing TEXT;
`# capabilities: no-delete` plays it on a console that cannot remove members' posts.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console.adapter import ConsoleAdapter
from bot.adapter import Capabilities
from bot.config import load_settings
from tests.support import console_scenario, play_script, require_ocr

SCENARIOS = sorted((Path(__file__).parent / "scenarios").glob("*.txt"))
ROOT = Path(__file__).resolve().parents[2]


class NoDeleteConsole(ConsoleAdapter):
    """A console standing in for a platform where the bot cannot remove a member's post."""

    capabilities = Capabilities(
        delete_others=False, ephemeral=False, threads=False, buttons=True, edit=True
    )


@pytest.mark.parametrize("script", SCENARIOS, ids=[s.stem for s in SCENARIOS])
async def test_scenario(script: Path, tmp_path: Path) -> None:
    settings = load_settings(env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"})
    text = script.read_text()  # noqa: ASYNC240 (small file)
    if "# needs: ocr" in text:
        require_ocr()
    no_delete = "# capabilities: no-delete" in text
    out = io.StringIO()
    console = NoDeleteConsole if no_delete else ConsoleAdapter
    adapter = console(settings, out=out, files_dir=tmp_path / "files")
    async with console_scenario(
        settings, adapter, ("handlers.admin", "handlers.moderation")
    ) as session:
        await play_script(session, out, script)


def test_the_real_cli_plays_the_enforce_scenario(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "PRACTICEBOT_CONFIG": str(tmp_path / "none.toml"),
    }
    env.pop("PRACTICEBOT_SECRET_KEY", None)  # the console makes its local key in var/
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--script", str(SCENARIOS_BY_NAME["enforce"])],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    assert "[group] (message 1 removed)" in done.stdout
    assert "[moderators] Held post #1 in Practice group by priya" in done.stdout
    assert "Doreen" not in done.stdout.split("[moderators]", 1)[1].split("\n", 1)[0]


SCENARIOS_BY_NAME = {s.stem: s for s in SCENARIOS}

"""The layers hold because the build checks them: a change that breaks one fails `make test`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the four packages and the contracts, to break on purpose."""
    for package in ("bot", "handlers", "adapters", "scheduler"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("bot/app.py", "import adapters.console.adapter", "the core uses none of them BROKEN"),
        ("bot/cli.py", "from scheduler import JobRunner", "the core uses none of them BROKEN"),
        (
            "handlers/questions/records.py",
            "from handlers.moderation import records",
            "no feature imports another BROKEN",
        ),
        ("handlers/admin/feature.py", "import slack_sdk", "never call a platform's SDK BROKEN"),
        (
            "bot/router.py",
            "def later():\n    import telegram",
            "never call a platform's SDK BROKEN",
        ),
    ],
)
def test_a_deliberate_violation_fails_the_contracts(
    tree: Path, module: str, line: str, broken: str
) -> None:
    assert lint(tree).returncode == 0  # the tree as it is keeps every contract
    path = tree / module
    path.write_text(path.read_text() + f"\n\n{line}\n")
    result = lint(tree)
    assert result.returncode != 0 and broken in result.stdout, result.stdout

"""The delivery benchmark itself still runs end to end (small, so it stays quick-ish)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_ADMIN_URL

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.postgres
def test_crash_and_restart_lose_nothing_and_double_nothing(postgres_url: str | None) -> None:
    if postgres_url is None:
        pytest.skip("PostgreSQL not reachable")
    done = subprocess.run(
        [sys.executable, "benchmarks/delivery.py", "--learners", "600", "--rate", "300"],
        env={**os.environ, "PRACTICEBOT_BENCH_POSTGRES": PG_ADMIN_URL},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["delivered"] == 600
    assert figures["duplicates"] == 0 and figures["lost"] == 0
    assert figures["killed_at_seconds"] is not None

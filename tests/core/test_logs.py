"""The log an operator reads: one JSON object a line, at the level they chose."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging


@pytest.fixture
def restored_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_library_that_sets_its_own_logger_to_debug_stays_quiet_at_info(
    restored_root: None,
) -> None:
    out = io.StringIO()
    configure_logging("INFO", out)
    chatty = logging.getLogger("a-library")
    chatty.setLevel(logging.DEBUG)  # as bm25s does for its own logger
    chatty.debug("building index")
    chatty.info("index built")
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [(line["level"], line["msg"]) for line in lines] == [("info", "index built")]

"""The detector's per-word memos stay bounded in a bot that runs for months."""

from __future__ import annotations

from handlers.moderation.detector.memo import Memo


def test_a_memo_past_its_limit_starts_again_and_keeps_answering() -> None:
    memo: Memo[str, int] = Memo(limit=3)
    for i in range(10):
        assert memo.keep(f"word{i}", i) == i
        assert len(memo) <= 4
    assert memo.get("word9") == 9 and memo.get("word0") is None

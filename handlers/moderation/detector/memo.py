"""A memo of per-word results that cannot grow without bound: past its limit it starts again.

The detector memoises what it works out about a word (is it name-like, its hashed feature, its
spelling features) across posts; a long-running bot meets an unbounded number of distinct words.
Reads stay a plain `dict.get` in the hot loops; only a miss goes through `keep`.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(dict[K, V]):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def keep(self, key: K, value: V) -> V:
        if len(self) > self.limit:
            self.clear()
        self[key] = value
        return value

"""A second look at names and descriptions: do the words around them say the post is about them?

The rules and the tagger each read a few words either side. This reads the same candidates (every
name or description they found, and every name-like word in the post) with what a sentence model
knows of words: each word of the post has a 48-number vector taken from all-MiniLM-L6-v2 (the
word encoded alone, reduced by PCA; `model/words.npz`), so "came on the radio", "on the
playlist" and "singalong" read alike although only one of them was in the training data. A
logistic regression over those vectors and the words either side (hashed) gives a belief that the
candidate identifies someone the post is about (`model/context.npz`).

- A name, description or address another recogniser found is dropped when the belief is under
  `drop` (a singer in a singalong list, the registered manager, "Martha's Rule").
- A name-like word nobody found is reported as a name when the belief reaches `add` ("Ivy rm 6").

Trained by `python -m handlers.moderation.training.context`; numpy only at run time.
"""

from __future__ import annotations

import bisect
import math
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import numpy as np

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.lexicon import is_first_name, is_last_name, zipf
from handlers.moderation.detector.memo import Memo
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.cues import care_words
from handlers.moderation.detector.recognisers.learned import MODEL_DIR, post_feature, reason_for
from handlers.moderation.detector.settings import DetectorSettings

WEIGHTS_FILE = MODEL_DIR / "context.npz"
WORDS_FILE = MODEL_DIR / "words.npz"
# The types a reading of context may overrule; formats and checksums are never second-guessed.
CHECKED = frozenset({"PERSON", "QUASI", "ADDRESS"})
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*|\d+")
BITS = 2**18  # hashed sparse features
SIDE = 6  # words either side read as context
# A name-like word that common (zipf 5.5: "will", "may") is left to the rules and the tagger.
COMMON = 5.5


class Token(NamedTuple):
    start: int
    end: int
    lower: str
    word: str


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    kind: str
    source: str  # "hit": another recogniser found it; "bare": a name-like word, found by nobody
    confidence: float = 0.0  # the finder's, for a hit
    reason: str = ""  # the finder's reason, for a hit: which rule or cue found it


class WordVectors:
    def __init__(self, words: Sequence[str], vectors: np.ndarray) -> None:
        self._rows = {word: row for row, word in enumerate(words)}
        self.dims = vectors.shape[1]
        # a last row of zeros, for words without a vector (row -1)
        self.vectors = np.concatenate([vectors.astype(np.float64), np.zeros((1, self.dims))])

    @classmethod
    def load(cls, path: Path = WORDS_FILE) -> WordVectors:
        with np.load(path) as data:
            return cls(str(data["words"]).split("\n"), data["vectors"])

    def rows(self, words: Iterable[str]) -> np.ndarray:
        get = self._rows.get
        return np.array([get(word, -1) for word in words], np.intp)


@dataclass(frozen=True)
class ContextWeights:
    sparse: np.ndarray  # (BITS,)
    dense: np.ndarray  # (3 * dims,)
    bias: float
    drop: float
    add: float

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            sparse=self.sparse.astype(np.float16),
            dense=self.dense.astype(np.float32),
            bias=np.float32(self.bias),
            thresholds=np.array([self.drop, self.add], np.float64),
        )

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> ContextWeights:
        with np.load(path) as data:
            drop, add = (float(x) for x in data["thresholds"])
            return cls(
                data["sparse"].astype(np.float32),
                data["dense"].astype(np.float32),
                float(data["bias"]),
                drop,
                add,
            )


def available() -> bool:
    return WEIGHTS_FILE.is_file() and WORDS_FILE.is_file()


@cache
def _shipped() -> tuple[ContextWeights, WordVectors]:
    return ContextWeights.load(), WordVectors.load()


def tokens_of(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), m.group().lower(), m.group()) for m in WORD.finditer(text)]


def name_like(token: Token) -> bool:
    key = (token.lower, token.word[0].isupper())
    known = _NAME_LIKE.get(key)
    if known is None:
        known = _NAME_LIKE.keep(key, _name_like(*key))
    return known


_NAME_LIKE: Memo[tuple[str, bool], bool] = Memo(100_000)


def _name_like(lower: str, capital: bool) -> bool:
    bare = lower.strip("'\u2019")
    if len(bare) < 2 or not bare[0].isalpha():
        return False
    frequency = zipf(bare)
    if frequency >= COMMON:
        return False
    return is_first_name(bare) or is_last_name(bare) or (capital and frequency < 3)


def bare_candidates(tokens: Sequence[Token], text: str) -> list[Candidate]:
    """Name-like words standing alone: not the parts of an e-mail or a web address, which the
    e-mail rule reads whole (and knows the group's allowed domains)."""
    return [
        Candidate(t.start, t.end, "PERSON", "bare")
        for t in tokens
        if name_like(t) and not _in_address(text, t.start, t.end)
    ]


def _in_address(text: str, start: int, end: int) -> bool:
    left = text.rfind(" ", 0, start) + 1
    right = text.find(" ", end)
    chunk = text[left : right if right >= 0 else len(text)]
    return "@" in chunk or "://" in chunk or chunk.startswith("www.")


def _shape(word: str) -> str:
    if len(word) > 1 and word.isupper():
        return "XX"
    if word[0].isupper():
        return "Xx"
    return "d" if word[0].isdigit() else "x"


class Reading:
    """One post as the second look reads it: its words, and running sums of their vectors, so
    that any window's vector costs the same however long the post."""

    def __init__(self, text: str, lower: str, vectors: WordVectors) -> None:
        self.text = text
        self.lower = lower
        self.tokens = tokens_of(text)
        self.post = post_feature(lower)
        self._ends = [token.end for token in self.tokens]
        self._starts = [token.start for token in self.tokens]
        each = vectors.vectors[vectors.rows(token.lower for token in self.tokens)]
        self._sums = np.zeros((len(self.tokens) + 1, vectors.dims))
        np.cumsum(each, axis=0, out=self._sums[1:])

    def _sum(self, first: int, last: int, then: int = 0, end: int = 0) -> np.ndarray:
        """The normalised sum of the vectors of tokens [first, last) and [then, end)."""
        sums = self._sums
        total: np.ndarray = sums[last] - sums[first]
        if end > then:
            total = total + (sums[end] - sums[then])
        norm = math.sqrt(float(total @ total))
        return total / norm if norm else total

    def features(self, candidate: Candidate) -> tuple[list[int], np.ndarray]:
        """The candidate's words as hashed features, and the dense part: the vectors of the
        context either side, of the candidate itself, and of the nearest two words either side."""
        tokens, start, end = self.tokens, candidate.start, candidate.end
        first = bisect.bisect_right(self._ends, start)
        last = bisect.bisect_left(self._starts, end, lo=first)
        inside = tokens[first:last]
        before = tokens[max(0, first - SIDE) : first]
        after = tokens[last : last + SIDE]
        named = [
            f"src={candidate.source}|{candidate.kind}",
            f"post={self.post}",
            f"n={min(len(inside), 4)}",
        ]
        if candidate.source == "hit":
            named += [f"conf={candidate.confidence:.1f}", f"why={candidate.reason.split(',')[0]}"]
        if len(inside) == 1:
            word = inside[0]
            named += [
                f"w={word.lower}",
                f"sh={_shape(word.word)}",
                f"z={int(zipf(word.lower))}",
                f"fn={is_first_name(word.lower)}",
                f"ln={is_last_name(word.lower)}",
            ]
        else:
            named.append("sh=" + "_".join(_shape(t.word) for t in inside[:3]))
        named += [f"L{n}={t.lower}" for n, t in enumerate(reversed(before[-3:]), start=1)]
        named += [f"R{n}={t.lower}" for n, t in enumerate(after[:3], start=1)]
        named.append(f"L1sh={_shape(before[-1].word)}" if before else "L1=<s>")
        if after:
            named.append(f"R1sh={_shape(after[0].word)}")
        named += [f"c={t.lower}" for t in (*before, *after)]
        if self.text[end : end + 2] in ("'s", "\u2019s"):
            named.append("poss")
        later = min(len(tokens), last + SIDE)
        vectors = np.concatenate(
            [
                self._sum(max(0, first - SIDE), first, last, later),
                self._sum(first, last),
                self._sum(max(0, first - 2), first, last, min(len(tokens), last + 2)),
            ]
        )
        return hashed(named), vectors


def hashed(named: Sequence[str]) -> list[int]:
    known = _HASHED
    found = []
    for name in named:
        bucket = known.get(name)
        if bucket is None:
            bucket = known.keep(name, zlib.crc32(name.encode("utf-8")) % BITS)
        found.append(bucket)
    return found


_HASHED: Memo[str, int] = Memo(200_000)


class ContextCheck:
    name = "context"
    exact = False  # a guess from context: any rule's finding is placed first

    def __init__(
        self, weights: ContextWeights | None = None, vectors: WordVectors | None = None
    ) -> None:
        if weights is None or vectors is None:
            shipped_weights, shipped_vectors = _shipped()
            weights, vectors = weights or shipped_weights, vectors or shipped_vectors
        self.weights = weights
        self.vectors = vectors

    def reading(self, doc: Document) -> Reading:
        found: Reading | None = doc.notes.get(self.name)
        if found is None:
            found = doc.notes[self.name] = Reading(doc.text, doc.lower, self.vectors)
        return found

    def belief(self, doc: Document, candidate: Candidate) -> float:
        named, vectors = self.reading(doc).features(candidate)
        score = self.weights.bias + float(self.weights.sparse[named].sum())
        score += float(vectors @ self.weights.dense)
        return 1.0 / (1.0 + float(np.exp(-score)))

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        reading = self.reading(doc)
        staff = {name.lower() for name in settings.staff_names}
        for candidate in bare_candidates(reading.tokens, doc.text):
            found = doc.text[candidate.start : candidate.end]
            if found.lower() in staff:
                continue
            belief = self.belief(doc, candidate)
            if belief >= self.weights.add:
                yield Hit(
                    "PERSON",
                    candidate.start,
                    candidate.end,
                    round(0.5 + 0.45 * belief, 2),
                    reason_for(
                        "PERSON", found, doc.lower, candidate.start, candidate.end, care_words(doc)
                    ),
                )

    def second_look(self, doc: Document, hit: Hit) -> bool:
        """Keep another recogniser's name, description or address unless the context says it is
        nobody the post is about."""
        if hit.type not in CHECKED or any(
            start <= hit.start and hit.end <= end for start, end in doc.file_names
        ):
            return True  # a file's name has no sentence around it to read
        candidate = Candidate(hit.start, hit.end, hit.type, "hit", hit.confidence, hit.reason)
        return self.belief(doc, candidate) >= self.weights.drop

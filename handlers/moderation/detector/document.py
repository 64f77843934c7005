"""A post prepared for the recognisers: normalised text plus the way back to the original offsets.

Normalisation removes what hides identifiers from a pattern (zero-width and bidi control
characters, full-width digits, letter O / l typed for 0 / 1 inside long digit runs) while
every character of the normalised text remembers where it came from in the original.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# Zero-width, soft hyphen, word joiner, BOM and the bidi controls: invisible, so they only hide digits.
_INVISIBLE = frozenset(
    "\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff"
) | frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_SPACES = frozenset("\u00a0\u2007\u202f\u2009\u200a\u2002\u2003\u3000")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2212")

# A run that is mostly digits with a few look-alike letters: "O7700 9OO123", "4l6 ...".
_LOOKALIKE_RUN = re.compile(r"(?<![A-Za-z0-9])[0-9OoIl|](?:[ -]?[0-9OoIl|]){8,12}(?![A-Za-z0-9])")
_LOOKALIKE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})

# A file's name ("Doreen_Pike_careplan.pdf", "DoreenPike-14ElmRoad.docx"): read as words.
_FILE_NAME = re.compile(
    r"(?<![\w@])(?![\w.\-]*@)\w[\w.\-]*\.(?:pdf|docx?|odt|rtf|txt|xlsx?|ods|csv|pptx?|jpe?g|png|"
    r"gif|heic|webp|tiff?|bmp|zip|eml|msg|mp4|mov|m4a|mp3|wav)\b"
    r"|(?<![\w@])(?![\w.\-]*@)[A-Za-z0-9]+(?:_+[A-Za-z0-9]+)+\b",
    re.IGNORECASE,
)

_REACH = 300
_HAS_LOOKALIKE = re.compile(r"\d[OolI|]|[OolI|]\d")
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"[.!?\n]+(?:\s|$)|\s[—–-]\s|;")


def _normal_char(char: str) -> str:
    if char in _SPACES:
        return " "
    if char in _DASHES:
        return "-"
    if char == "\u2019" or char == "\u2018":
        return "'"
    if ord(char) < 128:
        return char
    folded = unicodedata.normalize("NFKC", char)
    # Only single-character folds keep offsets simple (full-width digits, ligature-free letters).
    return folded if len(folded) == 1 else char


class _Folds(dict[int, str]):
    """`_normal_char` as a table for str.translate, filled as characters are first met (and
    started again past 10,000 of them: a post of every Unicode character would not fill memory)."""

    def __missing__(self, code: int) -> str:
        if len(self) > 10_000:
            self.clear()
        folded = self[code] = _normal_char(chr(code))
        return folded


_FOLD = _Folds()


def _split_file_names(text: str, origin: list[int] | None) -> tuple[str, list[int]]:
    """Separators in file names read as spaces, and a space goes where case or letters and digits
    change, so "DoreenPike-14ElmRoad.docx" reads "Doreen Pike 14 Elm Road docx"; each character
    keeps its origin (an added space takes the next character's)."""
    where = origin if origin is not None else list(range(len(text)))
    chars: list[str] = []
    kept: list[int] = []
    done = 0
    for match in _FILE_NAME.finditer(text):
        chars.append(text[done : match.start()])
        kept += where[done : match.start()]
        previous = ""
        for index in range(match.start(), match.end()):
            char = text[index]
            if char in "_-.":
                char = " "
            elif previous.isalnum() and (
                (previous.islower() and char.isupper()) or previous.isdigit() != char.isdigit()
            ):
                chars.append(" ")
                kept.append(where[index])
            chars.append(char)
            kept.append(where[index])
            previous = char
        done = match.end()
    chars.append(text[done:])
    kept += where[done:]
    return "".join(chars), kept


@dataclass
class Document:
    original: str
    text: str = field(init=False)
    _origin: list[int] | None = field(init=False, repr=False)
    # What one recogniser learned of the post that another step may read (the model's beliefs).
    notes: dict[str, Any] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        original = self.original
        origin: list[int] | None = None
        if original.isascii():
            text = original  # the common case: nothing to fold, offsets are the identity
        elif _INVISIBLE.isdisjoint(original):
            text = original.translate(_FOLD)  # one character for one: offsets stay the identity
        else:
            chars: list[str] = []
            origin = []
            for index, char in enumerate(original):
                if char in _INVISIBLE:
                    continue
                chars.append(_normal_char(char))
                origin.append(index)
            text = "".join(chars)
        if ("_" in text or "." in text) and _FILE_NAME.search(text):
            text, origin = _split_file_names(text, origin)
        if _HAS_LOOKALIKE.search(text):
            text = _LOOKALIKE_RUN.sub(self._fix_lookalikes, text)
        self.text = text
        self._origin = origin

    @staticmethod
    def _fix_lookalikes(match: re.Match[str]) -> str:
        run = match.group()
        digits = sum(c.isdigit() for c in run)
        return run.translate(_LOOKALIKE) if digits >= 6 else run

    @cached_property
    def lower(self) -> str:
        return self.text.lower()

    @cached_property
    def is_lowercase(self) -> bool:
        """A post typed without capitals: names lose their capital letter too."""
        text = self.text
        if text == text.lower():
            return any(c.isalpha() for c in text)
        if len(text) < 200:
            return False  # one capital letter in a short post is a capital letter used
        letters = [c for c in text if c.isalpha()]
        return sum(c.isupper() for c in letters) <= len(letters) // 200

    @cached_property
    def file_names(self) -> list[tuple[int, int]]:
        """Where file names ("Doreen_Pike_careplan.pdf") lie, in normalised-text offsets."""
        if "_" not in self.original and "." not in self.original:
            return []
        spans = []
        for match in _FILE_NAME.finditer(self.original):
            start = bisect.bisect_left(self._origins, match.start())
            end = bisect.bisect_left(self._origins, match.end())
            spans.append((start, end))
        return spans

    @cached_property
    def _origins(self) -> list[int]:
        return self._origin if self._origin is not None else list(range(len(self.text)))

    @cached_property
    def has_digits(self) -> bool:
        return _DIGIT.search(self.text) is not None

    @cached_property
    def _boundaries(self) -> tuple[list[int], list[int]]:
        ends = list(_SENTENCE_END.finditer(self.text))
        return [m.start() for m in ends], [m.end() for m in ends]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the normalised text -> offsets in the original text."""
        if self._origin is None:
            return start, end
        return self._origin[start], self._origin[end - 1] + 1

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """Bounds of the sentence (or dash-separated clause) around a span."""
        starts, ends = self._boundaries
        # The last boundary ending at or before `start`, and the first starting at or after `end`.
        left_index = bisect.bisect_right(ends, start) - 1
        left = ends[left_index] if left_index >= 0 else 0
        right_index = bisect.bisect_left(starts, end)
        right = starts[right_index] if right_index < len(starts) else len(self.text)
        # A "sentence" in a post without full stops can be the whole post: keep context local
        # so that every word's look-around stays constant-time.
        return max(left, start - _REACH), min(right, end + _REACH)

    def before(self, start: int, width: int) -> str:
        return self.lower[max(0, start - width) : start]

    def after(self, end: int, width: int) -> str:
        return self.lower[end : end + width]

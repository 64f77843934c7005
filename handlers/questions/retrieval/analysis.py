"""Turning text into search terms: lower case, stop words out, Snowball stems, synonyms and
acronyms expanded, misspellings corrected against the knowledge base's own vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterable

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
STOP_WORDS = frozenset(
    """a an and are as at be been but by can could do does did for from had has have he her his
    how i if in into is it its me my of on or our she should so that the their them then there
    these they this to was we were what when where which who whom why will with would you your
    i'm im i've ive it's its am any anyone someone something get got just about what's whats
    need needs know let us also than too very""".split()
)


class Analyser:
    def __init__(
        self, synonyms: dict[str, tuple[str, ...]], vocabulary: Iterable[str] = ()
    ) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        self._synonyms = synonyms
        self._phrase_keys = sorted(
            (k for k in synonyms if " " in k or "." in k), key=len, reverse=True
        )
        self._vocabulary: list[str] = []
        self._known: set[str] = set()
        self.learn(vocabulary)

    def learn(self, texts: Iterable[str]) -> None:
        for text in texts:
            for word in _WORD.findall(text.lower()):
                if word not in self._known and len(word) > 3:
                    self._known.add(word)
                    self._vocabulary.append(word)

    def words(self, text: str) -> list[str]:
        return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]

    def stems(self, words: Iterable[str]) -> list[str]:
        return self._stemmer.stemWords(list(words))

    def document(self, text: str) -> list[str]:
        return self.stems(self.words(text))

    def query(self, text: str) -> list[str]:
        """The query's stems plus its synonyms' stems, with misspellings corrected."""
        lowered = text.lower()
        extra: list[str] = []
        for key in self._phrase_keys:
            if key in lowered:
                for expansion in self._synonyms[key]:
                    extra += self.words(expansion)
        words = []
        for word in self.words(lowered):
            words.append(self._correct(word))
            for expansion in self._synonyms.get(word, ()):
                extra += self.words(expansion)
        return self.stems(words + extra)

    def _correct(self, word: str) -> str:
        if word in self._known or len(word) < 5 or not self._vocabulary or word.isdigit():
            return word
        best = process.extractOne(
            word,
            self._vocabulary,
            scorer=Levenshtein.distance,
            score_cutoff=1 if len(word) < 8 else 2,
        )
        return best[0] if best else word

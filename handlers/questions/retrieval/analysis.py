"""Turning text into search terms: lower case, stop words out, Snowball stems, synonyms and
acronyms expanded, misspellings corrected against the knowledge base's own vocabulary."""

from __future__ import annotations

import re
from collections.abc import Iterable

import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from wordfreq import zipf_frequency

_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
STOP_WORDS = frozenset(
    """a an and are as at be been but by can could do does did for from had has have he her his
    how i if in into is it its me my of on or our she should so that the their them then there
    these they this to was we were what when where which who whom why will with would you your
    i'm im i've ive it's its am any anyone someone something get got just about what's whats
    need needs know let us also than too very""".split()
)


# Words that tell a practitioner's story rather than what the question is about: a knowledge base
# never needs them, so their absence from it says nothing about whether it answers the question.
SITUATION_WORDS = frozenset(
    """mum mom dad son daughter wife husband partner brother sister nan gran grandson
    granddaughter auntie uncle nephew niece him himself herself myself yourself themselves
    she's he's they've they're isn't aren't hasn't haven't don't doesn't didn't won't can't
    that's there's who's she'd he'd today yesterday tomorrow tonight ago week weeks month months
    year years morning afternoon evening everything ever back ahead bit certain oops okay ok
    """.split()
)

# wordfreq's Zipf scale: 3 is about once per million words; misspellings sit below it
TYPO_MAX_ZIPF = 2.5


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
        self._known_stems: set[str] = set()
        self._corrections: dict[str, str] = {}  # a question is read three ways: correct once
        self.learn(vocabulary)

    def learn(self, texts: Iterable[str]) -> None:
        self._corrections.clear()
        for text in texts:
            for word in _WORD.findall(text.lower()):
                if word not in self._known and len(word) > 3:
                    self._known.add(word)
                    self._known_stems.add(self._stemmer.stemWord(word))
                    self._vocabulary.append(word)

    def words(self, text: str) -> list[str]:
        return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]

    def stems(self, words: Iterable[str]) -> list[str]:
        return [str(stem) for stem in self._stemmer.stemWords(list(words))]

    def document(self, text: str) -> list[str]:
        return self.stems(self.words(text))

    def query(self, text: str) -> list[str]:
        """The query's stems plus its synonyms' stems, with misspellings corrected."""
        words = [self._correct(word) for word in self.words(text)]
        extra = [word for expansion in self.expansions(text) for word in self.words(expansion)]
        return self.stems(words + extra)

    def expansions(self, text: str) -> list[str]:
        """What the synonyms file says the text's acronyms and terms mean ("nqsw": "newly
        qualified social worker", "asye")."""
        lowered = text.lower()
        found = [e for key in self._phrase_keys if key in lowered for e in self._synonyms[key]]
        return found + [e for word in self.words(lowered) for e in self._synonyms.get(word, ())]

    def unknown_words(self, text: str, vocabulary: set[str]) -> list[str]:
        """The question's words (misspellings corrected) whose stems the knowledge base never
        uses, leaving out numbers and the words of a story."""
        return [
            word
            for word in self.words(text)
            if word not in SITUATION_WORDS
            and not word[0].isdigit()
            and self._stemmer.stemWord(self._correct(word)) not in vocabulary
        ]

    @staticmethod
    def rarity(word: str) -> float:
        """0 for the commonest English words, up to 6 for words English hardly uses."""
        return max(0.0, 6.0 - zipf_frequency(word, "en"))

    def correct(self, text: str) -> str:
        """The text lower-cased with its misspellings corrected (for the embedding model)."""
        return _WORD.sub(lambda m: self._correct(m.group(0)), text.lower())

    def _correct(self, word: str) -> str:
        if word not in self._corrections:
            if len(self._corrections) > 50_000:
                self._corrections.clear()
            self._corrections[word] = self._closest(word)
        return self._corrections[word]

    def _closest(self, word: str) -> str:
        if word in self._known or len(word) < 5 or not self._vocabulary or word.isdigit():
            return word
        # a real English word, or another form of a word the knowledge base has ("buddying"),
        # is not a misspelling: "shouting" must not become "housing"
        if (
            zipf_frequency(word, "en") >= TYPO_MAX_ZIPF
            or self._stemmer.stemWord(word) in self._known_stems
        ):
            return word
        best = process.extractOne(
            word,
            self._vocabulary,
            scorer=Levenshtein.distance,
            score_cutoff=1 if len(word) < 8 else 2,
        )
        return best[0] if best else word

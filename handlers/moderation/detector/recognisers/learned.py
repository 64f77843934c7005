"""The learned layer: a small spaCy token tagger, trained from a blank English pipeline, that reads context.

The rules know formats and checksums; the model knows what a post is about, so it finds a lone
first name in a post about a fall, or an age, a village and a rare detail spread over a sentence.
It ships in `handlers/moderation/detector/model/` with the command and data that trained it
(`training.json`) and its left-out figures (`README.md`). A post is held when the rules or the
model find something.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.findings import noun
from handlers.moderation.detector.lexicon import is_first_name, is_last_name, zipf
from handlers.moderation.detector.memo import Memo
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.context import PERSONAL, SERVICE, office_number_before
from handlers.moderation.detector.recognisers.cues import (
    CARE,
    COLLEAGUE,
    CareWords,
    care_words,
    topic_of,
    topic_words,
)
from handlers.moderation.detector.settings import DetectorSettings

MODEL_DIR = Path(__file__).resolve().parent.parent / "model"
FEATURES = "practicebot_name_features"
# The model reads a long post in windows of this many characters, and no more than _MOST of it:
# a post longer than a long letter is read by the rules alone past that point, so that a pasted
# document or a flood of characters still gets its decision in well under a second.
_WINDOW = 4000
_MOST = 20_000

# Only the types rules guess from context; checksums and formats are never overruled.
VETOED = frozenset({"PERSON", "QUASI"})
# Care words as a moderator would name the subject of the post.
def post_feature(lower: str) -> str:
    """Whole-post context a narrow window cannot see: care words anywhere, office life anywhere."""
    care = "c" if CARE.search(lower) else "-"
    office = "o" if COLLEAGUE.search(lower) else "-"
    return care + office


def word_feature(word: str, post: str) -> str:
    """What the name lists and word frequencies say of a word, as one short tag the model embeds."""
    if not word[:1].isalpha():
        return "x" + post
    first = "f" if is_first_name(word) else "-"
    last = "l" if is_last_name(word) else "-"
    return f"{first}{last}{min(7, int(zipf(word)))}{post}"


def add_features(doc: Any) -> Any:
    """Write word_feature into each token's lemma, the slot a blank pipeline leaves free."""
    post = post_feature(doc.text.lower())
    for token in doc:
        token.lemma_ = word_feature(token.text, post)
    return doc


def register_features() -> None:
    from handlers.moderation.detector.recognisers.spacy_runtime import spacy

    Language = spacy().language.Language

    if not Language.has_factory(FEATURES):
        Language.component(FEATURES, func=add_features)


def load_model(path: Path = MODEL_DIR) -> Any:
    from handlers.moderation.detector.recognisers.spacy_runtime import spacy

    register_features()
    return spacy().load(path)


def model_available(path: Path = MODEL_DIR) -> bool:
    return (path / "config.cfg").is_file()


@cache
def shipped_model() -> Any:
    return load_model(MODEL_DIR)


def reason_for(
    kind: str,
    text: str,
    lower: str,
    start: int,
    end: int,
    care: CareWords | None = None,
) -> str:
    words = "a first name" if kind == "PERSON" and " " not in text.strip() else noun(kind)
    topic = topic_of(lower, start, end, care) if kind in {"PERSON", "QUASI"} else None
    if topic and kind in {"PERSON", "QUASI"}:
        return f"{words}, in a post about {topic_words(topic)}"
    return f"{words}, read from the words around it"


_NUMBER_WORD = re.compile(
    r"\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple)\b", re.IGNORECASE
)
_MONTH = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)
_EDGE = " \t\n'\"‘’“”,.;:!?()[]{}-–—*_"
# Types whose text is a number, and how many digits (or digit words) make one.
_DIGITS_NEEDED = {
    "NHS_NUMBER": 10,
    "PHONE": 10,
    "NINO": 6,
    "CASE_REF": 4,
    "DATE_OF_BIRTH": 4,
    "POSTCODE": 2,
}


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Quotes, commas and brackets at a span's edges are not part of what identifies."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def plausible(kind: str, found: str) -> bool:
    """Shape checks a tagger's token-by-token guess must pass: a name has letters, a phone number
    ten digits, a description several words. They drop fragments, never whole kinds of finding."""
    if not found:
        return False
    digits = sum(c.isdigit() for c in found) + 2 * len(_NUMBER_WORD.findall(found))
    if kind == "NINO":
        letters = sum(c.isalpha() for c in _NUMBER_WORD.sub("", found))
        return letters >= 3 and digits >= 6
    needed = _DIGITS_NEEDED.get(kind)
    if needed is not None:
        if kind == "DATE_OF_BIRTH" and _MONTH.search(found) and digits >= 2:
            return True
        if kind == "POSTCODE":
            return digits >= 2 and sum(c.isalpha() for c in found) >= 2 and len(found) >= 5
        return digits >= needed
    if kind == "EMAIL":
        return "@" in found or " at " in found.lower()
    if kind == "QUASI":
        return len(found.split()) >= 2
    if kind == "ADDRESS":
        return len(found.split()) >= 2 and any(c.isalpha() for c in found)
    if kind == "PERSON":
        # a title alone, or a title with one letter ("Mrs B"), is how posts anonymise
        words = [w for w in re.split(r"[\s.]+", found) if w and w.lower() not in _TITLES]
        return bool(words) and not (len(words) == 1 and len(words[0]) == 1)
    return sum(c.isalpha() for c in found) >= 2


def decode(tags: list[str], probs: list[float]) -> list[tuple[int, int, str, float]]:
    """BIO tags of tokens -> (first token, end token, type, lowest confidence); an I- after O opens a span."""
    spans: list[tuple[int, int, str, float]] = []
    current: list[Any] | None = None
    for index, tag in enumerate(tags):
        kind = tag[2:] if tag != "O" else None
        if (
            kind is not None
            and current is not None
            and (tag.startswith("I-") and current[2] == kind)
        ):
            current[1] = index + 1
            current[3] = min(current[3], probs[index])
            continue
        if current is not None:
            spans.append((current[0], current[1], current[2], current[3]))
            current = None
        if kind is not None:
            current = [index, index + 1, kind, probs[index]]
    if current is not None:
        spans.append((current[0], current[1], current[2], current[3]))
    return spans


_NUMBERS = frozenset(_DIGITS_NEEDED)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "master"})

# Well-formed values the format recognisers own: they know which are safe (a council e-mail, a
# service's 0300 line), so the model adds only what they cannot read (spoken, split, odd forms).
_WELL_FORMED = {
    "EMAIL": re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"),
    "PHONE": re.compile(r"(?:\+44\s?(?:\(0\)\s?)?|0)\d{2,4}(?:[ -]?\d{3,4}){1,2}"),
    "NHS_NUMBER": re.compile(r"\d{3}[ -]?\d{3}[ -]?\d{4}"),
    "NINO": re.compile(r"[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d]"),
    "POSTCODE": re.compile(r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}"),
}
# A record number is introduced as one somewhere near, if not right before it as the rules need.
_RECORD = re.compile(
    r"\b(?:case|record|ref|reference|id|no|num|number|file|client|person|patient|hospital|police|"
    r"court|crime|dols|s\.?42|safeguarding|enquiry|mrn|pid|urn|crn|chi|mosaic|lcs|liquidlogic|"
    r"carefirst|care first|rio|systmone|emis|eclipse|paris|azeus|swift|wisdom|carenotes)\b",
    re.IGNORECASE,
)
# The policy's DOB is a date tied to birth; a date with no such word near is a meeting or a law.
_BIRTH = re.compile(
    r"\b(?:born|birth\w*|b'?day|dob|d\.o\.b|d\.?o\.?b|age[ds]?|nee)\b", re.IGNORECASE
)


def merged(
    spans: list[tuple[int, int, str, float]], words: list[str]
) -> list[tuple[int, int, str, float]]:
    """Join pieces the tagger split: one number read token by token as two types ('186 0913' an
    NHS number, '903' a phone), or one description broken by a word it was unsure of."""
    out: list[list[Any]] = []
    for first, last, kind, belief in spans:
        if out:
            prev = out[-1]
            gap = range(prev[1], first)
            joinable = (prev[2] in _NUMBERS and kind in _NUMBERS) or prev[2] == kind
            if (
                joinable
                and len(gap) <= 2
                and all(
                    not words[i].isalpha() or words[i].lower() in {"and", "oh", "double", "triple"}
                    for i in gap
                )
            ):
                width_prev, width = prev[1] - prev[0], last - first
                prev[2] = prev[2] if width_prev >= width else kind
                prev[1] = last
                prev[3] = min(prev[3], belief)
                continue
        out.append([first, last, kind, belief])
    return [(a, b, k, p) for a, b, k, p in out]


class LearnedRecogniser:
    name = "learned"
    exact = False  # its span edges are a tagger's guess: rules' findings are placed first

    def __init__(
        self,
        nlp: Any | None = None,
        floor: float = 0.5,
        veto: float = 0.0,
        policy_gates: bool = True,
    ) -> None:
        """`floor`: the belief a token needs to be reported; `veto`: below this belief over a
        whole span, another recogniser's name or description is overruled (0 never overrules);
        `policy_gates`: keep the policy's lines the rules keep (see _fits_policy)."""
        from handlers.moderation.detector.recognisers.fast_tagger import FastTagger

        self._nlp = nlp if nlp is not None else shipped_model()
        tagger = self._nlp.get_pipe("tagger")
        self._labels = list(tagger.labels)
        self._outside = self._labels.index("O")
        self._fast = FastTagger(tagger.model)
        self.columns: list[str] = next(
            layer.attrs["columns"]
            for layer in tagger.model.walk()
            if layer.name == "extract_features"
        )
        # The model's own columns, with the word feature (LEMMA) computed here, then ORTH to
        # compute it from and each token's offset and length.
        self._feature_column = self.columns.index("LEMMA")
        self._read = [*self.columns, "ORTH", "IDX", "LENGTH"]
        self._features: Memo[tuple[int, str], int] = Memo(200_000)
        self._floor = floor
        self._veto = veto
        self._policy_gates = policy_gates

    @staticmethod
    def _fits_policy(doc: Document, kind: str, found: str, start: int, end: int) -> bool:
        """The policy's own lines, kept for the model's guesses as the rules keep them: a name in
        a sentence of office life is a colleague's, an address or number of a service is not a
        person's, a date is a DOB only when tied to birth, a description names several details."""
        left, right = doc.sentence(start, end)
        sentence = doc.lower[left:right]
        well_formed = _WELL_FORMED.get(kind)
        if well_formed is not None and well_formed.fullmatch(found):
            return False
        if kind == "PERSON":
            return not (COLLEAGUE.search(sentence) and not CARE.search(sentence))
        if kind == "ADDRESS":
            return not (SERVICE.search(sentence) and not PERSONAL.search(sentence))
        if kind == "DATE_OF_BIRTH":
            return _BIRTH.search(doc.lower[max(0, start - 60) : end + 60]) is not None
        if kind == "CASE_REF":
            return _RECORD.search(doc.lower[max(0, start - 80) : start]) is not None
        if kind == "QUASI":
            return len(found.split()) >= 4
        return True

    def second_look(self, doc: Document, hit: Hit) -> bool:
        """Keep another recogniser's hit unless the model is sure its words identify nobody."""
        beliefs: list[tuple[list[int], list[int], list[float]]] | None = doc.notes.get(self.name)
        if not self._veto or beliefs is None or hit.type not in VETOED:
            return True
        inside = [
            belief
            for starts, ends, probs in beliefs
            for start, end, belief in zip(starts, ends, probs, strict=True)
            if start < hit.end and hit.start < end
        ]
        return not inside or max(inside) >= self._veto

    def tag(self, text: str) -> tuple[list[tuple[int, int]], list[str], list[float]]:
        """Each token's offsets, tag, and the model's belief that it is part of an identifier.

        Reads the tokens as arrays (no spaCy Token objects) and the word features from a cache:
        the per-token Python work is what a short post's time goes on."""
        doc = self._nlp.make_doc(text)
        if len(doc) == 0:
            return [], [], []
        arrays = doc.to_array(self._read)
        post = post_feature(text.lower())
        features = self._features
        strings = self._nlp.vocab.strings
        column = []
        for orth in arrays[:, -3].tolist():
            key = (orth, post)
            value = features.get(key)
            if value is None:
                value = features.keep(key, strings.add(word_feature(strings[orth], post)))
            column.append(value)
        ids = arrays[:, : len(self.columns)].copy()
        ids[:, self._feature_column] = column
        scores = self._fast.probabilities(ids)
        inside = 1.0 - scores[:, self._outside]
        scores[:, self._outside] = -1.0
        best = scores.argmax(axis=1)
        best[inside < self._floor] = self._outside
        labels = self._labels
        tags = [labels[i] for i in best.tolist()]
        probs: list[float] = inside.tolist()
        offsets = [(start, start + length) for start, length in arrays[:, -2:].tolist()]
        return offsets, tags, probs

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        text = doc.text
        staff = {name.lower() for name in settings.staff_names}
        beliefs: list[tuple[list[int], list[int], list[float]]] = []
        doc.notes[self.name] = beliefs
        for offset in range(0, max(1, min(len(text), _MOST)), _WINDOW):
            piece = text[offset : offset + _WINDOW]
            if not piece.strip():
                continue
            offsets, tags, probs = self.tag(piece)
            beliefs.append(
                ([offset + a for a, _ in offsets], [offset + b for _, b in offsets], probs)
            )
            spans = decode(tags, probs)
            if not spans:
                continue
            words = [piece[start:end] for start, end in offsets]
            for first, last, kind, belief in merged(spans, words):
                start, end = trimmed(
                    text, offset + offsets[first][0], offset + offsets[last - 1][1]
                )
                found = text[start:end]
                if found.lower() in staff or not plausible(kind, found):
                    continue
                if kind in _DIGITS_NEEDED and office_number_before(doc.before(start, 30)):
                    continue  # an invoice, ticket or order number: the office's, not a person's
                if self._policy_gates and not self._fits_policy(doc, kind, found, start, end):
                    continue
                yield Hit(
                    kind,
                    start,
                    end,
                    round(0.5 + 0.45 * belief, 2),
                    reason_for(kind, found, doc.lower, start, end, care_words(doc)),
                )


def model_meta(path: Path = MODEL_DIR) -> dict[str, Any]:
    meta = path / "training.json"
    return json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}

"""The learned layer: a small spaCy token tagger, trained from a blank English pipeline, that reads context.

The rules know formats and checksums; the model knows what a post is about, so it finds a lone
first name in a post about a fall, or an age, a village and a rare detail spread over a sentence.
It ships in `handlers/moderation/detector/model/` with the command that trained it and its
left-out figures (`meta.json`). A post is held when the rules or the model find something.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.lexicon import is_first_name, is_last_name, zipf
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.cues import CARE, COLLEAGUE
from handlers.moderation.detector.settings import DetectorSettings

MODEL_DIR = Path(__file__).resolve().parent.parent / "model"
FEATURES = "practicebot_name_features"
# The model reads at most this many characters around each part of a very long post.
_WINDOW = 4000

_KIND = {
    "PERSON": "a name",
    "NHS_NUMBER": "an NHS or CHI number",
    "NINO": "a National Insurance number",
    "DATE_OF_BIRTH": "a date of birth",
    "ADDRESS": "an address",
    "POSTCODE": "a postcode",
    "PHONE": "a phone number",
    "EMAIL": "an e-mail address",
    "CASE_REF": "a case or record number",
    "QUASI": "a description that singles one person out",
}
# Only the types rules guess from context; checksums and formats are never overruled.
VETOED = frozenset({"PERSON", "QUASI"})
_TOPIC = re.compile(r"[a-z&.'-]+(?: [a-z]+)?")


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
    from spacy.language import Language

    if not Language.has_factory(FEATURES):
        Language.component(FEATURES, func=add_features)


def load_model(path: Path = MODEL_DIR) -> Any:
    import spacy

    register_features()
    return spacy.load(path)


def model_available(path: Path = MODEL_DIR) -> bool:
    return (path / "config.cfg").is_file()


@cache
def shipped_model() -> Any:
    return load_model(MODEL_DIR)


def topic_of(lower: str, start: int, end: int) -> str | None:
    """The care word nearest a finding, so a moderator reads 'in a post about a fall'."""
    best: tuple[int, str] | None = None
    for match in CARE.finditer(lower):
        distance = min(abs(match.start() - end), abs(start - match.end()))
        if best is None or distance < best[0]:
            best = (distance, match.group())
    return best[1] if best else None


def reason_for(kind: str, text: str, lower: str, start: int, end: int) -> str:
    noun = _KIND.get(kind, "an identifying detail")
    if kind == "PERSON" and " " not in text.strip():
        noun = "a first name"
    topic = topic_of(lower, start, end)
    if topic and kind in {"PERSON", "QUASI"}:
        return f"{noun}, in a post about {topic}"
    return f"{noun}, read from the words around it"


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


class LearnedRecogniser:
    name = "learned"

    def __init__(self, nlp: Any | None = None, floor: float = 0.5, veto: float = 0.0) -> None:
        """`floor`: the belief a token needs to be reported; `veto`: below this belief over a
        whole span, another recogniser's name or description is overruled (0 never overrules)."""
        self._nlp = nlp if nlp is not None else shipped_model()
        self._tagger = self._nlp.get_pipe("tagger")
        self._labels = list(self._tagger.labels)
        self._outside = self._labels.index("O")
        self._floor = floor
        self._veto = veto

    def second_look(self, doc: Document, hit: Hit) -> bool:
        """Keep another recogniser's hit unless the model is sure its words identify nobody."""
        beliefs: list[tuple[int, int, float]] | None = doc.notes.get(self.name)
        if not self._veto or beliefs is None or hit.type not in VETOED:
            return True
        inside = [b for start, end, b in beliefs if start < hit.end and hit.start < end]
        return not inside or max(inside) >= self._veto

    def tag(self, text: str) -> tuple[Any, list[str], list[float]]:
        """Each token's tag and the model's belief that it is part of an identifier."""
        doc = add_features(self._nlp.make_doc(text))
        if len(doc) == 0:
            return doc, [], []
        scores = self._tagger.model.predict([doc])[0]
        tags: list[str] = []
        probs: list[float] = []
        for row in scores.tolist():
            inside = 1.0 - row[self._outside]
            if inside >= self._floor:
                best = max((i for i in range(len(row)) if i != self._outside), key=row.__getitem__)
                tags.append(self._labels[best])
            else:
                tags.append("O")
            probs.append(inside)
        return doc, tags, probs

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        text = doc.text
        staff = {name.lower() for name in settings.staff_names}
        beliefs: list[tuple[int, int, float]] = []
        doc.notes[self.name] = beliefs
        for offset in range(0, max(1, len(text)), _WINDOW):
            piece = text[offset : offset + _WINDOW]
            if not piece.strip():
                continue
            tokens, tags, probs = self.tag(piece)
            beliefs.extend(
                (offset + t.idx, offset + t.idx + len(t.text), p)
                for t, p in zip(tokens, probs, strict=True)
            )
            for first, last, kind, belief in decode(tags, probs):
                start = offset + tokens[first].idx
                end = offset + tokens[last - 1].idx + len(tokens[last - 1].text)
                found = text[start:end]
                if found.lower() in staff:
                    continue
                yield Hit(
                    kind,
                    start,
                    end,
                    round(0.5 + 0.45 * belief, 2),
                    reason_for(kind, found, doc.lower, start, end),
                )


def model_meta(path: Path = MODEL_DIR) -> dict[str, Any]:
    meta = path / "training.json"
    return json.loads(meta.read_text(encoding="utf-8")) if meta.is_file() else {}

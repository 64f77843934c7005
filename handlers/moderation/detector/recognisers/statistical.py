"""Optional: person names from a statistical NER pipeline (spaCy), when one is installed.

The default detector needs none. A model knows names that no list holds, but it also tags
colleagues and authors, so its findings carry a low confidence: they are reported at the
"high" sensitivity only, where a group has chosen more checks over fewer.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.settings import DetectorSettings

CONFIDENCE = 0.45


class _Entity(Protocol):
    label_: str
    start_char: int
    end_char: int


def spacy_available(model: str = "en_core_web_sm") -> bool:
    return (
        importlib.util.find_spec("spacy") is not None
        and importlib.util.find_spec(model) is not None
    )


class StatisticalNameRecogniser:
    name = "statistical_ner"

    def __init__(
        self, model: str = "en_core_web_sm", nlp: Callable[[str], Any] | None = None
    ) -> None:
        if nlp is None:
            import spacy  # optional: only when a group asks for the statistical backend

            nlp = spacy.load(model, disable=["parser", "lemmatizer"])
        self._nlp = nlp

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        entities: Iterable[_Entity] = self._nlp(doc.text).ents
        staff = {name.lower() for name in settings.staff_names}
        for entity in entities:
            if entity.label_ != "PERSON":
                continue
            if doc.text[entity.start_char : entity.end_char].lower() in staff:
                continue
            yield Hit(
                "PERSON",
                entity.start_char,
                entity.end_char,
                CONFIDENCE,
                "a name found by the language model",
            )

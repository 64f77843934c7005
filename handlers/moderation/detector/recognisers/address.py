"""Street addresses: a house or flat number with a street, or a small named street a person lives on."""

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.context import PERSONAL, SERVICE
from handlers.moderation.detector.settings import DetectorSettings

_STREET = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Court|Ct|Way|Drive|Dr|Crescent|Cres|Terrace|Terr|Row|"
    r"Walk|Place|Pl|Gardens|Gdns|Grove|Hill|Park|Square|Sq|Mews|Yard|Green|Parade|Rise|View|Wharf|Quay|"
    r"Croft|Fold|Gate|Wynd|Brae|Vale|House|Heights|Mansions|Buildings|Cottages|Villas|Circus|Boulevard|"
    r"Broadway|Embankment|Esplanade|Promenade|Chase|Meadow|Meadows|Dene|End|Side|Bank|Field|Fields)"
)
_WORD = r"[A-Z][\w'-]*"
_WELSH = r"(?:Heol|Ffordd|Stryd|Lôn|Lon|Rhodfa|Ffordd|Cae|Maes|Stryd)"
_NUMBERED = re.compile(
    rf"(?<![\w/.,-])\d{{1,4}}[A-Za-z]?,?\s+(?:(?:{_WORD}\s+){{0,3}}{_STREET}\b|{_WELSH}(?:\s+[\w'-]+){{1,2}})"
)
_FLAT = re.compile(
    rf"\b(?:[Ff]lat|FLAT|[Aa]partment|[Aa]pt\.?)\s+\d{{1,4}}[A-Za-z]?\b"
    rf"(?:,?\s+(?:{_WORD}\s+){{0,3}}{_STREET}\b){{0,2}}"
)
# Typed without capitals: "3 orchard close". Only unmistakable street words, and a name before them.
_LOWER_NUMBERED = re.compile(
    r"(?<![\w/.,-])\d{1,4}[a-z]?,?\s+(?:[a-z][a-z'-]+\s+){1,2}"
    r"(?:road|street|lane|close|avenue|drive|crescent|terrace|gardens|grove|mews)\b"
)
# "lives on Larch Close", "their gran on Pelham Terrace": a named street someone is on.
_ON_STREET = re.compile(rf"\bon\s+(?:the\s+)?((?:{_WORD}\s+){{1,2}}{_STREET})\b")
_NOT_RESIDENTIAL = re.compile(r"^(?:Ward|Court|House|Unit|Park|Hill|St|End|Side|Bank|Field)\b")


class AddressRecogniser:
    name = "address"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        text = doc.text
        for match in _FLAT.finditer(text):
            yield Hit("ADDRESS", match.start(), match.end(), 0.85, "flat number and street")
        for match in _NUMBERED.finditer(text):
            start, end = doc.sentence(match.start(), match.end())
            sentence = doc.lower[start:end]
            service = SERVICE.search(sentence) and not PERSONAL.search(sentence)
            yield Hit(
                "ADDRESS",
                match.start(),
                match.end(),
                0.35 if service else 0.85,
                "house number and street",
            )
        for match in _LOWER_NUMBERED.finditer(text):
            yield Hit("ADDRESS", match.start(), match.end(), 0.6, "house number and street")
        for match in _ON_STREET.finditer(text):
            street = match.group(1)
            if _NOT_RESIDENTIAL.match(street) or street.split()[-1] in {
                "Park",
                "Hill",
                "Green",
                "View",
                "Side",
            }:
                continue
            yield Hit(
                "ADDRESS", match.start(1), match.end(1), 0.6, "named street a person lives on"
            )

"""Full UK unit postcodes ("SG1 2AB", "sg12ab"); an outward code alone ("SG1") is a district, not a home."""

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.context import PERSONAL, SERVICE
from handlers.moderation.detector.settings import DetectorSettings

# Outward code: area letters + district; inward code: sector digit + unit letters (never C I K M O V).
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{1,2}\d[A-Z\d]?) ?(\d[ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


class PostcodeRecogniser:
    name = "postcode"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if not doc.has_digits:
            return
        for match in _POSTCODE.finditer(doc.text):
            start, end = doc.sentence(match.start(), match.end())
            sentence = doc.lower[start:end]
            confidence = 0.9
            # "the new hub's postcode is SG1 9ZX": a service's building, unless a person is in view too.
            if SERVICE.search(sentence) and not PERSONAL.search(sentence):
                confidence = 0.35
            yield Hit("POSTCODE", match.start(), match.end(), confidence, "full UK postcode")

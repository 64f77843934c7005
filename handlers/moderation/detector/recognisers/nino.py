"""National Insurance numbers: two prefix letters, six digits, a suffix A-D (HMRC's rules)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.settings import DetectorSettings

# First letter never D, F, I, Q, U, V; second never D, F, I, O, Q, U, V. QQ is HMRC's own example.
_NINO = re.compile(
    r"(?<![A-Za-z0-9])((?:[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])|QQ)[ -]?"
    r"(\d{2})[ -]?(\d{2})[ -]?(\d{2})[ -]?([A-D])(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NEVER = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_CONTEXT = re.compile(r"\b(?:ni|nino|n\.i\.|national insurance|insurance)\b")


class NinoRecogniser:
    name = "nino"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if not doc.has_digits:
            return
        for match in _NINO.finditer(doc.text):
            prefix = match.group(1).upper()
            if prefix in _NEVER:
                continue
            confidence = 0.97 if _CONTEXT.search(doc.before(match.start(), 30)) else 0.85
            if prefix == "QQ":
                confidence -= 0.2
            yield Hit(
                "NINO", match.start(), match.end(), confidence, "National Insurance number pattern"
            )

"""UK phone numbers found by the `phonenumbers` library (region GB).

Service lines (0300, 0800, 111...) and numbers introduced as a team's or a service's are safe:
practitioners are told to share those. A number said to be a relative's, or given with no owner,
is treated as personal.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.context import PERSONAL, SERVICE
from handlers.moderation.detector.settings import DetectorSettings

_ENOUGH_DIGITS = re.compile(r"\d(?:[\s().+-]{0,3}\d){8}")
# Non-geographic service ranges: 03 (public bodies), 080 (freephone), 0500, 084/087 (businesses), 116/111.
_SERVICE_PREFIX = re.compile(r"^(?:3|80|500|84|87|11[16])")
_WORK = re.compile(r"\b(?:my|our) (?:work |team |office )?(?:mobile|number|phone|landline|line)\b")


class PhoneRecogniser:
    name = "phone"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if not _ENOUGH_DIGITS.search(doc.text):
            return
        matcher = phonenumbers.PhoneNumberMatcher(
            doc.text, "GB", leniency=phonenumbers.Leniency.POSSIBLE
        )
        for match in matcher:
            raw = match.raw_string
            if not (raw.startswith(("0", "+", "(0", "(+"))):
                continue  # meeting IDs and ticket numbers never start like a dialled number
            national = str(match.number.national_number)
            if match.number.country_code == 44 and _SERVICE_PREFIX.match(national):
                continue
            start, end = doc.sentence(match.start, match.end)
            before = doc.lower[start : match.start]
            after = doc.lower[match.end : end]
            if _WORK.search(before):
                continue
            personal = PERSONAL.search(before) or PERSONAL.search(after[:60])
            service = SERVICE.search(before) or SERVICE.search(after[:40])
            if service and not personal:
                continue
            confidence = 0.95 if personal else 0.7
            yield Hit(
                "PHONE", match.start, match.end, confidence, "phone number of a person or family"
            )

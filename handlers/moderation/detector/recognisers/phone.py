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
# Dialled forms: 0..., (0...), +44 ..., 0044 ...; digits with single spaces, hyphens or brackets.
_CANDIDATE = re.compile(
    r"(?<![\w+])(?:\+\s?\d{1,3}|00\s?\d{1,3}|\(0\d{2,4}\)|0)(?:[\s-]?\(0\))?(?:[\s-]?\d){5,11}(?![\w/])"
)
_SERVICE_PREFIX = re.compile(r"^(?:3|80|500|84|87|11[16])")
_WORK = re.compile(
    r"\b(?:(?:my|our|the) (?:work |team |office |duty )?|team |duty |office |work )"
    r"(?:mobile|number|phone|landline|line)\b"
)


class PhoneRecogniser:
    name = "phone"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if not _ENOUGH_DIGITS.search(doc.text):
            return
        # Only strings dialled like a phone number go to `phonenumbers` (its matcher would
        # parse every digit run in the post, dates and ticket numbers included).
        for candidate in _CANDIDATE.finditer(doc.text):
            raw = candidate.group()
            try:
                number = phonenumbers.parse(raw, "GB")
            except phonenumbers.NumberParseException:
                continue
            if not phonenumbers.is_possible_number(number):
                continue
            national = str(number.national_number)
            if number.country_code == 44 and _SERVICE_PREFIX.match(national):
                continue
            hit = self._judge(doc, candidate.start(), candidate.end())
            if hit is not None:
                yield hit

    @staticmethod
    def _judge(doc: Document, begin: int, finish: int) -> Hit | None:
        start, end = doc.sentence(begin, finish)
        before = doc.lower[start:begin]
        after = doc.lower[finish:end]
        if _WORK.search(before):
            return None
        personal = PERSONAL.search(before) or PERSONAL.search(after[:60])
        service = SERVICE.search(before) or SERVICE.search(after[:40])
        if service and not personal:
            return None
        confidence = 0.95 if personal else 0.7
        return Hit("PHONE", begin, finish, confidence, "phone number of a person or family")

"""NHS numbers (mod-11 check digit) and Scottish CHI numbers (DDMMYY + 4 digits)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.context import office_number_before
from handlers.moderation.detector.settings import DetectorSettings

# Ten digits with optional single spaces or hyphens between any of them.
_TEN_DIGITS = re.compile(r"(?<![\w+/.-])\d(?:[ -]?\d){9}(?![\w/-]|\.\d)")
_NHS_CONTEXT = re.compile(r"\b(?:nhs|patient|nhs no|nhs number|spine|systmone|emis|record)\b")
_NHS_NEAR = re.compile(r"\bnhs\b(?:\s*(?:no\.?|num(?:ber)?|#))?(?:\s*(?:is|was|:|-))?\s*$")
_DIALLING_CODE = re.compile(r"(?:\+|\b00)\d{1,3}\s?(?:\(0\)\s?)?$")
_CHI_CONTEXT = re.compile(r"\bchi\b")


def nhs_checksum_ok(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def chi_date_ok(digits: str) -> bool:
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    try:
        dt.date(2000 + year, month, day)
    except ValueError:
        return False
    return True


class NhsNumberRecogniser:
    name = "nhs_number"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if not doc.has_digits:
            return
        for match in _TEN_DIGITS.finditer(doc.text):
            digits = re.sub(r"\D", "", match.group())
            before = doc.before(match.start(), 40)
            if _DIALLING_CODE.search(before):
                continue  # "+44 1632 960001" is a phone number
            if office_number_before(doc.before(match.start(), 30)):
                continue
            near = before[-25:]
            if _CHI_CONTEXT.search(near) and chi_date_ok(digits):
                yield Hit(
                    "NHS_NUMBER",
                    match.start(),
                    match.end(),
                    0.95,
                    "CHI number (date of birth + 4 digits)",
                )
            elif nhs_checksum_ok(digits):
                context = 0.97 if _NHS_CONTEXT.search(near) else 0.75
                yield Hit(
                    "NHS_NUMBER",
                    match.start(),
                    match.end(),
                    context,
                    "10 digits with a valid NHS check digit",
                )
            elif _NHS_NEAR.search(near) and digits[0] != "0":
                yield Hit(
                    "NHS_NUMBER",
                    match.start(),
                    match.end(),
                    0.6,
                    "10-digit number given as an NHS number",
                )

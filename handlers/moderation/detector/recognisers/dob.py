"""Dates of birth: a full date (day, month, year) tied to birth by the words around it.

A full date with no such words is a birth date only when its year is long past; meeting,
training and deadline dates are this year's or next year's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.settings import DetectorSettings

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<d1>[0-3]?\d)[/.-](?P<m1>[01]?\d)[/.-](?P<y1>\d{4}|\d{2})"
    r"|(?P<y2>(?:19|20)\d{2})-(?P<m2>[01]\d)-(?P<d2>[0-3]\d)"
    rf"|(?:the\s+)?(?P<d3>{_DAY})(?:\s+of)?\s+(?P<m3>{_MONTHS}),?\s+'?(?P<y3>\d{{4}}|\d{{2}})"
    rf"|(?P<m4>{_MONTHS})\s+(?P<d4>{_DAY}),?\s+'?(?P<y4>\d{{4}}|\d{{2}})"
    r"|(?P<d5>[0-3]?\d) (?P<m5>[01]?\d) (?P<y5>(?:19|20)\d{2})"
    rf"|(?P<y6>(?:19|20)\d{{2}}),?\s+(?P<m6>{_MONTHS})\s+(?P<d6>{_DAY})"
    r")(?![\w/-]|\.\d)",
    re.IGNORECASE,
)
_BIRTH = re.compile(
    r"(?:\bdob\b|\bd\.o\.b\b\.?|date of birth|\bborn\b|\bb\.|birthday|\bbirth\b|\bdob:)[^.!?\n]{0,24}$"
)
_EVENT = re.compile(
    r"\b(?:meeting|panel|forum|training|course|deadline|due|by|until|from|on|session|rota|w/c|hearing|"
    r"conference|visit|appointment|booked|held|review|moved|since)\b[^.!?\n]{0,12}$"
)


def _valid(day: int, month: int, year: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _year(raw: str) -> int:
    year = int(raw)
    if len(raw) == 2:
        year += 1900 if year > dt.date.today().year % 100 else 2000
    return year


class DateOfBirthRecogniser:
    name = "date_of_birth"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if not doc.has_digits:
            return
        this_year = dt.date.today().year
        for match in _DATE.finditer(doc.text):
            parts = match.groupdict()
            for key in "123456":
                if parts[f"y{key}"]:
                    day_raw, month_raw, year_raw = (
                        parts[f"d{key}"],
                        parts[f"m{key}"],
                        parts[f"y{key}"],
                    )
                    break
            day = int(re.sub(r"\D", "", day_raw))
            month = int(month_raw) if month_raw.isdigit() else _month_number(month_raw)
            year = _year(year_raw)
            if not _valid(day, month, year):
                continue
            before = doc.before(match.start(), 40)
            if _BIRTH.search(before):
                yield Hit(
                    "DATE_OF_BIRTH",
                    match.start(),
                    match.end(),
                    0.95,
                    "full date given as a date of birth",
                )
            elif year <= this_year - 12 and len(year_raw) == 4 and not _EVENT.search(before):
                yield Hit(
                    "DATE_OF_BIRTH",
                    match.start(),
                    match.end(),
                    0.55,
                    "full date long past, likely a birth date",
                )


def _month_number(name: str) -> int:
    key = name.lower().rstrip(".")[:3]
    return [
        "jan",
        "feb",
        "mar",
        "apr",
        "may",
        "jun",
        "jul",
        "aug",
        "sep",
        "oct",
        "nov",
        "dec",
    ].index(key) + 1

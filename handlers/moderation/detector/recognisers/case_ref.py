"""Case and record numbers: an ID introduced by a care or health record system, a court or the police."""

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.context import office_number_before
from handlers.moderation.detector.settings import DetectorSettings

# Systems and words that put a person's record number after them.
_SYSTEMS = (
    r"mosaic|lcs|las|carefirst|care first|liquidlogic|rio|systmone|emis|eclipse|paris|carenotes|azeus|"
    r"wisdom|frameworki|controcc|servelec|protocol|swift|abacus|tiara|lagan"
)
_INTRO = re.compile(
    rf"\b(?:(?:{_SYSTEMS})|case|client|pid|urn|mrn|person id|person|hospital|hosp|mrn|unit|crime|police|court|dols|safeguarding"
    r"(?: concern| referral| enquiry)?|referral|record|file|s\.?42|chi)\b"
    r"(?:[\s.:#-]*(?:id|no|num|number|ref|reference|is|was|record|concern|file|case|'s))*[\s.:#-]*$"
)
_BARE_REF = re.compile(r"\b(?:ref|reference|id)\b(?:[\s.:#-]*(?:no|num|number|is|was))*[\s.:#-]*$")
# An ID: optional letters, then at least four digits, possibly with / or - parts.
_ID = re.compile(
    r"(?<![\w/-])(?=[A-Z0-9/-]*\d{3})[A-Z]{0,4}[-/]?\d[\dA-Z]*(?:[/-][\dA-Z]+){0,3}(?![\w/-]|\.\d)"
)
_YEAR = re.compile(r"(?:19|20)\d{2}")
_MORE = re.compile(r"\s*(?:,|and|&|or)\s*")


class CaseRefRecogniser:
    name = "case_ref"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        if not doc.has_digits:
            return
        last_end = -1
        for match in _ID.finditer(doc.text):
            digits = sum(c.isdigit() for c in match.group())
            if digits < 4 or _YEAR.fullmatch(match.group()):
                continue
            before = doc.before(match.start(), 40)
            joined = last_end >= 0 and _MORE.fullmatch(doc.text[last_end : match.start()])
            if office_number_before(before):
                continue
            if _INTRO.search(before) or joined:
                last_end = match.end()
                yield Hit(
                    "CASE_REF",
                    match.start(),
                    match.end(),
                    0.9,
                    "record number from a case or health system",
                )
            elif _BARE_REF.search(before):
                last_end = match.end()
                yield Hit(
                    "CASE_REF",
                    match.start(),
                    match.end(),
                    0.55,
                    "reference number that may lead to a case",
                )

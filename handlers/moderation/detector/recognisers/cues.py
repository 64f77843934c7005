"""Words around a name that say whether the post is about someone in care or about a colleague."""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.moderation.detector.document import Document

FAMILY = (
    r"son|daughter|husband|wife|partner|brother|sister|nephew|niece|aunt|auntie|uncle|grandson|"
    r"granddaughter|gran|granny|grandma|grandad|grandfather|grandmother|mum|mother|dad|father|stepson|"
    r"stepdaughter|stepmum|stepdad|cousin|boyfriend|girlfriend|fiancée?|neighbour|child|baby|twin|"
    r"kids|children|family|foster carers?|carers?|sibling|ex|parents|grandparents|mam|nan|nana"
)

# About someone who uses services: care, health, family, housing, a visit.
CARE = re.compile(
    r"\b(?:refus\w*|relaps\w*|meds|medication|placement|caseload|client|service user|ward|hospital|"
    r"discharge\w*|bed|hostel|flat|moved|moving|mov(?:es|ing) in|visit\w*|missing|abscond\w*|drunk|"
    r"drinking|foster\w*|carers?|care plan|care home|nursing|review|assessment|capacity|dementia|falls?|"
    r"fell|bruis\w*|eating|excluded|school|nursery|baby|born|pregnan\w*|overdose|detained|section(?:ed)?|"
    rf"{FAMILY}|twins|die|died|dying|hearing|gp|scam\w*|referral|tenancy|supported living|respite|"
    r"short break|day centre|lpa|welfare|personal care|reablement|safeguarding|s\.?42|cin|plo|"
    r"strategy meeting|best.interests?|bi|diagnos\w*|self.harm\w*|suicid\w*|police|arrested|benefits?|"
    r"debt|evict\w*|homeless\w*|rough sleeping|home|lives|living|alone|wandering|confused|bruise|"
    r"interpreter|mental health|psychosis|ambulance|a&e|admitted|unit|mobility|wheelchair|hoist|"
    r"care package|package of care|wash\w*|dressing|toilet\w*|incontinen\w*|not answering|"
    r"exploit\w*|groom\w*|county lines|traffick\w*|abuse\w*|abusive|neglect\w*|assault\w*|"
    r"domestic|dv|violen\w*|coercive|controlling|"
    r"blue badge|pip|dla|universal credit|esa|attendance allowance|pension credit|appeal|"
    r"sore|pressure sore|rehous\w*|found safe|safe and well|dialysis|chemo\w*|cancer|diabet\w*|"
    r"epilep\w*|parkinson's|ehcp|appointment|dietitian|physio\w*|ot|salt|district nurse|psychiatrist|podiatr\w*|weight|stone|bath|shower|"
    r"bath board|commode|walking frame|stairlift|grab rails|equipment|key safe|pendant|"
    r"methadone|pharmacy|heroin|alcohol\w*|substance|rehab|detox|prescription|tablets|insulin|"
    r"leave care|leaving care|in care|care leaver|looked after|nowhere to live|adaptations?|cp|cp plan|"
    r"child protection|core groups?|cin plan|lac|pre-birth|"
    r"hoard\w*|dentist|optician|terrified|frightened|scared|distressed|tearful|crying|upset|welfare check|hasn't been seen|curtains|door|neighbours?|landlord|housing|rent|arrears)\b"
)

# About a colleague, a trainer or the office.
COLLEAGUE = re.compile(
    r"(?:\b(?:thanks?|thank you|thx|ty|cheers|congrat\w*|well done|shout[- ]?out|kudos|welcome|"
    r"happy birthday|birthday|leaving do|on leave|annual leave|off sick|maternity|joining us|joined us|"
    r"and i|with me|me and|from (?:the )?(?:it|l&d|hr|finance|payroll|admin|\w+ team)|"
    r"in (?:finance|it|hr|payroll|admin)|admin team|rota|supervision|supervisor|mentor\w*|student|"
    r"co-present\w*|presenting|presentation|training|refresher|session|desk|coffee|slides|covering|"
    r"allocations|instead|dm (?:her|him|me)|manager|colleague|asye|nqsw|team meeting|kindly|"
    r"practice educator|lunch|cake|joint visit|shadow\w*|recommend\w*|book club|novel|author|"
    r"leaving do|leaving party|awareness (?:day|week|month)|retire\w*|staff ?room|(?:the|our|my|your)\s+(?:[\w-]+\s+){0,2}team|passed (?:her|his|their)|minutes|agenda|send round|sent round|from the (?:library|council|office|hub|cqc|ccg|icb|trust|university|college|charity|agency|dwp)|campaign|ask|check with|speak to|cc|ping|leaving card|retirement party|our team|the team|interview)\b|(?:^|\s)@\w)"
)

# Someone talked about rather than to.
THIRD_PERSON = re.compile(r"\b(?:she|he|her|him|his|she's|he's|hers|himself|herself)\b")


# What a moderator reads for the care word nearest a finding ("in a post about a fall").
_TOPICS = (
    (re.compile(r"^(?:fell|falls?)$"), "a fall"),
    (re.compile(r"^(?:meds|medication|tablets|insulin|prescription|methadone)$"), "medication"),
    (re.compile(r"^(?:die|died|dying)$"), "a death"),
    (re.compile(r"^(?:hospital|admitted|ward|a&e|ambulance|discharge\w*)$"), "a hospital stay"),
    (re.compile(r"^(?:visit\w*|home)$"), "a visit"),
    (
        re.compile(r"^(?:safeguarding|abuse\w*|neglect\w*|exploit\w*|groom\w*|s\.?42)$"),
        "safeguarding",
    ),
    (re.compile(r"^(?:dementia|confused|wandering)$"), "dementia"),
    (re.compile(r"^(?:school|excluded|nursery)$"), "school"),
    (re.compile(r"^refus\w*$"), "refusing care"),
    (re.compile(r"^(?:missing|abscond\w*)$"), "going missing"),
    (re.compile(r"^(?:foster\w*|placement)$"), "a placement"),
)


class CareWords:
    """The care words of one post, in order, found once: the nearest to each finding is then a
    binary search, so a long pasted document with many findings stays linear."""

    def __init__(self, lower: str) -> None:
        self.matches = list(CARE.finditer(lower))
        self._starts = [match.start() for match in self.matches]
        self._ends = [match.end() for match in self.matches]

    def nearest(self, start: int, end: int) -> str | None:
        """The care word nearest [start, end) (the first of equals). A word wholly before the
        finding is nearer the closer its end; one wholly after, the closer its start; so only the
        last before, the first after and those between can be nearest."""
        if not self.matches:
            return None
        first = max(0, bisect.bisect_right(self._ends, start) - 1)
        last = min(len(self.matches) - 1, bisect.bisect_left(self._starts, end))
        best: tuple[int, str] | None = None
        for index in range(first, last + 1):
            distance = min(abs(self._starts[index] - end), abs(start - self._ends[index]))
            if best is None or distance < best[0]:
                best = (distance, self.matches[index].group())
        return best[1] if best else None


def care_words(doc: Document) -> CareWords:
    """The post's care words, found once per post whoever asks first."""
    found: CareWords | None = doc.notes.get("care words")
    if found is None:
        found = doc.notes["care words"] = CareWords(doc.lower)
    return found


def topic_of(lower: str, start: int, end: int, care: CareWords | None = None) -> str | None:
    """The care word nearest a finding, so a moderator reads 'in a post about a fall'."""
    return (care or CareWords(lower)).nearest(start, end)


def topic_words(word: str) -> str:
    for pattern, words in _TOPICS:
        if pattern.match(word):
            return words
    return f"'{word}'" if " " not in word else word

"""Quasi-identifiers: no single identifier, but a person described, a small place and an exact
age or a rare detail, in one sentence, single one person out ("the 97-year-old man with MND in
Nether Brantley"). A town or county is not a small place; wordfreq tells them apart: well-known
places are frequent words, a village or a care home's name is not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.lexicon import zipf
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.settings import DetectorSettings

_SENTENCE = re.compile(r"[^.!?\n]+")
_AGE = re.compile(
    r"\b\d{1,3}[- ]years?[- ]old\b|\baged \d{1,3}\b|,\s*\d{1,3}\s*,|"
    r"\bwho(?:'s| is) \d{2,3}\b|\bturned \d{2,3}\b|\b(?:he|she)'s \d{2,3}\b"
)
_PERSON = re.compile(
    r"\b(?:man|woman|lady|gentleman|gent|mum|dad|mother|father|boy|girl|lad|lass|child|kid|baby|"
    r"teenager|resident|tenant|user|paralympian|olympian|athlete|boxer|player|star|\d{1,3}[- ]years?[- ]old|patient|veteran|widow|widower|couple|twins|brothers|sisters|family|"
    r"carers?|driver|gp|magistrate|vicar|teacher|head|owner|pensioner|\d{1,3}-year-old|son|daughter|"
    r"wife|husband|nurse|priest|imam|rabbi|councillor|footballer|farmer|shopkeeper|landlord|publican|"
    r"mayor|headteacher|headmistress|headmaster|postman|postwoman|caretaker|butcher|baker|doctor|"
    r"soldier|singer|lorry driver|taxi driver|cleaner|dinner lady|lollipop|speaker|pupil|student|"
    r"member|client|person|refugee|asylum seeker)\b"
)
# Details that few people share: they single someone out on their own.
_RARE = re.compile(
    r"\bonly\b(?:\s+[\w-]+){0,3}?\s+(?:resident|person|man|woman|lady|boy|girl|child|family|user|patient|"
    r"tenant|one|speaker|pupil|student|member|client|wheelchair|deaf|black|muslim|jewish|sikh)s?\b|"
    r"\bthe one (?:who|with|that)\b|\bwho (?:sells?|owns?|runs?|works at|drives?|used to|plays?|sings?|preaches)\b|\blost (?:both|a|an|one) (?:\w+ )?(?:legs?|arms?|eyes?)\b|\b(?:para)?olympian\b|\bin the (?:paper|papers|news|gazette|local news)\b|"
    r"\bon the (?:local )?(?:news|telly|tv|radio)\b|\bgazette\b|\bformer\b|\bretired\b|\bwho runs\b|"
    r"\bruns the\b|\b(?:above|next to|opposite|behind|over) the\b|\bmet the\b|\bturned \d+|"
    r"\blost (?:his|her|their) (?:leg|arm|legs|arms|sight|hearing|eye)|-speaking\b|"
    r"\b(?:somali|eritrean|syrian|afghan|sudanese|kurdish|vietnamese|polish|romanian|irish traveller|"
    r"traveller|gypsy|roma|deaf|blind|bsl|amputat\w*|tracheostomy|cochlear|pregnant|mnd|locked-in|"
    r"prader-willi|huntington's|stroke|veteran|vicar|priest|imam|magistrate|mayor|headteacher|"
    r"headmistress|headmaster|twins|triplets|adopted|famous|celebrity|well-known|tortoise|parrot|crash|fire|"
    r"murder\w*|trial|court case)\b"
)
# Details that narrow things down only together with an exact age.
_DETAIL = re.compile(
    r"\bwhose\b|\bwho (?:had|has|arrived|lost|died|was|is)\b|\bwith (?:the |a )?[a-z]+"
)
_NAMED = r"(?:[A-Z][a-z'-]+|St|Ward \d+)(?:\s+(?:[A-Z][a-z'-]+|St|Mary))*"
_PLACE = re.compile(
    rf"\b(?:in|at|on|from|near|of|outside|behind|opposite|by)\s+(?:the\s+)?({_NAMED})(?:\s+(estate|site|hostel|ward|unit|home|flats|close|supported living|care home|nursing home|residential home|day centre|extra care|sheltered housing|school))?"
)
# Typed without capitals: "in kelby moor". Only words too rare to be anything but a place name.
_LOWER_PLACE = re.compile(r"\b(?:in|at|from|near)\s+([a-z][a-z'-]+(?:\s+[a-z][a-z'-]+)?)")
_NUMBERED_PLACE = re.compile(
    r"\b(?:ward|bed|room|bay|flat|cell)\s+\d{1,3}\b|"
    r"\b(?:in|on|at|from) (?:the|our|a|this) (?:village|hamlet|island|estate|cul-de-sac|tower block)\b",
    re.IGNORECASE,
)
_INSTITUTION = frozenset(
    "primary academy school college lodge house court view ward unit home hostel estate site manor hall "
    "gardens farm mill st high grammar comprehensive infants juniors nursery surgery church chapel mosque "
    "temple centre club pub inn arms bank grange towers heights croft fold lea meadows fields".split()
)
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _small_place(match: re.Match[str]) -> bool:
    words = match.group(1).split()
    if words[0].lower() in _WEEKDAYS or match.group(1).lower() in {"may", "june", "the"}:
        return False
    if match.group(2) or words[-1].lower() in _INSTITUTION or words[0] == "St":
        return True
    return any(zipf(word) < 3.0 for word in words if word.isalpha())


def _rare_words(phrase: str) -> bool:
    return any(zipf(word) < 2.5 for word in phrase.split() if word.isalpha() and len(word) > 3)


class QuasiRecogniser:
    name = "quasi"

    def find(self, doc: Document, settings: DetectorSettings) -> Iterator[Hit]:
        for sentence in _SENTENCE.finditer(doc.text):
            text = sentence.group()
            lower = text.lower()
            person = _PERSON.search(lower)
            if person is None:
                continue
            places = [m for m in _PLACE.finditer(text) if _small_place(m)]
            places += [m for m in _LOWER_PLACE.finditer(lower) if _rare_words(m.group(1))]
            places += list(_NUMBERED_PLACE.finditer(text))
            if not places:
                continue
            age = _AGE.search(lower)
            rare = _RARE.search(lower) or (_DETAIL.search(lower) if age else None)
            if not (age or rare):
                continue
            found = [m for m in (person, age, rare, *places) if m is not None]
            start = sentence.start() + min(m.start() for m in found)
            end = sentence.start() + max(m.end() for m in found)
            confidence = 0.8 if age and rare else 0.65
            yield Hit(
                "QUASI",
                start,
                end,
                confidence,
                "a person described with a small place and an exact age or rare detail",
            )

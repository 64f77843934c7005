"""What a question asks for that an entry does not state. Near-topic questions the guidance does
not answer were the main source of wrong answers: the nearest entry is on the right topic, but
the question wants a section it does not cover ("who can grant section 17 leave?" answered with
the section 5(2) entry), another country's law ("is there a Welsh equivalent of s42?"), or a fact
guidance rarely holds: how to reach someone, or what something costs or pays ("what's the phone
number for the safeguarding hub?", "how much is the court fee?"). The embedding reads all of these
as the topic they share. So the first entry is checked for each: a section the question names
must appear among the entry's numbers, a country it names among the entry's, and a question
asking for contact details or money needs an entry that uses the same word for them.

The word lists were written for the kinds of question, after reading our labelled sets' wrong
answers, so the left-out figures measured with them flatter them a little (README)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECTION = re.compile(r"(?<![\w'’])(?:sections?|sec|ss?)\.?\s*(\d+[a-z]?)\b", re.I)
_NUMBER = re.compile(r"\d+[a-z]?")
_PLACES = {
    "scotland": re.compile(r"\b(?:scotland|scottish)\b", re.I),
    "wales": re.compile(r"\b(?:wales|welsh)\b", re.I),
    "northern ireland": re.compile(r"\bnorthern ireland\b|\bn\.?\s?ireland\b", re.I),
}
# facts guidance rarely holds: how to reach someone, and what something costs or pays
_FACTS = re.compile(
    r"\b(?:phone|telephone|number for|contact details|email address|address for|website"
    r"|costs?|fees?|price|paid|pay|salary|rate)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Stated:
    numbers: frozenset[str]
    places: frozenset[str]
    facts: frozenset[str]  # of _FACTS: what it asks for (a question) or gives (an entry)


def asked(question: str) -> Stated:
    return Stated(
        frozenset(m.group(1).lower() for m in _SECTION.finditer(question)),
        frozenset(place for place, pattern in _PLACES.items() if pattern.search(question)),
        _facts(question),
    )


def stated(text: str) -> Stated:
    return Stated(
        frozenset(_NUMBER.findall(text.lower())),
        frozenset(place for place, pattern in _PLACES.items() if pattern.search(text)),
        _facts(text),
    )


def unstated(question: Stated, entry: Stated) -> bool:
    """The question names a section, a country or a kind of fact the entry does not."""
    return bool(
        (question.numbers and not question.numbers & entry.numbers)
        or question.places - entry.places
        or question.facts - entry.facts
    )


def _facts(text: str) -> frozenset[str]:
    return frozenset(m.group(0).lower().removesuffix("s") for m in _FACTS.finditer(text))

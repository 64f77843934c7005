"""What the detector reports, and the plain-English views of it that authors and moderators read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TYPES = (
    "PERSON",
    "NHS_NUMBER",
    "NINO",
    "DATE_OF_BIRTH",
    "ADDRESS",
    "POSTCODE",
    "PHONE",
    "EMAIL",
    "CASE_REF",
    "QUASI",
)

_NOUNS = {
    "PERSON": "a name",
    "NHS_NUMBER": "an NHS or CHI number",
    "NINO": "a National Insurance number",
    "DATE_OF_BIRTH": "a date of birth",
    "ADDRESS": "an address",
    "POSTCODE": "a postcode",
    "PHONE": "a phone number",
    "EMAIL": "an e-mail address",
    "CASE_REF": "a case or record number",
    "QUASI": "a description that singles one person out",
}

_REASONS = {
    "PERSON": "A name lets readers know who the post is about; use 'Mr A' or initials.",
    "NHS_NUMBER": "An NHS or CHI number points straight to one patient's health record.",
    "NINO": "A National Insurance number identifies one person for tax and benefits.",
    "DATE_OF_BIRTH": "A date of birth, with almost any other detail, identifies a person.",
    "ADDRESS": "A street address shows where a person lives.",
    "POSTCODE": "A full postcode narrows a home down to a handful of houses.",
    "PHONE": "A personal phone number belongs to one person or family.",
    "EMAIL": "A personal e-mail address names or reaches one person or family.",
    "CASE_REF": "A case or record number leads to one person's file.",
    "QUASI": "An exact age, a small place and a rare detail together single one person out.",
}


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    confidence: float
    reason: str


def _types_in_order(findings: Iterable[Finding]) -> list[str]:
    seen: list[str] = []
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.type not in seen:
            seen.append(finding.type)
    return seen


def redact(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding's span with its type in brackets; overlapping spans are merged."""
    parts: list[str] = []
    cursor = 0
    for finding in sorted(findings, key=lambda f: (f.start, -f.end)):
        if finding.end <= cursor:
            continue
        start = max(finding.start, cursor)
        parts.append(text[cursor:start])
        if start == finding.start:
            parts.append(f"[{finding.type}]")
        cursor = finding.end
    parts.append(text[cursor:])
    return "".join(parts)


def noun(kind: str) -> str:
    """'a name', 'an NHS or CHI number': one type in words."""
    return _NOUNS.get(kind, kind.lower())


def describe(findings: Iterable[Finding]) -> str:
    """'a name, an address, an NHS number': what was found, each type once."""
    return ", ".join(noun(kind) for kind in _types_in_order(findings))


def reasons(findings: Iterable[Finding]) -> list[str]:
    """One plain-English reason per type found, for the moderators' card."""
    return [_REASONS.get(kind, "It may identify a person.") for kind in _types_in_order(findings)]

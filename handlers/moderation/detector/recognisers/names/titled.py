"""Layer 1: a title with a surname ("Mrs Holloway"); a title with a letter ("Mr A") is anonymised."""

from __future__ import annotations

import re
from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.lexicon import is_last_name, zipf
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.names.words import (
    ORG_WORDS,
    PSEUDONYM_AFTER,
    PSEUDONYM_BEFORE,
    TITLE,
    Token,
)


def titled(doc: Document, tokens: list[Token]) -> Iterator[tuple[Hit, list[int]]]:
    for index, token in enumerate(tokens[:-1]):
        title = TITLE.match(token.text)
        if title is None or not _title_and_surname(doc, token, tokens[index + 1]):
            continue
        surname = tokens[index + 1]
        end, used = surname.start + len(surname.bare), [index, index + 1]
        nxt = tokens[index + 2] if index + 2 < len(tokens) else None
        if (
            nxt is not None
            and nxt.capitalised
            and doc.text[surname.end : nxt.start] == " "
            and (is_last_name(nxt.bare) or zipf(nxt.bare) < 3.0)
            and nxt.bare.lower() not in ORG_WORDS
        ):
            end, used = nxt.start + len(nxt.bare), [*used, index + 2]
        doctor = title.group(1).lower() in {"dr", "doctor"}
        confidence, reason = (
            (0.35, "a doctor's name: usually a professional")
            if doctor
            else (0.95, "title and surname")
        )
        yield Hit("PERSON", token.start, end, confidence, reason), used


def _title_and_surname(doc: Document, token: Token, surname: Token) -> bool:
    """A title written as one ("Mrs", not "MS" for multiple sclerosis) before a word that reads
    as a real surname: not an initial, a character, or a pseudonym."""
    if not TITLE.search(doc.text[token.start : surname.start].rstrip()):
        return False
    if token.text.isupper() and not doc.text.isupper():
        return False  # "MS" is multiple sclerosis, "DR" a reference; titles are written "Ms", "Dr"
    if not re.fullmatch(r"\.?\s{1,2}", doc.text[token.end : surname.start]):
        return False
    if len(surname.bare) < 2 or (surname.bare.isupper() and len(surname.bare) <= 3):
        return False  # "Mr A", "Mrs JB": anonymised
    if zipf(surname.bare) >= 5.0 and not is_last_name(surname.bare):
        return False  # "Mr Men", "Mr Motivator": a title on a common word is a character
    if not surname.capitalised and not _lower_case_surname(token, surname):
        return False
    if PSEUDONYM_BEFORE.search(doc.text[max(0, token.start - 25) : token.start]):
        return False
    return not PSEUDONYM_AFTER.search(doc.text[surname.end : surname.end + 30])


def _lower_case_surname(token: Token, surname: Token) -> bool:
    """ "Mrs o'sullivan": a rare word or a listed surname after a title, typed in lower case."""
    word = surname.bare.lower()
    if token.text[0].islower():
        return zipf(word) < 3.5
    return (
        zipf(word) < 3.0
        or (is_last_name(surname.bare) and zipf(word) < 4.0)
        or word.startswith(("o'", "mc", "mac"))
    )

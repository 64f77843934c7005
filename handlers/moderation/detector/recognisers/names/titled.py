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
        if title is None or not TITLE.search(
            doc.text[token.start : tokens[index + 1].start].rstrip()
        ):
            continue
        if token.text.isupper() and not doc.text.isupper():
            continue  # "MS" is multiple sclerosis, "DR" a reference; titles are written "Ms", "Dr"
        gap = doc.text[token.end : tokens[index + 1].start]
        if not re.fullmatch(r"\.?\s{1,2}", gap):
            continue
        surname = tokens[index + 1]
        if len(surname.bare) < 2 or (surname.bare.isupper() and len(surname.bare) <= 3):
            continue  # "Mr A", "Mrs JB": anonymised
        if zipf(surname.bare) >= 5.0 and not is_last_name(surname.bare):
            continue  # "Mr Men", "Mr Motivator": a title on a common word is a character, not a client
        if not surname.capitalised:
            lower_title = token.text[0].islower()
            # "Mrs o'sullivan": a rare word or a listed surname after a title, typed in lower case
            word = surname.bare.lower()
            surname_like = (
                zipf(word) < 3.0
                or (is_last_name(surname.bare) and zipf(word) < 4.0)
                or word.startswith(("o'", "mc", "mac"))
            )
            if zipf(word) >= 3.5 if lower_title else not surname_like:
                continue
        if PSEUDONYM_BEFORE.search(doc.text[max(0, token.start - 25) : token.start]):
            continue
        if PSEUDONYM_AFTER.search(doc.text[surname.end : surname.end + 30]):
            continue
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

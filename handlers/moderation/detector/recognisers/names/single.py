"""Layer 3: a single first name, only with a cue that it is someone the post is about."""

from __future__ import annotations

import re

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.lexicon import is_first_name, zipf
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.cues import CARE, COLLEAGUE
from handlers.moderation.detector.recognisers.names.words import (
    ACTS_AFTER,
    AGE_AFTER,
    CALLED_BEFORE,
    CITATION_AFTER,
    EVENT_AFTER,
    FAMILY_AFTER,
    FAMILY_BEFORE,
    FAMILY_WORDS,
    HOME_VISIT_BEFORE,
    IN_BRACKETS,
    MODALS,
    MONTH_BEFORE,
    MONTH_USE,
    ORG_WORDS,
    PLACE_BEFORE,
    PRONOUN,
    PSEUDONYM_AFTER,
    PSEUDONYM_BEFORE,
    REFERRED_AFTER,
    ROLES,
    THE_BEFORE,
    THE_FAMILY,
    VISIT_BEFORE,
    WORKER_AFTER,
    Token,
)


def starts_sentence(doc: Document, token: Token) -> bool:
    return not doc.text[doc.sentence(token.start, token.end)[0] : token.start].strip(" \"'*_(")


def single(doc: Document, tokens: list[Token], index: int, care_post: bool) -> Hit | None:
    token = tokens[index]
    word = token.bare
    if len(word) < 2 or word.isupper() or not word[0].isalpha():
        return None
    known = is_first_name(word)
    if doc.is_lowercase:
        if not known:
            return None
        capital = True
    elif word[0].isupper():
        if not known and zipf(word) >= 4.0:
            return None  # a common word capitalised at the start of a sentence
        capital = True
    else:
        if not known or (zipf(word) >= 4.2 and not starts_sentence(doc, token)):
            return None
        capital = False
    lower = word.lower()
    if lower in FAMILY_WORDS:
        return None
    common = zipf(word) >= 4.0
    before = doc.text[max(0, token.start - 40) : token.start]
    after = doc.text[token.start + len(word) : token.start + len(word) + 40]
    if (
        before.endswith("@")
        or PSEUDONYM_AFTER.search(after)
        or PSEUDONYM_BEFORE.search(before[-2:])
    ):
        return None
    if lower in ORG_WORDS or lower in ROLES or CITATION_AFTER.match(after):
        return None
    nxt = tokens[index + 1] if index + 1 < len(tokens) else None
    if (
        nxt is not None
        and nxt.capitalised
        and nxt.bare.lower() in ORG_WORDS
        and after.startswith(" ")
    ):
        return None
    if is_month_use(word, before, after):
        return None
    visited = bool(VISIT_BEFORE.search(before))
    # A visit is itself the care context the policy names ("visited doreen today").
    home_visit = bool(HOME_VISIT_BEFORE.search(before))
    if THE_FAMILY.match(after) and THE_BEFORE.search(before.lower()) and capital:
        return Hit("PERSON", token.start, token.start + len(word), 0.85, "a family's surname")
    sentence_start, sentence_end = doc.sentence(token.start, token.end)
    sentence = doc.lower[sentence_start:sentence_end]
    at_start = not doc.text[sentence_start : token.start].strip(" \"'*_(")

    # Strong cues: a family word before, a family possessive after, "everyone calls him Paddy".
    named = word[0].isupper() or (known and zipf(word) < 5.0)
    if FAMILY_BEFORE.search(before) and named and not common_function(word):
        return Hit("PERSON", token.start, token.start + len(word), 0.9, "name of a family member")
    if FAMILY_AFTER.match(after) and named:
        return Hit(
            "PERSON",
            token.start,
            token.start + len(word),
            0.9,
            "name with their family or care",
        )
    if IN_BRACKETS.search(before) and after.lstrip().startswith(")") and capital and known:
        # "Mrs P (Phyllis)", "Gran (Pauline)": the real name, given in brackets.
        return Hit("PERSON", token.start, token.start + len(word), 0.8, "a name given in brackets")
    if CALLED_BEFORE.search(before) and capital:
        return Hit(
            "PERSON",
            token.start,
            token.start + len(word),
            0.85,
            "a name or nickname someone goes by",
        )
    if WORKER_AFTER.match(after) and not visited:
        return None
    if PLACE_BEFORE.search(before.lower()) and not visited:
        return None
    acts = bool(ACTS_AFTER.match(after))
    if not known and capital and at_start and acts and zipf(word) < 4.0 and care_post:
        # An unlisted name doing something at the start of a sentence about someone: "Paddy's been drinking".
        if PRONOUN.search(sentence) and not COLLEAGUE.search(sentence):
            return Hit(
                "PERSON",
                token.start,
                token.start + len(word),
                0.6,
                "a name in a post about care",
            )
    if (
        REFERRED_AFTER.match(after)
        and capital
        and care_post
        and (known or zipf(word) < 3.5)
        and not COLLEAGUE.search(sentence)
        and not COLLEAGUE.search(after.lower())
    ):
        # "Anyone remember Kath? She's back...": the next sentence is about that person.
        return Hit(
            "PERSON",
            token.start,
            token.start + len(word),
            0.65,
            "a first name in a post about care",
        )
    if (
        AGE_AFTER.match(after)
        and capital
        and lower not in MODALS
        and (known or zipf(word) < 3.5)
        and not COLLEAGUE.search(sentence)
    ):
        # "Carol is 94", "Reggie, 17,": an exact age makes a first name someone's identity.
        return Hit("PERSON", token.start, token.start + len(word), 0.8, "a first name with an age")
    if EVENT_AFTER.match(after) and capital and (known or zipf(word) < 3.5):
        # Found, admitted, arrested, died: events in someone's life, whoever wrote the post.
        return Hit(
            "PERSON",
            token.start,
            token.start + len(word),
            0.8,
            "a first name with an event in their life",
        )
    if not (
        known
        or (capital and zipf(word) < 2.8 and not at_start)
        or (visited and capital and zipf(word) < 3.5)
    ):
        return None
    if COLLEAGUE.search(sentence):
        return None
    # Medium cues: visited / rang the person, or the person doing something, in a post about care.
    if lower in MODALS and not (acts and not after.startswith("'s")) and not visited:
        return None
    if (acts or visited) and (care_post or home_visit) and (capital or not common or at_start):
        if common and not capital and not at_start and not visited:
            return None
        return Hit(
            "PERSON",
            token.start,
            token.start + len(word),
            0.75,
            "first name in a post about care",
        )
    # Weak cue: an uncommon first name, capitalised mid-sentence, in a care sentence.
    if (
        known
        and capital
        and not common
        and (not at_start or zipf(word) < 3.5)
        and CARE.search(sentence)
    ):
        return Hit(
            "PERSON",
            token.start,
            token.start + len(word),
            0.55,
            "first name in a post about care",
        )
    return None


def common_function(word: str) -> bool:
    """Words after a family noun that are not names ("her son Is", "wife And")."""
    return zipf(word) >= 5.5 and not is_first_name(word)


def lowercase_allowed(word: str) -> bool:
    # In a post typed with capitals, a lower-case name is a rare name that is not an English word.
    return is_first_name(word) and zipf(word) < 4.2


def is_month_use(word: str, before: str, after: str) -> bool:
    lower = word.lower()
    if lower not in {"may", "june", "april", "august", "july", "january"}:
        return False
    return bool(
        MONTH_USE.match(after)
        or MONTH_BEFORE.search(before)
        or re.search(r"\d\s*(?:st|nd|rd|th)?\s*(?:of\s+)?$", before)
    )

"""Layer 3: a single first name, only with a cue that it is someone the post is about."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class _Word:
    """A capitalised or listed word read with what is around it."""

    text: str
    start: int
    known: bool  # a first name in the name lists
    capital: bool  # written as a name is, or the post has no capitals at all
    common: bool  # an everyday word as well (word frequency)
    before: str  # the 40 characters before it, and after it
    after: str
    sentence: str  # its sentence, lower case
    at_start: bool  # the sentence starts with it
    visited: bool  # "visited", "rang", ... just before it
    home_visit: bool
    acts: bool  # the person doing something just after it
    care_post: bool

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def rare(self) -> bool:
        return zipf(self.text) < 3.5

    def hit(self, confidence: float, why: str) -> Hit:
        return Hit("PERSON", self.start, self.start + len(self.text), confidence, why)


# A rule says: a name (a Hit), not a name (NOT_A_NAME: stop), or nothing (None: ask the next).
NOT_A_NAME = False
Verdict = Hit | bool | None


def single(doc: Document, tokens: list[Token], index: int, care_post: bool) -> Hit | None:
    word = _reading(doc, tokens, index, care_post)
    if word is None:
        return None
    for rule in _RULES:
        verdict = rule(word)
        if verdict is not None:
            return verdict if isinstance(verdict, Hit) else None
    return None


def _capital(doc: Document, token: Token) -> bool | None:
    """Whether the word is written as a name (None: it cannot be one here)."""
    word = token.bare
    if len(word) < 2 or word.isupper() or not word[0].isalpha():
        return None
    known = is_first_name(word)
    if doc.is_lowercase:
        return True if known else None
    if word[0].isupper():
        # a common word capitalised at the start of a sentence is not a name
        return None if not known and zipf(word) >= 4.0 else True
    if not known or (zipf(word) >= 4.2 and not starts_sentence(doc, token)):
        return None
    return False


def _not_a_person(word: str, before: str, after: str, nxt: Token | None) -> bool:
    """A pseudonym, an e-mail name, an organisation, a role, a citation or a month."""
    lower = word.lower()
    return bool(
        lower in FAMILY_WORDS
        or before.endswith("@")
        or PSEUDONYM_AFTER.search(after)
        or PSEUDONYM_BEFORE.search(before[-2:])
        or lower in ORG_WORDS
        or lower in ROLES
        or CITATION_AFTER.match(after)
        or (
            nxt is not None
            and nxt.capitalised
            and nxt.bare.lower() in ORG_WORDS
            and after.startswith(" ")
        )
        or is_month_use(word, before, after)
    )


def _reading(doc: Document, tokens: list[Token], index: int, care_post: bool) -> _Word | None:
    token = tokens[index]
    capital = _capital(doc, token)
    if capital is None:
        return None
    word = token.bare
    before = doc.text[max(0, token.start - 40) : token.start]
    after = doc.text[token.start + len(word) : token.start + len(word) + 40]
    if _not_a_person(word, before, after, tokens[index + 1] if index + 1 < len(tokens) else None):
        return None
    sentence_start, sentence_end = doc.sentence(token.start, token.end)
    return _Word(
        text=word,
        start=token.start,
        known=is_first_name(word),
        capital=capital,
        common=zipf(word) >= 4.0,
        before=before,
        after=after,
        sentence=doc.lower[sentence_start:sentence_end],
        at_start=not doc.text[sentence_start : token.start].strip(" \"'*_("),
        visited=bool(VISIT_BEFORE.search(before)),
        # a visit is itself the care context the policy names ("visited doreen today")
        home_visit=bool(HOME_VISIT_BEFORE.search(before)),
        acts=bool(ACTS_AFTER.match(after)),
        care_post=care_post,
    )


def _family_surname(w: _Word) -> Verdict:
    if THE_FAMILY.match(w.after) and THE_BEFORE.search(w.before.lower()) and w.capital:
        return w.hit(0.85, "a family's surname")
    return None


def _family(w: _Word) -> Verdict:
    """Strong cues: a family word before, a family possessive after."""
    named = w.text[0].isupper() or (w.known and zipf(w.text) < 5.0)
    if FAMILY_BEFORE.search(w.before) and named and not common_function(w.text):
        return w.hit(0.9, "name of a family member")
    if FAMILY_AFTER.match(w.after) and named:
        return w.hit(0.9, "name with their family or care")
    return None


def _given_name(w: _Word) -> Verdict:
    """ "Mrs P (Phyllis)", "Gran (Pauline)", "everyone calls him Paddy"."""
    bracketed = IN_BRACKETS.search(w.before) and w.after.lstrip().startswith(")")
    if bracketed and w.capital and w.known:
        return w.hit(0.8, "a name given in brackets")
    if CALLED_BEFORE.search(w.before) and w.capital:
        return w.hit(0.85, "a name or nickname someone goes by")
    return None


def _a_place_or_worker(w: _Word) -> Verdict:
    if (WORKER_AFTER.match(w.after) or PLACE_BEFORE.search(w.before.lower())) and not w.visited:
        return NOT_A_NAME
    return None


def _unlisted_name_acting(w: _Word) -> Verdict:
    """An unlisted name doing something at the start of a sentence about someone: "Paddy's
    been drinking"."""
    if not w.known and w.capital and w.at_start and w.acts and not w.common and w.care_post:
        if PRONOUN.search(w.sentence) and not COLLEAGUE.search(w.sentence):
            return w.hit(0.6, "a name in a post about care")
    return None


def _referred_to(w: _Word) -> Verdict:
    """ "Anyone remember Kath? She's back...": the next sentence is about that person."""
    if (
        REFERRED_AFTER.match(w.after)
        and w.capital
        and w.care_post
        and (w.known or w.rare)
        and not COLLEAGUE.search(w.sentence)
        and not COLLEAGUE.search(w.after.lower())
    ):
        return w.hit(0.65, "a first name in a post about care")
    return None


def _age_or_event(w: _Word) -> Verdict:
    """ "Carol is 94", "Reggie, 17,"; found, admitted, arrested, died: an exact age or an event
    in someone's life makes a first name their identity, whoever wrote the post."""
    listed = w.capital and (w.known or w.rare)
    if AGE_AFTER.match(w.after) and listed and w.lower not in MODALS:
        if not COLLEAGUE.search(w.sentence):
            return w.hit(0.8, "a first name with an age")
    if EVENT_AFTER.match(w.after) and listed:
        return w.hit(0.8, "a first name with an event in their life")
    return None


def _too_doubtful(w: _Word) -> Verdict:
    """From here on, only a listed name, or a rare capitalised word, and never a colleague."""
    plausible = (
        w.known
        or (w.capital and zipf(w.text) < 2.8 and not w.at_start)
        or (w.visited and w.capital and w.rare)
    )
    if not plausible or COLLEAGUE.search(w.sentence):
        return NOT_A_NAME
    if w.lower in MODALS and not (w.acts and not w.after.startswith("'s")) and not w.visited:
        return NOT_A_NAME
    return None


def _visited_or_acting(w: _Word) -> Verdict:
    """Medium cues: visited / rang the person, or the person doing something, about care."""
    if not ((w.acts or w.visited) and (w.care_post or w.home_visit)):
        return None
    if not (w.capital or not w.common or w.at_start):
        return None
    if w.common and not w.capital and not w.at_start and not w.visited:
        return NOT_A_NAME
    return w.hit(0.75, "first name in a post about care")


def _in_a_care_sentence(w: _Word) -> Verdict:
    """Weak cue: an uncommon first name, capitalised mid-sentence, in a care sentence."""
    if (
        w.known
        and w.capital
        and not w.common
        and (not w.at_start or w.rare)
        and CARE.search(w.sentence)
    ):
        return w.hit(0.55, "first name in a post about care")
    return None


_RULES: tuple[Callable[[_Word], Verdict], ...] = (
    _family_surname,
    _family,
    _given_name,
    _a_place_or_worker,
    _unlisted_name_acting,
    _referred_to,
    _age_or_event,
    _too_doubtful,
    _visited_or_acting,
    _in_a_care_sentence,
)


def common_function(word: str) -> bool:
    """Words after a family noun that are not names ("her son Is", "wife And")."""
    return zipf(word) >= 5.5 and not is_first_name(word)


def is_month_use(word: str, before: str, after: str) -> bool:
    lower = word.lower()
    if lower not in {"may", "june", "april", "august", "july", "january"}:
        return False
    return bool(
        MONTH_USE.match(after)
        or MONTH_BEFORE.search(before)
        or re.search(r"\d\s*(?:st|nd|rd|th)?\s*(?:of\s+)?$", before)
    )

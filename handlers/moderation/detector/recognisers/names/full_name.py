"""Layer 2: two or three adjacent name-like words ("Doreen Pike", "zbigniew kowalczyk"), unless
they are an organisation, a place, a cited author or a named official."""

from __future__ import annotations

from collections.abc import Iterator

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.lexicon import is_first_name, is_last_name, is_name, zipf
from handlers.moderation.detector.recogniser import Hit
from handlers.moderation.detector.recognisers.cues import CARE, COLLEAGUE
from handlers.moderation.detector.recognisers.names.words import (
    CITATION_AFTER,
    NICKNAME_PREFIX,
    ORG_AFTER,
    ORG_WORDS,
    PLACE_BEFORE,
    PLACE_PREFIX,
    PSEUDONYM_AFTER,
    PSEUDONYM_BEFORE,
    ROLE_AFTER,
    ROLE_BEFORE,
    ROLES,
    Token,
)


def name_like(doc: Document, token: Token) -> bool:
    if doc.is_lowercase:
        return (is_name(token.bare) and zipf(token.bare) < 5.0) or zipf(token.bare) < 2.5
    if token.bare.isupper() and len(token.bare) > 2:
        # "ELSIE WRIGHT": a name typed in capitals, when every word of it is a listed name.
        return is_name(token.bare)
    return token.capitalised


def full_names(
    doc: Document, tokens: list[Token], used: set[int], staff: set[str], care_post: bool
) -> Iterator[tuple[Hit, list[int]]]:
    index = 0
    while index < len(tokens) - 1:
        run = run_from(doc, tokens, index)
        if len(run) < 2 or any(i in used for i in run):
            index += 1
            continue
        words = [tokens[i] for i in run]
        # A sentence-initial word that is not a name ("Since Cheshire West", "Thanks Priya Nair").
        if (
            not is_name(words[0].bare)
            and zipf(words[0].bare) >= 4.0
            and words[0].bare.lower() not in NICKNAME_PREFIX
        ):
            index += 1
            continue
        index = run[-1] + 1
        if not doc.is_lowercase:
            used.update(run)  # judged as one phrase: its words are not re-read as single names
        nxt = tokens[run[-1] + 1] if run[-1] + 1 < len(tokens) else None
        if any(w.bare.lower() in ORG_WORDS or w.bare.lower() in ROLES for w in words):
            continue
        if (
            nxt is not None
            and nxt.capitalised
            and nxt.bare.lower() in ORG_WORDS
            and doc.text[words[-1].end : nxt.start] == " "
        ):
            continue
        if (
            ORG_AFTER.match(doc.lower, words[-1].start + len(words[-1].bare))
            or ROLE_AFTER.match(doc.lower, words[-1].end)
        ) or _referral_to(doc, words[0]):
            continue
        if all(w.bare.lower() in staff for w in words):
            continue
        score = full_name_score(doc, words, care_post)
        if score is None:
            continue
        start, end = words[0].start, words[-1].start + len(words[-1].bare)
        yield Hit("PERSON", start, end, score, "full name"), run


def run_from(doc: Document, tokens: list[Token], index: int) -> list[int]:
    """Adjacent name-like words from `index`, each at least two letters, one space apart."""
    run = [index]
    if not name_like(doc, tokens[index]) or len(tokens[index].bare) < 2:
        return run
    longest = 2 if doc.is_lowercase else 4
    while (
        run[-1] + 1 < len(tokens) and len(run) < longest and not tokens[run[-1]].text.endswith("'s")
    ):
        nxt = tokens[run[-1] + 1]
        if not name_like(doc, nxt) or len(nxt.bare) < 2:
            break
        if doc.text[tokens[run[-1]].end : nxt.start] != " ":
            break
        run.append(run[-1] + 1)
    return run


def full_name_score(doc: Document, words: list[Token], care_post: bool) -> float | None:
    first, second = words[0], words[1]
    before = doc.text[max(0, first.start - 60) : first.start]
    after = doc.text[words[-1].end : words[-1].end + 30]
    if _not_a_name(first, second, before, after):
        return None
    if first.bare.lower() in NICKNAME_PREFIX:
        # "Big Tel", "Little Mo": a nickname, when the post is about care.
        nickname = is_first_name(second.bare) or zipf(second.bare) < 4.0
        return 0.7 if care_post and nickname and not PLACE_BEFORE.search(before.lower()) else None
    near = doc.lower[max(0, first.start - 30) : first.start]
    if COLLEAGUE.search(near) and not CARE.search(doc.lower[first.start : first.start + 80]):
        return None
    if not first.text[0].isupper():
        return _lower_case_score(first, second, care_post)
    return _score(first.bare, second.bare, care_post)


def _not_a_name(first: Token, second: Token, before: str, after: str) -> bool:
    """A citation, a pseudonym, a role, or a place ("North Devon", "Upper Swaleby")."""
    return bool(
        CITATION_AFTER.match(after)
        or PSEUDONYM_AFTER.search(after)
        or ROLE_BEFORE.search(before.lower())
        or PSEUDONYM_BEFORE.search(before[-3:])
        or first.bare.lower() in PLACE_PREFIX
        or (
            PLACE_BEFORE.search(before.lower())
            and not (is_first_name(first.bare) and is_last_name(second.bare))
        )
    )


def _lower_case_score(first: Token, second: Token, care_post: bool) -> float | None:
    """ "grace o'brien", "zbigniew kowalczyk": both must read as names, the post be about care."""
    surname = is_last_name(second.bare) or zipf(second.bare) < 3.3
    if care_post and is_first_name(first.bare) and surname and zipf(second.bare) < 4.0:
        return 0.8
    return None


def _score(first: str, second: str, care_post: bool) -> float | None:
    f_first, f_second = is_first_name(first), is_name(second)
    rare_first, rare_second = zipf(first) < 3.0, zipf(second) < 3.3
    if f_first and (f_second or rare_second):
        return 0.9
    if f_first and zipf(first) < 4.5 and zipf(second) < 4.0:
        return 0.75  # a listed first name and a surname the lists lack: "Clive Sutherland"
    if is_last_name(first) and is_first_name(second) and zipf(first) < 4.0:
        return 0.8  # family name first: "Zhang Xiuying", "Wong Mei Ling"
    if rare_first and f_second:
        return 0.85
    if rare_first and rare_second and care_post:
        return 0.65
    return None


def _referral_to(doc: Document, first: Token) -> bool:
    """'a referral to Sue Ryder', 'signposted to Marie Curie': a full name received a referral."""
    before = doc.lower[max(0, first.start - 30) : first.start]
    return before.endswith(
        ("referral to ", "referred to ", "signposted to ", "signpost to ", "refer to ")
    )

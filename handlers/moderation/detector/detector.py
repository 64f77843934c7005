"""The detector: runs every recogniser over a normalised post and reports non-overlapping findings."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.findings import Finding
from handlers.moderation.detector.lexicon import names, zipf
from handlers.moderation.detector.recogniser import Hit, Recogniser
from handlers.moderation.detector.recognisers.address import AddressRecogniser
from handlers.moderation.detector.recognisers.case_ref import CaseRefRecogniser
from handlers.moderation.detector.recognisers.cues import care_words, topic_of, topic_words
from handlers.moderation.detector.recognisers.dob import DateOfBirthRecogniser
from handlers.moderation.detector.recognisers.email import EmailRecogniser
from handlers.moderation.detector.recognisers.nhs import NhsNumberRecogniser
from handlers.moderation.detector.recognisers.nino import NinoRecogniser
from handlers.moderation.detector.recognisers.person import PersonRecogniser
from handlers.moderation.detector.recognisers.phone import PhoneRecogniser
from handlers.moderation.detector.recognisers.postcode import PostcodeRecogniser
from handlers.moderation.detector.recognisers.quasi import QuasiRecogniser
from handlers.moderation.detector.settings import DetectorSettings

# When two findings overlap, the more specific, checksum- or format-backed type wins.
_PRIORITY = {
    "EMAIL": 0,
    "NHS_NUMBER": 1,
    "NINO": 2,
    "POSTCODE": 3,
    "DATE_OF_BIRTH": 4,
    "PHONE": 5,
    "CASE_REF": 6,
    "ADDRESS": 7,
    "PERSON": 8,
    "QUASI": 9,
}


def default_recognisers(learned: bool = True, context: bool = True) -> list[Recogniser]:
    """The rule-based recognisers, and the shipped learned layer unless `learned` is False: the
    tagger, and the second look at context unless `context` is False."""
    extra: list[Recogniser] = []
    if learned:
        from handlers.moderation.detector.recognisers import context_check
        from handlers.moderation.detector.recognisers.learned import (
            LearnedRecogniser,
            model_available,
        )

        if model_available():
            extra.append(LearnedRecogniser())
        if context and context_check.available():
            extra.append(context_check.ContextCheck())
    return [
        *extra,
        EmailRecogniser(),
        NhsNumberRecogniser(),
        NinoRecogniser(),
        PostcodeRecogniser(),
        DateOfBirthRecogniser(),
        PhoneRecogniser(),
        CaseRefRecogniser(),
        AddressRecogniser(),
        PersonRecogniser(),
        QuasiRecogniser(),
    ]


class Detector:
    def __init__(
        self,
        settings: DetectorSettings | None = None,
        recognisers: Sequence[Recogniser] | None = None,
    ) -> None:
        self.settings = settings or DetectorSettings()
        self.recognisers = list(recognisers) if recognisers is not None else default_recognisers()
        self._allowed = {term.casefold() for term in self.settings.allow_terms}
        # Load the name lists and word frequencies now, not inside the first post's scan.
        names()
        zipf("the")

    def scan(self, text: str) -> list[Finding]:
        doc = Document(text)
        found = [
            (recogniser, hit)
            for recogniser in self.recognisers
            for hit in recogniser.find(doc, self.settings)
            if hit.confidence >= self.settings.threshold and hit.end > hit.start
        ]
        # A second look: a recogniser that reads context may overrule another's weak guess
        # (a name in a rota post, a singer in a singalong list).
        reviewers = [r for r in self.recognisers if hasattr(r, "second_look")]
        hits = [
            (getattr(recogniser, "exact", True), hit)
            for recogniser, hit in found
            if all(r is recogniser or r.second_look(doc, hit) for r in reviewers)
        ]
        return [
            self._to_finding(doc, hit)
            for hit in self._without_overlaps(hits)
            if not self._allowed_term(doc, hit)
        ]

    def _allowed_term(self, doc: Document, hit: Hit) -> bool:
        if not self._allowed:
            return False
        return doc.text[hit.start : hit.end].casefold().strip() in self._allowed

    @staticmethod
    def _without_overlaps(hits: list[tuple[bool, Hit]]) -> list[Hit]:
        # Exact recognisers (rules: checksums, formats, cues) are placed first; a learned layer,
        # whose span edges are a tagger's guess, only adds findings where none overlaps.
        # QUASI spans a whole description; it only stands where nothing more specific was found.
        # Chosen spans never overlap, so a new one need only be checked against its neighbours.
        starts: list[int] = []
        chosen: list[Hit] = []
        ordered = sorted(
            hits,
            key=lambda p: (not p[0], _PRIORITY.get(p[1].type, 99), -p[1].confidence, p[1].start),
        )
        for _, hit in ordered:
            at = bisect.bisect_left(starts, hit.start)
            if at > 0 and chosen[at - 1].end > hit.start:
                continue
            if at < len(chosen) and chosen[at].start < hit.end:
                continue
            starts.insert(at, hit.start)
            chosen.insert(at, hit)
        return chosen

    @staticmethod
    def _to_finding(doc: Document, hit: Hit) -> Finding:
        start, end = doc.span(hit.start, hit.end)
        return Finding(hit.type, start, end, round(hit.confidence, 2), _sharpened(doc, hit))


_GENERIC_TOPIC = "in a post about care"


def _sharpened(doc: Document, hit: Hit) -> str:
    """'a first name in a post about a fall' where a rule said only '... about care': the
    moderator reads what the post is about (one care word, never the words that identify)."""
    if not hit.reason.endswith(_GENERIC_TOPIC):
        return hit.reason
    topic = topic_of(doc.lower, hit.start, hit.end, care_words(doc))
    if topic is None:
        return hit.reason
    return f"{hit.reason[: -len('care')]}{topic_words(topic)}"

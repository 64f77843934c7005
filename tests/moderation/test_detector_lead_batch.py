"""A batch the lead wrote after the detector was built, scored blind first (recall 0.80), then fixed.

Each post is one the policy decides; the fixes were general rules (a plural possessive before a
family word, a lower-case surname after a title, a care setting after a place name), not these words.
"""

from __future__ import annotations

import pytest

from handlers.moderation.detector import Detector

BREACHES = [
    "The twins' dad, Lewis, has turned up at the foster placement twice this week.",
    "Mrs o'sullivan rang again about her husband's respite.",
    "The only Tigrinya speaker at Elm Tree supported living, 24, keeps being left out of activities.",
    "Just back from seeing Marjorie, she's lost a lot of weight since the stroke.",
    "Her neighbour Pauline has been doing the shopping but can't keep it up.",
    "rang kelly's mum this morning, she's not happy about the contact arrangements",
    "Spoke to Agnieszka's social worker in Poland about the transfer of the case.",
]
SAFE = [
    "Thanks Lewis for running the MCA workshop, really useful.",
    "Priya and Tom will be covering allocations while I'm away.",
    "We're based at 10 Station Road now, the old office is closed.",
    "Jo from the commissioning team says the new framework starts in April.",
    "Mrs often said it better than I could.",
]


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


@pytest.mark.parametrize("post", BREACHES)
def test_breaches_are_found(detector: Detector, post: str) -> None:
    assert detector.scan(post), post


@pytest.mark.parametrize("post", SAFE)
def test_safe_posts_are_left_alone(detector: Detector, post: str) -> None:
    assert detector.scan(post) == [], post

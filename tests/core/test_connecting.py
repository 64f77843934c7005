"""The start-up backoff: waits grow, stop growing at the cap, and are jittered so that bots
restarting together do not retry together."""

from __future__ import annotations

import random

from adapters.connecting import Backoff


def test_waits_double_up_to_the_cap_each_shortened_by_at_most_the_jitter() -> None:
    backoff = Backoff(first=1.0, cap=8.0, factor=2.0, jitter=0.5, rng=random.Random(7))
    waits = [backoff.delay(attempt) for attempt in range(8)]
    bases = [1, 2, 4, 8, 8, 8, 8, 8]
    for wait, base in zip(waits, bases, strict=True):
        assert base / 2 <= wait <= base
    assert len({round(w, 6) for w in waits[3:]}) > 1, "capped waits still differ: jitter"


def test_two_bots_do_not_wait_in_step() -> None:
    one = Backoff(rng=random.Random(1))
    two = Backoff(rng=random.Random(2))
    assert [one.delay(a) for a in range(5)] != [two.delay(a) for a in range(5)]


def test_a_very_long_outage_never_overflows_the_cap() -> None:
    assert Backoff(cap=60.0, jitter=0.0).delay(10_000) == 60.0

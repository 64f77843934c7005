"""The shape every recogniser has, so the detector can compose any list of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from handlers.moderation.detector.document import Document
from handlers.moderation.detector.settings import DetectorSettings


@dataclass(frozen=True)
class Hit:
    """A finding in normalised-text offsets; the detector maps it back to the original."""

    type: str
    start: int
    end: int
    confidence: float
    reason: str


class Recogniser(Protocol):
    name: str

    def find(self, doc: Document, settings: DetectorSettings) -> Iterable[Hit]: ...

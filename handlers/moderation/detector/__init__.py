"""Finds what would identify a person who uses services in a group post, and explains it.

detector = Detector(DetectorSettings(sensitivity="normal"))
findings = detector.scan(text)
redact(text, findings)   # "visited [PERSON] at [ADDRESS] today"
describe(findings)       # "a name, an address"
"""

from handlers.moderation.detector.detector import Detector, default_recognisers
from handlers.moderation.detector.findings import TYPES, Finding, describe, reasons, redact
from handlers.moderation.detector.recogniser import Hit, Recogniser
from handlers.moderation.detector.settings import DetectorSettings

__all__ = [
    "TYPES",
    "Detector",
    "DetectorSettings",
    "Finding",
    "Hit",
    "Recogniser",
    "default_recognisers",
    "describe",
    "reasons",
    "redact",
]

"""Per-group settings that change what the detector reports."""

from __future__ import annotations

from dataclasses import dataclass, field

# Minimum confidence reported at each sensitivity: "high" reports weaker hunches.
THRESHOLDS = {"low": 0.75, "normal": 0.5, "high": 0.3}


@dataclass(frozen=True)
class DetectorSettings:
    sensitivity: str = "normal"
    allow_terms: frozenset[str] = field(default_factory=frozenset)
    staff_names: frozenset[str] = field(default_factory=frozenset)
    allowed_email_domains: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if self.sensitivity not in THRESHOLDS:
            raise ValueError(
                f"sensitivity must be one of {sorted(THRESHOLDS)}, not {self.sensitivity!r}"
            )

    @property
    def threshold(self) -> float:
        return THRESHOLDS[self.sensitivity]

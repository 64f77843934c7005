"""What the knowledge base holds: entries that answer questions, each with a citation."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def slugify(heading: str) -> str:
    """'Friend requests and contact' -> 'friend-requests-and-contact'."""
    return re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    kind: str  # "faq" | "passage"
    title: str  # the FAQ question, or the section heading
    text: str  # the answer, or the section's text
    source: str  # guidance title
    alternatives: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    reviewed: str | None = None
    owner: str | None = None

    def citation(self) -> str:
        if self.kind == "faq":
            return f"{self.source} (FAQ: {self.title})"
        reviewed = f", reviewed {self.reviewed}" if self.reviewed else ""
        return f"{self.source}, section '{self.title}'{reviewed}"

    def answer_text(self, max_sentences: int = 4) -> str:
        flat = " ".join(
            line.strip("-* ").strip() for line in self.text.splitlines() if line.strip()
        )
        sentences = _SENTENCE_END.split(flat)
        return " ".join(sentences[:max_sentences])

    def searchable(self) -> str:
        return " ".join([self.title, *self.alternatives, self.text, " ".join(self.tags)])


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_covered: tuple[str, ...] = ()  # questions the guidance does not answer (not-covered.yaml)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id().get(entry_id)

    def _by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def content_hash(self) -> str:
        digest = hashlib.sha256()
        for entry in self.entries:
            digest.update(f"{entry.id}\x00{entry.searchable()}\x00".encode())
        for key in sorted(self.synonyms):
            digest.update(f"{key}={'|'.join(self.synonyms[key])}\n".encode())
        return digest.hexdigest()[:16]

"""The knowledge base: FAQ entries and guidance passages, loaded and checked."""

from handlers.questions.kb.loader import KbError, load_kb
from handlers.questions.kb.model import Entry, KnowledgeBase, slugify

__all__ = ["Entry", "KbError", "KnowledgeBase", "load_kb", "slugify"]

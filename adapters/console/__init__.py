"""The console closed group: a practice group, the moderators' and experts' rooms and DMs in a terminal."""

from adapters.console.adapter import ConsoleAdapter
from adapters.console.session import ConsoleSession, ScriptError

__all__ = ["ConsoleAdapter", "ConsoleSession", "ScriptError"]

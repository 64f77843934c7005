"""The "/" menu Telegram shows: which commands, in private chats and in groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from adapters.telegram.errors import translated


@dataclass(frozen=True, slots=True)
class MenuEntry:
    name: str
    description: str
    where: str = "any"  # as the router says: any, direct, group, moderators, experts


# Until the core hands over its routes (see set_commands), the commands every install has.
DEFAULT_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("ask", "Ask a practice question"),
    MenuEntry("learn", "Start or manage your learning programme"),
    MenuEntry("help", "What I can do here"),
)


async def publish(bot: Bot, entries: Sequence[MenuEntry]) -> None:
    """setMyCommands for private chats and for groups: each sees only what works there."""
    private = [_command(e) for e in entries if e.where in ("any", "direct")]
    groups = [_command(e) for e in entries if e.where != "direct"]
    with translated():
        await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
        await bot.set_my_commands(groups, scope=BotCommandScopeAllGroupChats())


def _command(entry: MenuEntry) -> BotCommand:
    # Telegram: 1-32 characters for a name, 1-256 for its description.
    return BotCommand(entry.name[:32], (entry.description or entry.name)[:256])

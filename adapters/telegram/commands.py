"""The "/" menu Telegram shows: which commands, in private chats and in groups."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats

from adapters.telegram.errors import translated
from bot.adapter import MenuEntry

# Until the app hands over the features' commands (set_commands), the ones every install has.
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

"""Prints every action on one line, prefixed by where it goes; remembers cards for button presses."""

from __future__ import annotations

import itertools
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.actions import Action, Attachment, Button, Delete, PrivateNotice, Result, Send, Update
from bot.adapter import Capabilities, EventSink
from bot.config import ChatRole, Settings
from bot.events import Chat, ChatKind, User

PLATFORM = "console"
ROOMS = {
    "group": (ChatRole.PRACTICE_GROUP, "Practice group"),
    "moderators": (ChatRole.MODERATORS, "Moderators' room"),
    "experts": (ChatRole.EXPERTS, "Experts' room"),
}


@dataclass
class Shown:
    chat_id: str
    buttons: tuple[Button, ...]


def room_chat(name: str) -> Chat:
    title = ROOMS[name][1] if name in ROOMS else name
    return Chat(PLATFORM, name, ChatKind.GROUP, title)


def dm_chat(member: str) -> Chat:
    return Chat(PLATFORM, f"dm:{member}", ChatKind.DIRECT, member)


def member(name: str) -> User:
    return User(PLATFORM, name, name)


class ConsoleAdapter:
    platform = PLATFORM
    capabilities = Capabilities(
        delete_others=True, ephemeral=False, threads=False, buttons=True, edit=True
    )

    def __init__(
        self, settings: Settings, out: TextIO | None = None, files_dir: Path | None = None
    ):
        self._settings = settings
        self._out = out or sys.stdout
        self._files_dir = files_dir or Path("var") / "console-files"
        self._ids = itertools.count(1)
        self.shown: dict[str, Shown] = {}
        self.sink: EventSink | None = None

    def next_message_id(self) -> str:
        return str(next(self._ids))

    async def start(self, sink: EventSink) -> None:
        self.sink = sink

    async def stop(self) -> None:
        self.sink = None

    async def perform(self, action: Action) -> Result:
        if isinstance(action, Send):
            return self._show(action.chat, action.text, action.buttons, action.attachment)
        if isinstance(action, PrivateNotice):
            return self._show(
                dm_chat(action.user.id), action.text, action.buttons, action.attachment
            )
        if isinstance(action, Update):
            if action.buttons:
                self.shown[action.message_id] = Shown(action.chat.id, action.buttons)
            else:
                self.shown.pop(action.message_id, None)  # nothing left to press on this card
            self._print(
                action.chat.id, f"(card {action.message_id} updated) {action.text}", action.buttons
            )
            return Result(action.message_id, action.chat)
        if isinstance(action, Delete):
            self._print(action.chat.id, f"(message {action.message_id} removed)", ())
            return Result(action.message_id, action.chat)
        raise TypeError(f"the console cannot perform {type(action).__name__}")

    def _show(
        self, chat: Chat, text: str, buttons: tuple[Button, ...], attachment: Attachment | None
    ) -> Result:
        message_id = self.next_message_id()
        if buttons:
            self.shown[message_id] = Shown(chat.id, buttons)
        if attachment is not None:
            text = f"{text} {self._save(attachment)}".strip()
        self._print(chat.id, text, buttons)
        return Result(message_id, chat)

    def _save(self, attachment: Attachment) -> str:
        self._files_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]", "_", attachment.filename) or "file"
        path = self._files_dir / safe
        path.write_bytes(attachment.content)
        return f"(file {attachment.filename}, {len(attachment.content)} bytes, saved to {path})"

    def _print(self, chat_id: str, text: str, buttons: tuple[Button, ...]) -> None:
        # one line per action: the message's own line breaks become " | "
        line = " | ".join(part for part in text.split("\n") if part.strip())
        labels = " ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1))
        self._out.write(f"[{chat_id}] {line}{' ' + labels if labels else ''}\n")
        self._out.flush()

    def newest_card_for(self, name: str) -> tuple[str, Shown] | None:
        """The newest message with buttons that `name` can see: their DM, their rooms, the group."""
        visible = {f"dm:{name}", "group"}
        if name in self._settings.console.moderators:
            visible.add("moderators")
        if name in self._settings.console.experts:
            visible.add("experts")
        for message_id in sorted(self.shown, key=int, reverse=True):
            if self.shown[message_id].chat_id in visible:
                return message_id, self.shown[message_id]
        return None

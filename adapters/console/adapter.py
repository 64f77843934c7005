"""Prints every action on one line, prefixed by where it goes; remembers cards for button presses.

With a state file (the console group run from the command line) the cards, who wrote which post
and the next message id outlive a restart: a held post's review card can still be pressed, and
new messages never take the id of one the database already refers to."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from adapters.http_port import HttpPort
from adapters.web import mount_console
from bot.actions import Action, Attachment, Button, Delete, PrivateNotice, Result, Send, Update
from bot.adapter import Capabilities, EventSink, Probe
from bot.config import ChatRole, Settings
from bot.context import Context
from bot.errors import ConfigError
from bot.events import Chat, ChatKind, User

log = logging.getLogger(__name__)

PLATFORM = "console"
ROOMS = {
    "group": (ChatRole.PRACTICE_GROUP, "Practice group"),
    "moderators": (ChatRole.MODERATORS, "Moderators' room"),
    "experts": (ChatRole.EXPERTS, "Experts' room"),
}
KEEP_AUTHORS = 5000  # posts whose author a later reply may need (the newest ones)


@dataclass
class Shown:
    chat_id: str
    buttons: tuple[Button, ...]
    # A card in the group that answers one member's post (an answer's "Helpful") is theirs to press.
    for_member: str | None = None


class CardRefused(ValueError):
    """A press names a card that has no buttons now, or whose buttons are someone else's."""


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
        self,
        settings: Settings,
        out: TextIO | None = None,
        files_dir: Path | None = None,
        state_file: Path | None = None,
    ):
        self._settings = settings
        self._out = out or sys.stdout
        self._files_dir = files_dir or Path("var") / "console-files"
        self._state_file = state_file
        self.shown: dict[str, Shown] = {}
        self._authors: dict[str, str] = {}  # message id of a member's post -> who wrote it
        self._last_id = self._load()
        self.sink: EventSink | None = None
        self._http: HttpPort | None = None
        self._web: HttpPort | None = None
        self.web_port = 0  # the web console's port; 0: none (the runner sets it at a terminal)
        # the interactive terminal sets this to keep its prompt whole when the bot speaks
        self.before_print: Callable[[], None] | None = None
        self.after_print: Callable[[], None] | None = None

    def next_message_id(self, author: str | None = None) -> str:
        """A new message id; `author` names the member who posted it."""
        self._last_id += 1
        message_id = str(self._last_id)
        if author is not None:
            self._authors[message_id] = author
            if len(self._authors) > KEEP_AUTHORS:
                del self._authors[next(iter(self._authors))]
        self._save()
        return message_id

    def serve_operators(self, probe: Probe) -> None:
        """With console.http_port set, /healthz, /readyz and /metrics on 127.0.0.1 there."""
        port = self._settings.console.http_port
        if port is not None:
            self._http = HttpPort.at("127.0.0.1", port)
            self._http.serve_operators(probe)

    def serve_console(self, ctx: Context) -> None:
        """With a web port, the web console on 127.0.0.1 there."""
        if self.web_port:
            self._web = HttpPort.at("127.0.0.1", self.web_port)
            mount_console(self._web, ctx)

    async def start(self, sink: EventSink) -> None:
        self.sink = sink
        if self._http is not None:
            await self._http.start()
        if self._web is not None:
            try:
                await self._web.start()
            except ConfigError as exc:  # the port is taken: the console group runs without it
                log.warning("web console not started", extra={"reason": str(exc)})
                self._web = None

    @property
    def web_console_port(self) -> int | None:
        return self._web.bound_port if self._web is not None else None

    async def stop(self) -> None:
        self.sink = None
        if self._http is not None:
            await self._http.stop()
        if self._web is not None:
            await self._web.stop()

    async def perform(self, action: Action) -> Result:
        if isinstance(action, Send):
            owner = None
            if action.chat.kind is ChatKind.GROUP and action.reply_to is not None:
                owner = self._authors.get(action.reply_to)
            return self._show(action.chat, action.text, action.buttons, action.attachment, owner)
        if isinstance(action, PrivateNotice):
            return self._show(
                dm_chat(action.user.id), action.text, action.buttons, action.attachment, None
            )
        if isinstance(action, Update):
            if action.buttons:
                before = self.shown.get(action.message_id)
                owner = before.for_member if before is not None else None
                self.shown[action.message_id] = Shown(action.chat.id, action.buttons, owner)
            else:
                self.shown.pop(action.message_id, None)  # nothing left to press on this card
            self._save()
            self._print(
                action.chat.id, f"(card {action.message_id} updated) {action.text}", action.buttons
            )
            return Result(action.message_id, action.chat)
        if isinstance(action, Delete):
            self._print(action.chat.id, f"(message {action.message_id} removed)", ())
            return Result(action.message_id, action.chat)
        raise TypeError(f"the console cannot perform {type(action).__name__}")

    def _show(
        self,
        chat: Chat,
        text: str,
        buttons: tuple[Button, ...],
        attachment: Attachment | None,
        owner: str | None,
    ) -> Result:
        message_id = self.next_message_id()
        if buttons:
            self.shown[message_id] = Shown(chat.id, buttons, owner)
            self._save()
        if attachment is not None:
            text = f"{text} {self._save_file(attachment)}".strip()
        self._print(chat.id, text, buttons, card=message_id if buttons else None)
        return Result(message_id, chat)

    def _save_file(self, attachment: Attachment) -> str:
        self._files_dir.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]", "_", attachment.filename) or "file"
        path = self._files_dir / safe
        path.write_bytes(attachment.content)
        return f"(file {attachment.filename}, {len(attachment.content)} bytes, saved to {path})"

    def _print(
        self, chat_id: str, text: str, buttons: tuple[Button, ...], card: str | None = None
    ) -> None:
        # one line per action: the message's own line breaks become " | "
        line = " | ".join(part for part in text.split("\n") if part.strip())
        labels = " ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1))
        if card is not None:
            labels += f" (card {card})"  # for `name! N card {card}` once newer cards follow
        if self.before_print is not None:
            self.before_print()
        self._out.write(f"[{chat_id}] {line}{' ' + labels if labels else ''}\n")
        self._out.flush()
        if self.after_print is not None:
            self.after_print()

    def may_press(self, name: str, shown: Shown) -> bool:
        """Whose buttons these are: a DM's are its member's, a room's are its members', and a
        group card is everyone's unless it answers one member's post."""
        chat = shown.chat_id
        if chat.startswith("dm:"):
            return chat == f"dm:{name}"
        if chat == "moderators":
            return name in self._settings.console.moderators
        if chat == "experts":
            return name in self._settings.console.experts
        return shown.for_member in (None, name)

    def card(self, message_id: str, name: str) -> Shown:
        """Card `message_id`, if `name` may press its buttons; CardRefused says why not. Named
        by its number, a group card is anyone's to press, as on Slack and Telegram (the newest
        card a bare press goes to skips those answering someone else's post)."""
        shown = self.shown.get(message_id)
        if shown is None:
            raise CardRefused(
                f"card {message_id} has no buttons to press (it was decided or answered, or it "
                "never had any)"
            )
        in_group = not shown.chat_id.startswith("dm:") and shown.chat_id not in (
            "moderators",
            "experts",
        )
        if not in_group and not self.may_press(name, shown):
            raise CardRefused(f"card {message_id} is not {name}'s to press: {self._whose(shown)}")
        return shown

    def _whose(self, shown: Shown) -> str:
        chat = shown.chat_id
        if chat.startswith("dm:"):
            return f"it is in {chat.removeprefix('dm:')}'s direct messages"
        if chat in ("moderators", "experts"):
            return f"it is in the {chat}' room, for those listed in console.{chat}"
        return f"it answers {shown.for_member}'s post"

    def newest_card_for(self, name: str) -> tuple[str, Shown] | None:
        """The newest message with buttons that `name` may press."""
        for message_id in sorted(self.shown, key=int, reverse=True):
            if self.may_press(name, self.shown[message_id]):
                return message_id, self.shown[message_id]
        return None

    def _load(self) -> int:
        """Cards, authors and the last message id from the state file; 0 when there is none."""
        if self._state_file is None or not self._state_file.exists():
            return 0
        try:
            data = json.loads(self._state_file.read_text(encoding="utf-8"))
            cards = {
                str(c["id"]): Shown(
                    str(c["chat"]),
                    tuple(Button(str(label), str(value)) for label, value in c["buttons"]),
                    c.get("for"),
                )
                for c in data["cards"]
            }
            authors = {str(k): str(v) for k, v in data["authors"].items()}
            last = int(data["last_id"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning(
                "the console's saved cards are unreadable; starting without them",
                extra={"file": str(self._state_file), "error": str(exc)},
            )
            return 0
        self.shown, self._authors = cards, authors
        return last

    def _save(self) -> None:
        if self._state_file is None:
            return
        data: dict[str, Any] = {
            "last_id": self._last_id,
            "cards": [
                {
                    "id": message_id,
                    "chat": s.chat_id,
                    "buttons": [[b.label, b.data] for b in s.buttons],
                    "for": s.for_member,
                }
                for message_id, s in self.shown.items()
            ],
            "authors": self._authors,
        }
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        partial = self._state_file.with_suffix(".tmp")
        partial.write_text(json.dumps(data), encoding="utf-8")
        partial.replace(self._state_file)

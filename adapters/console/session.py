"""Plays console lines: posts, DMs, edits, button presses and clock directives.

    alice> text              a post by alice in the practice group
    alice>> text             a direct message from alice to the bot
    mod@moderators> text     a post by mod in a named room (moderators, experts, group)
    alice~> text             alice edits her newest post in that room
    mod! 2                   mod presses button 2 on the newest card mod may press: in their
                             DM, in a room they belong to, or in the group unless it answers
                             someone else's post
    mod! 2 card 3            ... on card 3 (each card with buttons is shown with its number)
    @clock 2026-03-27T09:00Z @advance 4h   @tick   @redeliver
    # comment
Files ride along as `[file: name.pdf]` anywhere in a post. A file found on this machine (the
path as given, else beside the script) comes with its contents, so the bot reads it as it would
a platform's; one not found comes by name only.
"""

from __future__ import annotations

import mimetypes
import re
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from adapters.console.adapter import (
    ROOMS,
    CardRefused,
    ConsoleAdapter,
    dm_chat,
    member,
    room_chat,
)
from bot.clock import ScenarioClock
from bot.errors import SendAgain
from bot.events import (
    AttachedFile,
    ButtonPressed,
    Event,
    Message,
    MessageEdited,
    MessagePosted,
)

_POST = re.compile(
    r"^(?P<who>[A-Za-z][\w.-]*)(?:@(?P<room>[A-Za-z][\w-]*))?(?P<op>>>|~>|>)(?: (?P<text>.*)|$)$",
    re.DOTALL,
)
_PRESS = re.compile(r"^(?P<who>[A-Za-z][\w.-]*)!\s*(?P<n>\d+)(?:\s+card\s+(?P<card>\d+))?\s*$")
_FILE = re.compile(r"\[file:\s*([^\]]+)\]")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}

SYNTAX = (
    "expected `name> text`, `name>> text`, `name@room> text`, `name~> text`, `name! N`, "
    "`name! N card C`, "
    "`@clock TIME`, `@advance 4h`, `@tick`, `@redeliver` or `# comment`"
)


class ScriptError(ValueError):
    pass


class ConsoleSession:
    def __init__(
        self,
        adapter: ConsoleAdapter,
        handle: Callable[[Event], Awaitable[None]],
        clock: ScenarioClock,
        run_jobs: Callable[[], Awaitable[None]],
        bot_name: str,
    ) -> None:
        self._adapter = adapter
        self._handle = handle
        self._clock = clock
        self._run_jobs = run_jobs
        self._mention = re.compile(rf"@{re.escape(bot_name)}\b", re.IGNORECASE)
        self._last_post: dict[tuple[str, str], MessagePosted] = {}
        self._last_event: Event | None = None
        self._file_dirs: list[Path] = []

    def look_for_files_in(self, folder: Path) -> None:
        """A `[file: name]` not found as given is looked for here too (a script's folder)."""
        self._file_dirs.append(folder)

    def _attached(self, names: tuple[str, ...]) -> tuple[AttachedFile, ...]:
        found = []
        for name in names:
            path = next(
                (p for p in (Path(name), *(d / name for d in self._file_dirs)) if p.is_file()),
                None,
            )
            if path is None:
                continue
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            try:
                found.append(AttachedFile(path.name, mime, path.read_bytes()))
            except OSError as exc:
                found.append(
                    AttachedFile(
                        path.name, mime, error=f"the console could not read it ({exc.strerror})"
                    )
                )
        return tuple(found)

    async def play(self, lines: Iterable[str]) -> list[str]:
        """Play every line; returns the errors (with line numbers) for lines that could not be read."""
        errors = []
        for number, raw in enumerate(lines, 1):
            try:
                await self.line(raw)
            except ScriptError as exc:
                errors.append(f"line {number}: {exc}")
        return errors

    async def line(self, raw: str) -> None:
        line = raw.rstrip("\r\n")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return
        if stripped.startswith("@"):
            await self._directive(stripped)
            return
        if match := _PRESS.match(stripped):
            await self._press(match["who"], int(match["n"]), match["card"])
            return
        if match := _POST.match(line.lstrip()):
            await self._post(match["who"], match["room"], match["op"], match["text"] or "")
            return
        raise ScriptError(f"cannot read {stripped[:60]!r}: {SYNTAX}")

    async def _emit(self, event: Event) -> None:
        self._last_event = event
        await self._take(event)

    async def _take(self, event: Event) -> None:
        try:
            await self._handle(event)
        except SendAgain as exc:
            raise ScriptError(f"not taken: {exc}; type the line again") from None

    async def _post(self, who: str, room: str | None, op: str, text: str) -> None:
        if op == ">>":
            if room is not None:
                raise ScriptError("a direct message has no room: use `name>> text`")
            chat = dm_chat(who)
        else:
            name = room or "group"
            if name not in ROOMS:
                raise ScriptError(f"unknown room {name!r}; the rooms are {', '.join(ROOMS)}")
            chat = room_chat(name)
        paths = tuple(f.strip() for f in _FILE.findall(text))
        files = tuple(Path(p).name for p in paths)
        attached = self._attached(paths)
        body = _FILE.sub("", text).strip() if files else text
        user = member(who)
        if op == "~>":
            previous = self._last_post.get((chat.id, who))
            if previous is None:
                raise ScriptError(f"{who} has no post in {chat.id} to edit")
            event: Message = MessageEdited(
                event_id=self._new_id(),
                chat=chat,
                user=user,
                time=self._clock.now(),
                message_id=previous.message_id,
                text=body,
                file_names=files,
                files=attached,
                mentions_bot=bool(self._mention.search(body)),
            )
        else:
            event = MessagePosted(
                event_id=self._new_id(),
                chat=chat,
                user=user,
                time=self._clock.now(),
                message_id=self._adapter.next_message_id(author=who),
                text=body,
                file_names=files,
                files=attached,
                mentions_bot=bool(self._mention.search(body)),
            )
            self._last_post[(chat.id, who)] = event
        await self._emit(event)

    async def _press(self, who: str, number: int, card: str | None) -> None:
        if card is None:
            found = self._adapter.newest_card_for(who)
            if found is None:
                raise ScriptError(
                    f"{who} has no card with buttons they may press (cards in their DM, in their "
                    "rooms, and in the group unless meant for someone else)"
                )
            message_id, shown = found
            which = f"the newest card {who} may press"
        else:
            message_id, which = card, f"card {card}"
            try:
                shown = self._adapter.card(card, who)
            except CardRefused as exc:
                raise ScriptError(str(exc)) from None
        if not 1 <= number <= len(shown.buttons):
            raise ScriptError(f"{which} has buttons 1..{len(shown.buttons)}")
        chat = dm_chat(who) if shown.chat_id.startswith("dm:") else room_chat(shown.chat_id)
        await self._emit(
            ButtonPressed(
                event_id=self._new_id(),
                chat=chat,
                user=member(who),
                time=self._clock.now(),
                message_id=message_id,
                data=shown.buttons[number - 1].data,
            )
        )

    async def _directive(self, line: str) -> None:
        name, _, arg = line[1:].partition(" ")
        arg = arg.strip()
        if name == "clock":
            try:
                when = datetime.fromisoformat(arg.replace("Z", "+00:00"))
            except ValueError:
                raise ScriptError(
                    f"@clock needs an ISO time like 2026-03-27T09:00Z, got {arg!r}"
                ) from None
            try:
                self._clock.set(when)
            except ValueError as exc:
                raise ScriptError(str(exc)) from None
        elif name == "advance":
            match = _DURATION.match(arg)
            if match is None:
                raise ScriptError(f"@advance needs a duration like 30m, 4h or 2d, got {arg!r}")
            self._clock.advance(timedelta(**{_UNITS[match[2]]: float(match[1])}))
        elif name == "tick":
            await self._run_jobs()
        elif name == "redeliver":
            if self._last_event is None:
                raise ScriptError("@redeliver: nothing has been sent yet")
            await self._take(replace(self._last_event))
        else:
            raise ScriptError(f"unknown directive @{name}: {SYNTAX}")

    @staticmethod
    def _new_id() -> str:
        # unique across runs: the pipeline's de-duplication outlives a restart
        return uuid.uuid4().hex

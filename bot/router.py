"""Routes an event that passed moderation to the one handler that owns it.

Ordering rule (first match wins):
1. button presses, by the longest matching data prefix;
2. commands ("/name args"), by name;
3. text a feature is waiting for (a learner's reflection, an expert's answer), in registration order;
4. questions: every other DM, a post that mentions the bot, or (groups that opt in) one ending in "?".
Anything else in a group is ordinary conversation and is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.adapter import MenuEntry
from bot.config import ChatRole
from bot.context import Context
from bot.events import ButtonPressed, ChatKind, Event, MessageEdited, MessagePosted
from bot.replies import reply

Where = Literal["any", "group", "direct", "moderators", "experts"]
CommandHandler = Callable[[MessagePosted, Context], Awaitable[None]]
ButtonHandler = Callable[[ButtonPressed, Context], Awaitable[None]]
TextMatcher = Callable[[MessagePosted, Context], Awaitable[bool]]

# "/cmd@OtherBot" is for another bot: adapters strip our own name, so it stays plain text here
_COMMAND = re.compile(r"^/([A-Za-z][\w-]*)(?:\s+(.*))?$", re.DOTALL)
_BARE_HELP = re.compile(
    r"^(?:help|help me|commands|menu|what can you do|how do i use (?:you|this|the bot))[\s?!.]*$",
    re.IGNORECASE,
)
_WHERE_ROLES = {
    "group": ChatRole.PRACTICE_GROUP,
    "moderators": ChatRole.MODERATORS,
    "experts": ChatRole.EXPERTS,
}
_WHERE_TEXT = {
    "group": "in a practice group",
    "direct": "in a direct chat with me",
    "moderators": "in the moderators' room",
    "experts": "in the experts' room",
}


def parse_command(text: str) -> tuple[str, str] | None:
    """("learn", "args") for "/learn args"; None if not a command."""
    match = _COMMAND.match(text.strip())
    if match is None:
        return None
    return match.group(1).lower(), (match.group(2) or "").strip()


def command_args(text: str) -> str:
    parsed = parse_command(text)
    return parsed[1] if parsed else ""


@dataclass(frozen=True, slots=True)
class CommandRoute:
    name: str
    handler: CommandHandler
    help: str
    where: Where
    admin: bool


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, CommandRoute] = {}
        self._buttons: list[tuple[str, ButtonHandler]] = []
        self._texts: list[tuple[TextMatcher, CommandHandler]] = []
        self._questions: list[CommandHandler] = []
        self._frozen = False

    def command(
        self,
        name: str,
        handler: CommandHandler,
        *,
        help: str,
        where: Where = "any",
        admin: bool = False,
    ) -> None:
        self._check_open()
        key = name.lower().lstrip("/")
        if key in self.commands:
            raise ValueError(f"command /{key} is registered twice")
        self.commands[key] = CommandRoute(key, handler, help, where, admin)

    def button(self, prefix: str, handler: ButtonHandler) -> None:
        self._check_open()
        self._buttons.append((prefix, handler))
        self._buttons.sort(key=lambda item: len(item[0]), reverse=True)

    def text(self, matcher: TextMatcher, handler: CommandHandler) -> None:
        self._check_open()
        self._texts.append((matcher, handler))

    def question(self, handler: CommandHandler) -> None:
        self._check_open()
        self._questions.append(handler)

    def menu(self) -> tuple[MenuEntry, ...]:
        """The commands everyone may use, for a platform's menu (admins' ones stay out of it)."""
        return tuple(
            MenuEntry(route.name, route.help, route.where)
            for route in self.commands.values()
            if not route.admin
        )

    def freeze(self) -> None:
        self._frozen = True

    def _check_open(self) -> None:
        if self._frozen:
            raise RuntimeError("routes are fixed once the bot has started")

    async def dispatch(self, event: Event, ctx: Context) -> None:
        if isinstance(event, ButtonPressed):
            await self._press(event, ctx)
        elif isinstance(event, MessageEdited):
            return  # edits are screened by moderation; nothing else acts on them
        elif isinstance(event, MessagePosted):
            await self._message(event, ctx)

    async def _press(self, event: ButtonPressed, ctx: Context) -> None:
        for prefix, handler in self._buttons:
            if event.data.startswith(prefix):
                await handler(event, ctx)
                return
        await reply(ctx, event, "That button is no longer active.", private=True)

    async def _message(self, event: MessagePosted, ctx: Context) -> None:
        text = event.text.strip()
        direct = event.chat.kind is ChatKind.DIRECT
        parsed = parse_command(text)
        if parsed is not None:
            await self._command(parsed[0], event, ctx)
            return
        for matcher, handler in self._texts:
            if await matcher(event, ctx):
                await handler(event, ctx)
                return
        if direct and _BARE_HELP.match(text) and "help" in self.commands:
            await self._command("help", event, ctx)  # "help" without its slash, in a DM
            return
        if not text and not event.file_names:
            if direct:
                await reply(ctx, event, "Your message was empty. Ask me a question, or send /help.")
            return
        if direct or event.mentions_bot or await self._opted_in_question(event, ctx, text):
            if not self._questions:
                await reply(
                    ctx,
                    event,
                    "I can't answer questions here yet. Send /help to see what I can do.",
                )
                return
            for handler in self._questions:
                await handler(event, ctx)

    async def _opted_in_question(self, event: MessagePosted, ctx: Context, text: str) -> bool:
        if not text.endswith("?"):
            return False
        if await ctx.rooms.role_of(event.chat) is not ChatRole.PRACTICE_GROUP:
            return False
        options = await ctx.rooms.options(event.chat)
        return bool(
            options.get("answer_questions", ctx.settings.questions.answer_questions_in_groups)
        )

    async def _command(self, name: str, event: MessagePosted, ctx: Context) -> None:
        route = self.commands.get(name)
        if route is None:
            await reply(
                ctx,
                event,
                f"I don't know the command /{name}. Send /help to see the ones I know.",
                private=True,
            )
            return
        if route.admin and not ctx.settings.is_admin(event.user.key):
            await reply(ctx, event, f"/{name} is for the bot's admins only.", private=True)
            return
        if not await self._in_place(route.where, event, ctx):
            await reply(ctx, event, f"/{name} works {_WHERE_TEXT[route.where]}.", private=True)
            return
        await route.handler(event, ctx)

    @staticmethod
    async def _in_place(where: Where, event: MessagePosted, ctx: Context) -> bool:
        if where == "any":
            return True
        if where == "direct":
            return event.chat.kind is ChatKind.DIRECT
        return await ctx.rooms.role_of(event.chat) is _WHERE_ROLES[where]

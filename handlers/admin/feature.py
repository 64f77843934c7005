"""Admin and housekeeping commands: /start, /help, /setup."""

from __future__ import annotations

from bot.config import ChatRole, Settings
from bot.context import Context
from bot.events import ChatKind, MessagePosted
from bot.feature import AppBuilder, StatsProvider
from bot.replies import reply
from bot.router import Router, command_args
from bot.web_access import WebRole, send_link

ROLE_WORDS = {
    "group": ChatRole.PRACTICE_GROUP,
    "practice": ChatRole.PRACTICE_GROUP,
    "moderators": ChatRole.MODERATORS,
    "experts": ChatRole.EXPERTS,
}
ROLE_NAMES = {
    ChatRole.PRACTICE_GROUP: "a practice group",
    ChatRole.MODERATORS: "the moderators' room",
    ChatRole.EXPERTS: "the experts' room",
}


class AdminFeature:
    name = "admin"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._router: Router | None = None
        self._stats: list[StatsProvider] = []

    def setup(self, app: AppBuilder) -> None:
        self._router = app.router
        self._stats = app.stats
        app.router.command(
            "stats", self.stats, help="counts for moderation and learning", where="moderators"
        )
        app.router.command(
            "console",
            self.console,
            help="a sign-in link to the web console (admins; moderators in their room)",
        )
        app.router.command("start", self.start_chat, help="say hello", where="direct")
        app.router.command("help", self.help, help="what I can do here")
        app.router.command(
            "setup",
            self.setup_chat,
            help="register this chat: /setup group | moderators | experts | off",
            where="any",
            admin=True,
        )

    async def start(self, ctx: Context) -> None:
        return None

    async def stop(self, ctx: Context) -> None:
        return None

    async def console(self, event: MessagePosted, ctx: Context) -> None:
        if self._settings.is_admin(event.user.key):
            role = WebRole.ADMIN
        elif await ctx.rooms.role_of(event.chat) is ChatRole.MODERATORS:
            role = WebRole.MODERATOR
        else:
            await reply(
                ctx,
                event,
                "The web console is for admins and moderators: moderators, send /console in "
                "the moderators' room. Your own learning page: /mycpd.",
                private=True,
            )
            return
        await send_link(ctx, event, role, "the web console")

    async def start_chat(self, event: MessagePosted, ctx: Context) -> None:
        await reply(
            ctx,
            event,
            f"Hello {event.user.name}, I'm {self._settings.bot.name}. Ask me a practice question "
            "in your own words, or send /help to see what I can do.",
        )

    async def help(self, event: MessagePosted, ctx: Context) -> None:
        assert self._router is not None
        role = await ctx.rooms.role_of(event.chat)
        here = {
            None: {"any", "direct"} if event.chat.kind is ChatKind.DIRECT else {"any"},
            ChatRole.PRACTICE_GROUP: {"any", "group"},
            ChatRole.MODERATORS: {"any", "moderators"},
            ChatRole.EXPERTS: {"any", "experts"},
        }[role]
        admin = self._settings.is_admin(event.user.key)
        lines = [
            f"/{route.name}: {route.help}"
            for route in sorted(self._router.commands.values(), key=lambda r: r.name)
            if route.where in here and (admin or not route.admin)
        ]
        await reply(ctx, event, "Commands here: " + "; ".join(lines), private=True)

    async def stats(self, event: MessagePosted, ctx: Context) -> None:
        sections = [await provider(ctx) for provider in self._stats]
        text = "\n".join(s for s in sections if s) or "Nothing to count yet."
        await reply(ctx, event, text)

    async def setup_chat(self, event: MessagePosted, ctx: Context) -> None:
        word = command_args(event.text).lower()
        if event.chat.kind is ChatKind.DIRECT:
            await reply(
                ctx, event, "/setup works in a group chat: run it in the chat you want to register."
            )
            return
        if word == "off":
            await ctx.rooms.deactivate(event.chat)
            await reply(ctx, event, "This chat is no longer registered with me.")
            return
        role = ROLE_WORDS.get(word)
        if role is None:
            await reply(
                ctx,
                event,
                f"/setup needs one of: group, moderators, experts, off (got {word!r}).",
                private=True,
            )
            return
        await ctx.rooms.register(event.chat, role)
        await reply(ctx, event, f"Done: this chat is now {ROLE_NAMES[role]}.")


def create(settings: Settings) -> AdminFeature:
    return AdminFeature(settings)

"""The moderation feature: the gate on every group post, the review card buttons, the commands."""

from __future__ import annotations

from bot.config import ChatRole, Settings
from bot.context import Context
from bot.desks import ModerationDesk
from bot.errors import ConfigError
from bot.feature import AppBuilder
from handlers.moderation import review
from handlers.moderation.attachments import AttachmentReader, Limits
from handlers.moderation.cards import BUTTON_PREFIX
from handlers.moderation.commands import Commands
from handlers.moderation.desk import ModerationConsole
from handlers.moderation.gate import Detectors, ModerationGate
from handlers.moderation.group_settings import MODE_KEY
from handlers.moderation.records import HeldPosts
from handlers.moderation.retention import PURGE_EVERY_SECONDS, purge_originals
from handlers.moderation.stats import moderation_stats


class ModerationFeature:
    name = "moderation"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._detectors = Detectors()
        m = settings.moderation
        # the worker processes start with the first file, not with the bot (tests start many bots)
        self._reader = AttachmentReader(
            Limits(max_pages=m.file_max_pages, seconds=m.file_read_seconds),
            max_bytes=m.file_max_bytes,
            workers=m.file_workers,
        )

    def setup(self, app: AppBuilder) -> None:
        commands = Commands()
        app.router.button(BUTTON_PREFIX, review.press)
        app.router.command(
            "queue", commands.queue, help="held posts waiting for a decision", where="moderators"
        )
        app.router.command(
            "mode",
            commands.mode,
            help="moderation per group: /mode [group] enforce|audit|off",
            where="moderators",
        )
        app.router.command(
            "sensitivity",
            commands.sensitivity,
            help="detector sensitivity per group: /sensitivity [group] low|normal|high",
            where="moderators",
        )
        app.router.command(
            "files",
            commands.unreadable_files,
            help="files the bot cannot read, per group: /files [group] hold|pass",
            where="moderators",
        )
        app.router.command(
            "allow",
            commands.allow,
            help="/allow TERM, /allow staff NAME, /allow domain DOMAIN; /allow alone lists them",
            where="moderators",
        )
        app.router.command(
            "disallow",
            commands.disallow,
            help="remove an allowed term, staff name or domain (same words as /allow)",
            where="moderators",
        )
        app.jobs.every(PURGE_EVERY_SECONDS, "moderation-retention", purge_originals)
        app.stats.append(moderation_stats)

    async def start(self, ctx: Context) -> None:
        if await self._enforcing(ctx):
            try:
                ctx.crypto  # noqa: B018 (raises ConfigError when the key is missing)
            except ConfigError:
                raise ConfigError(
                    "PRACTICEBOT_SECRET_KEY: required when moderation runs in enforce mode "
                    "(held posts are encrypted at rest); set it to a long random string, or set "
                    'moderation.mode = "audit" or "off"'
                ) from None
        self._detectors.warm_up()  # the word lists load on first use: not on a member's post
        ctx.moderation = ModerationGate(HeldPosts(ctx.store), self._detectors, self._reader)
        ctx.services.put(ModerationConsole(), as_type=ModerationDesk)

    async def stop(self, ctx: Context) -> None:
        self._reader.close()

    async def _enforcing(self, ctx: Context) -> bool:
        if self._settings.moderation.mode == "enforce":
            return True
        for platform in ctx.platforms:
            for group in await ctx.rooms.all(platform, ChatRole.PRACTICE_GROUP):
                if (await ctx.rooms.options(group)).get(MODE_KEY) == "enforce":
                    return True
        return False


def create(settings: Settings) -> ModerationFeature:
    return ModerationFeature(settings)

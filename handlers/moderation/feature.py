"""The moderation feature: the gate on every group post, the review card buttons, the commands."""

from __future__ import annotations

import logging

from bot.config import ChatRole, Settings
from bot.context import Context
from bot.errors import ConfigError
from bot.feature import AppBuilder
from handlers.moderation.cards import BUTTON_PREFIX
from handlers.moderation.commands import Commands
from handlers.moderation.gate import Detectors, ModerationGate
from handlers.moderation.group_settings import MODE_KEY
from handlers.moderation.records import HeldPosts
from handlers.moderation.retention import PURGE_EVERY_SECONDS, RetentionPurge
from handlers.moderation.review import Review
from handlers.moderation.stats import ModerationStats

log = logging.getLogger(__name__)


class ModerationFeature:
    name = "moderation"

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._detectors = Detectors()
        self._held: HeldPosts | None = None

    def _records(self, ctx: Context) -> HeldPosts:
        if self._held is None:
            self._held = HeldPosts(ctx.store)
        return self._held

    def setup(self, app: AppBuilder) -> None:
        # Handlers get the repository lazily: the store is known only once the app starts.
        app.router.button(
            BUTTON_PREFIX, lambda event, ctx: Review(self._records(ctx)).press(event, ctx)
        )
        commands = {
            "queue": ("held posts waiting for a decision", "queue"),
            "mode": ("moderation per group: /mode [group] enforce|audit|off", "mode"),
            "sensitivity": (
                "detector sensitivity per group: /sensitivity [group] low|normal|high",
                "sensitivity",
            ),
            "allow": (
                "allow a term, /allow staff NAME, /allow domain DOMAIN; /allow lists them",
                "allow",
            ),
            "disallow": ("remove an allowed term, staff name or domain", "disallow"),
        }
        for name, (help_text, method) in commands.items():
            app.router.command(
                name,
                lambda event, ctx, method=method: getattr(Commands(self._records(ctx)), method)(
                    event, ctx
                ),
                help=help_text,
                where="moderators",
            )
        app.jobs.every(
            PURGE_EVERY_SECONDS,
            "moderation-retention",
            lambda ctx: RetentionPurge(self._records(ctx))(ctx),
        )
        app.stats.append(lambda ctx: ModerationStats(self._records(ctx))(ctx))

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
        self._detectors.warm_up()
        ctx.moderation = ModerationGate(self._records(ctx), self._detectors)

    async def stop(self, ctx: Context) -> None:
        return None

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

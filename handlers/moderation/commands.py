"""Moderators' commands: /queue, /mode, /sensitivity, /allow and /disallow.

With several practice groups, a moderator names the group first, by its number in the `/mode`
list, its title or its chat id: `/mode 2 audit`, `/mode Practice group off`. With one group the
name can be left out: `/mode audit`.
"""

from __future__ import annotations

from bot.config import ChatRole
from bot.context import Context
from bot.errors import ConfigError
from bot.events import Chat, MessagePosted
from bot.replies import reply
from bot.router import command_args
from handlers.moderation.cards import QUEUE_PREVIEW, group_name, shorten, when
from handlers.moderation.group_settings import (
    ALLOW_KEY,
    MODE_KEY,
    MODES,
    SENSITIVITIES,
    SENSITIVITY_KEY,
    UNREADABLE_CHOICES,
    UNREADABLE_KEY,
    edited_allow_lists,
)
from handlers.moderation.records import HeldPosts

QUEUE_LENGTH = 20  # held posts listed by /queue, oldest first
ALLOW_WORDS = {"staff": "staff", "domain": "domains"}
ALLOW_TITLES = {"terms": "terms", "staff": "staff names", "domains": "e-mail domains"}


class Commands:
    async def queue(self, event: MessagePosted, ctx: Context) -> None:
        held = HeldPosts(ctx.store)
        posts = await held.undecided(event.platform, limit=QUEUE_LENGTH)
        if not posts:
            await reply(ctx, event, "No held posts are waiting for a decision.")
            return
        total = await held.count_undecided(event.platform)
        count = "1 held post is" if total == 1 else f"{total} held posts are"
        lines = [f"{count} waiting for a decision:"]
        lines += [
            f"#{p.id} {group_name(p)}, {p.author_name}, {when(p.posted_at)}: "
            f"{shorten(p.preview, QUEUE_PREVIEW)}"
            for p in posts
        ]
        if total > len(posts):
            lines.append(f"… and {total - len(posts)} more; decide these first.")
        await reply(ctx, event, "\n".join(lines))

    async def mode(self, event: MessagePosted, ctx: Context) -> None:
        await self._group_setting(event, ctx, MODE_KEY, MODES, ctx.settings.moderation.mode)

    async def sensitivity(self, event: MessagePosted, ctx: Context) -> None:
        await self._group_setting(
            event, ctx, SENSITIVITY_KEY, SENSITIVITIES, ctx.settings.moderation.sensitivity
        )

    async def unreadable_files(self, event: MessagePosted, ctx: Context) -> None:
        await self._group_setting(
            event,
            ctx,
            UNREADABLE_KEY,
            UNREADABLE_CHOICES,
            ctx.settings.moderation.unreadable_files,
        )

    async def _group_setting(
        self, event: MessagePosted, ctx: Context, key: str, choices: tuple[str, ...], default: str
    ) -> None:
        name = {MODE_KEY: "/mode", UNREADABLE_KEY: "/files"}.get(key, "/sensitivity")
        groups = await ctx.rooms.all(event.platform, ChatRole.PRACTICE_GROUP)
        words = command_args(event.text).split()
        if not words:
            listing = [
                f"{i}. {g.title or g.id}: {(await ctx.rooms.options(g)).get(key, default)}"
                for i, g in enumerate(groups, 1)
            ]
            await reply(
                ctx,
                event,
                f"{name} by group (change with `{name} [group] {'|'.join(choices)}`):\n"
                + ("\n".join(listing) or "no practice groups are registered"),
            )
            return
        value, target = words[-1].lower(), " ".join(words[:-1])
        if value not in choices:
            await reply(ctx, event, f"{name} needs one of {', '.join(choices)}.", private=True)
            return
        group = _pick(groups, target)
        if group is None:
            await reply(
                ctx,
                event,
                f"Which group? Name it by its number, title or id, e.g. `{name} 1 {value}`; "
                f"send {name} to see the list.",
                private=True,
            )
            return
        if key == MODE_KEY and value == "enforce":
            try:
                ctx.crypto  # noqa: B018 (enforce keeps encrypted originals: the key must exist)
            except ConfigError:
                await reply(
                    ctx,
                    event,
                    "Enforce mode needs PRACTICEBOT_SECRET_KEY to encrypt held posts; "
                    "ask the admin to set it and restart the bot.",
                    private=True,
                )
                return
        await ctx.rooms.set_options(group, **{key: value})
        await reply(
            ctx,
            event,
            f"{name.strip('/').capitalize()} for {group.title or group.id} is now {value}.",
        )

    async def allow(self, event: MessagePosted, ctx: Context) -> None:
        await self._edit_allow(event, ctx, add=True)

    async def disallow(self, event: MessagePosted, ctx: Context) -> None:
        await self._edit_allow(event, ctx, add=False)

    async def _edit_allow(self, event: MessagePosted, ctx: Context, *, add: bool) -> None:
        args = command_args(event.text)
        lists = await edited_allow_lists(ctx, event.platform)
        if not args:
            shown = [
                f"{ALLOW_TITLES[kind]}: {', '.join(sorted(values)) or 'none'}"
                for kind, values in lists.items()
            ]
            await reply(
                ctx,
                event,
                "Allowed by the moderators (on top of the settings file): "
                + "; ".join(shown)
                + ". Add with /allow TERM, /allow staff NAME, /allow domain DOMAIN; "
                "remove with /disallow and the same words.",
            )
            return
        first, _, rest = args.partition(" ")
        kind = ALLOW_WORDS.get(first.lower()) if rest.strip() else None
        value = rest.strip() if kind else args.strip()
        kind = kind or "terms"
        if kind == "domains":
            value = value.lower().lstrip("@")
        values = lists[kind]
        if add and value not in values:
            values.append(value)
        elif not add:
            if value not in values:
                await reply(
                    ctx,
                    event,
                    f"{value!r} is not on the list of {ALLOW_TITLES[kind]}.",
                    private=True,
                )
                return
            values.remove(value)
        await ctx.rooms.set_options(event.chat, **{ALLOW_KEY: lists})
        verb = "now allowed" if add else "no longer allowed"
        await reply(
            ctx, event, f"{value!r} is {verb} as one of the {ALLOW_TITLES[kind]} in every group."
        )


def _pick(groups: list[Chat], target: str) -> Chat | None:
    if not target:
        return groups[0] if len(groups) == 1 else None
    if target.isdigit() and 1 <= int(target) <= len(groups):
        return groups[int(target) - 1]
    wanted = target.casefold()
    for group in groups:
        if wanted in {group.id.casefold(), (group.title or "").casefold()}:
            return group
    return None

"""How a chat is moderated: its mode and sensitivity, and the allow-lists it shares.

Which chats are screened (a decision, written down here):
- practice groups: by their mode (`moderation_mode` in the chat's options, else settings.moderation.mode);
- the moderators' room: never held. Moderators discuss held posts there and must be able to quote
  them; the room only ever receives redacted previews from the bot;
- the experts' room and groups not registered with the bot: screened like a practice group with the
  default mode, because practitioners post there too and an answer can quote a case.

Mode and sensitivity are per group. Allow-lists live in the moderators' room's options and apply to
every group that room looks after (a colleague is staff in every group), on top of the settings file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from bot.config import ChatRole, Settings
from bot.context import Context
from bot.events import Chat
from handlers.moderation.detector import DetectorSettings

Mode = Literal["enforce", "audit", "off"]
MODES: tuple[Mode, ...] = ("enforce", "audit", "off")
SENSITIVITIES = ("low", "normal", "high")
MODE_KEY = "moderation_mode"
SENSITIVITY_KEY = "moderation_sensitivity"
UNREADABLE_KEY = "moderation_unreadable_files"
UNREADABLE_CHOICES = ("hold", "pass")
ALLOW_KEY = "moderation_allow"
ALLOW_KINDS = ("terms", "staff", "domains")


@dataclass(frozen=True, slots=True)
class AllowLists:
    terms: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class GroupPolicy:
    mode: Mode
    detector: DetectorSettings
    unreadable: str = "hold"  # a file that cannot be read: held, or let through with a note


def default_allow_lists(settings: Settings) -> AllowLists:
    m = settings.moderation
    return AllowLists(
        frozenset(m.allow_terms), frozenset(m.staff_names), frozenset(m.allowed_email_domains)
    )


async def edited_allow_lists(ctx: Context, platform: str) -> dict[str, list[str]]:
    """The lists moderators added with /allow (without the settings file's)."""
    room = await ctx.rooms.find(platform, ChatRole.MODERATORS)
    if room is None:
        return {kind: [] for kind in ALLOW_KINDS}
    stored = (await ctx.rooms.options(room)).get(ALLOW_KEY) or {}
    return {kind: [str(v) for v in stored.get(kind, [])] for kind in ALLOW_KINDS}


async def allow_lists(ctx: Context, platform: str) -> AllowLists:
    base = default_allow_lists(ctx.settings)
    edited = await edited_allow_lists(ctx, platform)
    return AllowLists(
        base.terms | frozenset(edited["terms"]),
        base.staff | frozenset(edited["staff"]),
        base.domains | frozenset(d.lower() for d in edited["domains"]),
    )


async def policy_for(ctx: Context, chat: Chat) -> GroupPolicy:
    role = await ctx.rooms.role_of(chat)
    if role is ChatRole.MODERATORS:
        return GroupPolicy("off", DetectorSettings())
    options = await ctx.rooms.options(chat)
    mode = options.get(MODE_KEY, ctx.settings.moderation.mode)
    sensitivity = options.get(SENSITIVITY_KEY, ctx.settings.moderation.sensitivity)
    lists = await allow_lists(ctx, chat.platform)
    detector = DetectorSettings(
        sensitivity=str(sensitivity),
        allow_terms=lists.terms,
        staff_names=lists.staff,
        allowed_email_domains=lists.domains,
    )
    unreadable = options.get(UNREADABLE_KEY, ctx.settings.moderation.unreadable_files)
    return GroupPolicy(
        cast(Mode, mode) if mode in MODES else "enforce",
        detector,
        "pass" if unreadable == "pass" else "hold",
    )

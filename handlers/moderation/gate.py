"""The gate every group post and edit passes: hold what identifies a person, tell who needs to know."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.actions import Delete, PrivateNotice, PrivateVia, Send, Update
from bot.config import ChatRole
from bot.context import Context, Redaction
from bot.effects import handling
from bot.errors import ActionNotPermitted, ConfigError
from bot.events import Message, MessageEdited
from handlers.moderation.attachments import AttachmentReader
from handlers.moderation.cards import (
    author_notice,
    card_buttons,
    card_text,
    decision_line,
    file_notice,
    reason_lines_for,
)
from handlers.moderation.detector import Detector, DetectorSettings, describe, redact
from handlers.moderation.detector.findings import Finding
from handlers.moderation.file_screening import UNREADABLE, ScreenedFile, screen_files
from handlers.moderation.group_settings import policy_for
from handlers.moderation.records import HeldFile, HeldPost, HeldPosts, pack

log = logging.getLogger(__name__)


class Detectors:
    """One detector per distinct settings; the recognisers (and their word lists) are shared."""

    def __init__(self) -> None:
        self._shared = Detector()
        self._by_settings: dict[DetectorSettings, Detector] = {}

    def warm_up(self) -> None:
        self._shared.scan("Warm-up: visited Jo Bloggs at 1 High Street, SG1 2AB.")

    def get(self, settings: DetectorSettings) -> Detector:
        found = self._by_settings.get(settings)
        if found is None:
            found = Detector(settings, self._shared.recognisers)
            self._by_settings[settings] = found
        return found


class ModerationGate:
    def __init__(self, held: HeldPosts, detectors: Detectors, reader: AttachmentReader) -> None:
        self._held = held
        self._detectors = detectors
        self._reader = reader

    async def screen(self, event: Message, ctx: Context) -> bool:
        policy = await policy_for(ctx, event.chat)
        if policy.mode == "off":
            return True
        detector = self._detectors.get(policy.detector)
        findings = detector.scan(event.screened_text)
        if isinstance(event, MessageEdited):
            # an edit changes the words: its files were screened with the post
            ctx.metrics.posts_screened.labels("held" if findings else "passed").inc()
            return await self._edited(event, ctx, findings, policy.mode)
        files = (
            await screen_files(self._reader, event.files, detector, ctx.metrics)
            if event.files
            else []
        )
        found = bool(findings) or any(f.pages for f in files)
        unread = [f for f in files if f.unread is not None]
        if not found and unread and policy.unreadable == "pass":
            await self._note_unread(ctx, event, unread)
            unread = []
        held = found or bool(unread)
        ctx.metrics.posts_screened.labels("held" if held else "passed").inc()
        if not held:
            return True  # nothing about a safe post is kept
        await self._hold(event, ctx, findings, policy.mode, files)
        return policy.mode == "audit"

    async def redaction(self, event: Message, ctx: Context) -> Redaction | None:
        """A direct message is not held: what others may see of it has the findings replaced.
        The text alone is redacted (a file sent privately is not forwarded)."""
        policy = await policy_for(ctx, event.chat)
        if policy.mode == "off":
            return None
        findings = self._detectors.get(policy.detector).scan(event.text)
        if not findings:
            return None
        return Redaction(redact(event.text, findings), describe(findings))

    async def _edited(
        self, event: MessageEdited, ctx: Context, findings: list[Finding], mode: str
    ) -> bool:
        open_hold = await self._held.open_for_message(
            event.platform, event.chat.id, event.message_id
        )
        if open_hold is None:
            if not findings:
                return True
            await self._hold(event, ctx, findings, mode)  # an edit that introduces a breach
            return mode == "audit"
        if not findings:
            # The author fixed a post that is still visible (audit, or a platform that cannot
            # delete): the hold is settled by their edit. A removed post stays removed.
            if not open_hold.removed and await self._held.decide(
                open_hold.id, "fixed", event.user.name, ctx.clock.now()
            ):
                ctx.metrics.moderation_decisions.labels("fixed").inc()
                settled = await self._held.get(open_hold.id)
                assert settled is not None
                await self._update_card(ctx, settled)
            return True
        # Still identifying: the hold stays open with the new text; no second card. A removed post
        # is gone already, and a post the bot could not remove will not become removable.
        redacted = redact(event.screened_text, findings)
        await self._held.replace_content(
            open_hold.id,
            types=_types(findings),
            explanations=explanations(findings),
            preview=redacted,
            original=self._encrypt(ctx, event.screened_text, open_hold.mode),
            at=ctx.clock.now(),
        )
        refreshed = await self._held.get(open_hold.id)
        assert refreshed is not None
        if refreshed.mode == "enforce" and not refreshed.removed:
            await ctx.act(
                PrivateNotice(
                    user=event.user,
                    text="Your edit still identifies a person. "
                    + author_notice(refreshed, findings, redacted),
                    context=event.chat,
                    prefer=PrivateVia.DM,
                )
            )
        await self._update_card(
            ctx, refreshed, note="The author edited the post; it still identifies a person."
        )
        return open_hold.mode == "audit"

    async def _hold(
        self,
        event: Message,
        ctx: Context,
        findings: list[Finding],
        mode: str,
        files: Sequence[ScreenedFile] = (),
    ) -> None:
        now = ctx.clock.now()
        removed = mode == "enforce" and await self._remove(ctx, event)
        redacted = redact(event.screened_text, findings)
        file_lines = [line for f in files for line in f.card_lines()]
        post = await self._held_before_a_crash(event) or await self._held.add(
            HeldPost(
                platform=event.platform,
                chat_id=event.chat.id,
                chat_title=event.chat.title,
                message_id=event.message_id,
                thread_id=event.thread_id,
                author_id=event.user.id,
                author_name=event.user.name,
                posted_at=event.time,
                held_at=now,
                mode=mode,
                removed=removed,
                types=_types([*findings, *(x for f in files for x in f.findings)])
                + ([UNREADABLE] if any(f.unread for f in files) else []),
                explanations=explanations(findings)
                + [pair for f in files for pair in explanations(f.findings)],
                preview="\n".join([redacted, *file_lines]),
                original=self._encrypt(ctx, event.screened_text, mode),
            ),
            actor="detector",
            files=self._encrypted_files(ctx, files, mode),
        )
        log.info(
            "post held",
            extra={
                "held_post": post.id,
                "chat": event.chat.key,
                "mode": mode,
                "types": ",".join(post.types),
                "files": len(files),
            },
        )
        if mode == "enforce":
            text = (
                file_notice(post, files, findings)
                if any(f.pages or f.unread for f in files)
                else author_notice(post, findings, redacted)
            )
            await ctx.act(
                PrivateNotice(user=event.user, text=text, context=event.chat, prefer=PrivateVia.DM)
            )
        await self._send_card(ctx, post)

    async def _held_before_a_crash(self, event: Message) -> HeldPost | None:
        """An instance that died while handling this post may have held it already: its re-send
        goes on with that hold (one hold, one card) and sends only what was not sent."""
        effects = handling()
        if effects is None or not effects.retaken:
            return None
        return await self._held.open_for_message(event.platform, event.chat.id, event.message_id)

    @classmethod
    def _encrypted_files(
        cls, ctx: Context, files: Sequence[ScreenedFile], mode: str
    ) -> list[HeldFile]:
        kept = []
        for screened in files:
            content = screened.file.content
            if content is None:
                continue
            try:
                sealed = ctx.crypto.encrypt_bytes(pack(screened.file.name, content))
            except ConfigError:
                if mode == "enforce":
                    raise
                continue  # audit mode without a key keeps no original
            kept.append(HeldFile(mime_type=screened.file.mime_type, content=sealed))
        return kept

    async def _note_unread(
        self, ctx: Context, event: Message, unread: Sequence[ScreenedFile]
    ) -> None:
        """The group lets unreadable files through: the moderators hear of it, nothing is kept."""
        room = await ctx.rooms.find(event.platform, ChatRole.MODERATORS)
        if room is None:
            return
        lines = "\n".join(f"{f.label}: {f.unread}" for f in unread)
        await ctx.act(
            Send(
                chat=room,
                text=f"A post by {event.user.name} in {event.chat.title or event.chat.id} has a "
                "file I could not read; it was let through, as the group's setting says "
                f"(/files):\n{lines}",
            )
        )

    @staticmethod
    async def _remove(ctx: Context, event: Message) -> bool:
        if not ctx.capabilities(event.platform).delete_others:
            return False
        try:
            await ctx.act(Delete(chat=event.chat, message_id=event.message_id))
        except ActionNotPermitted:
            log.warning("could not remove a held post", extra={"chat": event.chat.key})
            return False
        return True

    @staticmethod
    def _encrypt(ctx: Context, text: str, mode: str) -> bytes | None:
        try:
            return ctx.crypto.encrypt(text)
        except ConfigError:
            # Only audit mode runs without a key (enforce refuses to start): keep no original.
            if mode == "enforce":
                raise
            return None

    async def _send_card(self, ctx: Context, post: HeldPost) -> None:
        room = await ctx.rooms.find(post.platform, ChatRole.MODERATORS)
        if room is None:
            log.warning(
                "no moderators' room: the held post waits in /queue", extra={"held_post": post.id}
            )
            return
        result = await ctx.act(
            Send(
                chat=room,
                text=card_text(post, reason_lines_for(post.types, post.explanations)),
                buttons=card_buttons(post),
            )
        )
        if result.message_id is not None:
            await self._held.set_card(post.id, room.id, result.message_id)

    async def _update_card(self, ctx: Context, post: HeldPost, note: str | None = None) -> None:
        await update_card(ctx, post, note)


async def update_card(ctx: Context, post: HeldPost, note: str | None = None) -> None:
    """Show the card's current state: the decision with who and when, or a note on an edit."""
    if post.card_chat_id is None or post.card_message_id is None:
        return
    room = await ctx.rooms.find(post.platform, ChatRole.MODERATORS)
    if room is None or room.id != post.card_chat_id:
        return
    text = card_text(post, reason_lines_for(post.types, post.explanations))
    decided = post.decision is not None
    if note:
        text += f"\n{note}"
    if decided:
        text += f"\n{decision_line(post)}"
    await ctx.act(
        Update(
            chat=room,
            message_id=post.card_message_id,
            text=text,
            buttons=card_buttons(post, decided=decided),
        )
    )


def _types(findings: list[Finding]) -> list[str]:
    return list(dict.fromkeys(f.type for f in sorted(findings, key=lambda f: f.start)))


def explanations(findings: list[Finding]) -> list[list[str]]:
    """Each finding's type and plain-words reason, in the post's order, once each."""
    pairs = dict.fromkeys((f.type, f.reason) for f in sorted(findings, key=lambda f: f.start))
    return [[kind, why] for kind, why in pairs if why]

"""The moderators' buttons: restore, keep removed, keep removed and remind, show original."""

from __future__ import annotations

from bot.actions import Attachment, PrivateNotice, PrivateVia, Send
from bot.config import ChatRole
from bot.context import Context
from bot.crypto import DecryptionFailed
from bot.desks import Outcome
from bot.events import ButtonPressed, Chat, ChatKind, User
from bot.replies import reply
from handlers.moderation.cards import BUTTON_PREFIX, REMINDER, decision_line, when
from handlers.moderation.gate import update_card
from handlers.moderation.records import HeldPost, HeldPosts, unpack

DECISION_ACTIONS = ("restore", "keep", "remind")
CANNOT_DECRYPT = (
    "I cannot decrypt that post: it was held with a key that is no longer in "
    "PRACTICEBOT_SECRET_KEY. Nothing was changed. An admin can give the old key again after the "
    "new one (newest first, comma-separated) and run `python -m bot keys rotate`."
)


async def press(event: ButtonPressed, ctx: Context) -> None:
    """A moderator pressed a card's button (data "mod:<action>:<held post id>")."""
    held = HeldPosts(ctx.store)
    action, _, raw_id = event.data.removeprefix(BUTTON_PREFIX).partition(":")
    post = await held.get(int(raw_id)) if raw_id.isdigit() else None
    if post is None or action not in (*DECISION_ACTIONS, "show"):
        await reply(ctx, event, "That card is no longer active.", private=True)
        return
    if await ctx.rooms.role_of(event.chat) is not ChatRole.MODERATORS:
        await reply(ctx, event, "Only moderators can review held posts.", private=True)
        return
    if action == "show":
        await _show_original(event, ctx, held, post)
    else:
        await _decide(event, ctx, held, post, action)


async def _decide(
    event: ButtonPressed, ctx: Context, held: HeldPosts, post: HeldPost, action: str
) -> None:
    outcome = await decide(ctx, held, post, action, event.user.name)
    if not outcome.ok:
        await reply(ctx, event, outcome.message, private=True)


async def decide(
    ctx: Context, held: HeldPosts, post: HeldPost, action: str, actor: str
) -> Outcome:
    """A decision from a card's button or the web console, with the same effects: recorded once,
    the post restored or the author reminded, and the card in the moderators' room updated."""
    original = None
    files: list[Attachment] = []
    if action == "restore" and post.removed and post.decision is None:
        # Read the original before deciding: a restore that cannot repost must not be recorded.
        try:
            original = ctx.crypto.decrypt(post.original) if post.original is not None else None
            files = await _held_files(ctx, held, post)
        except DecryptionFailed:
            return Outcome(False, CANNOT_DECRYPT)
    if not await held.decide(post.id, action, actor, ctx.clock.now()):
        current = await held.get(post.id)
        assert current is not None and current.decided_at is not None
        return Outcome(
            False,
            f"Held post #{post.id} was already decided by {current.decided_by} at "
            f"{when(current.decided_at)}: {decision_line(current).removeprefix('Decision: ')}",
        )
    ctx.metrics.moderation_decisions.labels(action).inc()
    decided = await held.get(post.id)
    assert decided is not None
    if original is not None:
        await _restore(ctx, decided, original, files)
    if action == "remind":
        await ctx.act(PrivateNotice(user=_author(decided), text=REMINDER, prefer=PrivateVia.DM))
    await update_card(ctx, decided)
    return Outcome(True, decision_line(decided))


async def _held_files(ctx: Context, held: HeldPosts, post: HeldPost) -> list[Attachment]:
    kept = []
    for f in await held.files(post.id):
        if f.content is not None:
            name, content = unpack(ctx.crypto.decrypt_bytes(f.content))
            kept.append(Attachment(name, content, f.mime_type))
    return kept


async def _restore(ctx: Context, post: HeldPost, text: str, files: list[Attachment]) -> None:
    group = Chat(post.platform, post.chat_id, ChatKind.GROUP, post.chat_title)
    await ctx.act(
        Send(
            chat=group,
            text=f"{post.author_name} wrote (restored by the moderators after a check):\n{text}",
            thread_id=post.thread_id,
        )
    )
    for file in files:  # the files of the post go back with it
        await ctx.act(
            Send(
                chat=group,
                text=f"{post.author_name}'s file {file.filename} (restored)",
                thread_id=post.thread_id,
                attachment=file,
            )
        )
    await ctx.act(
        PrivateNotice(
            user=_author(post),
            text=f"Good news: the moderators restored your post in {post.chat_title or post.chat_id}.",
            prefer=PrivateVia.DM,
        )
    )


async def _show_original(
    event: ButtonPressed, ctx: Context, held: HeldPosts, post: HeldPost
) -> None:
    if post.original is None:
        gone = f" on {when(post.purged_at)}" if post.purged_at else ""
        await ctx.act(
            PrivateNotice(
                user=event.user,
                text=f"The original of held post #{post.id} is no longer kept (deleted{gone} "
                "under the retention policy).",
                context=event.chat,
                prefer=PrivateVia.DM,
            )
        )
        return
    try:
        text = ctx.crypto.decrypt(post.original)
        files = await _held_files(ctx, held, post)
    except DecryptionFailed:
        await reply(ctx, event, CANNOT_DECRYPT, private=True)
        return
    await held.log(post.id, "show_original", event.user.name, ctx.clock.now())
    await ctx.act(
        PrivateNotice(
            user=event.user,
            text=f"Original of held post #{post.id} by {post.author_name} (for you only; "
            f"this view is logged):\n{text}",
            context=event.chat,
            prefer=PrivateVia.DM,
        )
    )
    for file in files:  # privately, to the moderator who asked; never in the room
        await ctx.act(
            PrivateNotice(
                user=event.user,
                text=f"File of held post #{post.id}: {file.filename}",
                prefer=PrivateVia.DM,
                attachment=file,
            )
        )


def _author(post: HeldPost) -> User:
    return User(post.platform, post.author_id, post.author_name)

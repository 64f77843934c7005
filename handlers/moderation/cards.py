"""What people read: the author's private note, the moderators' card and its buttons."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.actions import Button
from handlers.moderation.detector import describe, reasons
from handlers.moderation.detector.findings import Finding
from handlers.moderation.file_screening import UNREADABLE, ScreenedFile
from handlers.moderation.records import HeldPost

BUTTON_PREFIX = "mod:"
DECISIONS = {
    "restore": "restored (false alarm)",
    "keep": "kept removed",
    "remind": "kept removed, author reminded of the policy",
    "fixed": "fixed by the author's edit",
}
AUDIT_DECISIONS = {
    "restore": "marked a false alarm",
    "keep": "confirmed as a breach",
    "remind": "confirmed as a breach, author reminded of the policy",
    "fixed": "fixed by the author's edit",
}
WHY = (
    "Why it matters: even in a closed group, details like these let a colleague who knows the "
    "area work out who the post is about, and that person has a right to privacy. Change names "
    "('Mr A', 'a woman in her 80s') and leave out addresses, dates of birth and numbers."
)
REMINDER = (
    "A reminder from the moderators: posts in the practice group must not identify a person who "
    "uses services, their carer or family. Use 'Mr A' or 'a man in his 70s' instead of names, "
    "and leave out addresses, postcodes, dates of birth, phone numbers and NHS or case numbers. "
    "Thank you for keeping the group safe for everyone."
)


CARD_PREVIEW = 600  # characters of a held post on its card
QUEUE_PREVIEW = 120  # on a /queue line


def shorten(text: str, limit: int) -> str:
    """At most about `limit` characters, cut at a word, saying how much was left out."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(None, 1)[0] if " " in text[:limit] else text[:limit]
    return f"{cut}… ({len(text) - len(cut):,} more characters)"


def when(moment: datetime) -> str:
    return moment.strftime("%d %b %Y %H:%M UTC")


def group_name(post: HeldPost) -> str:
    return post.chat_title or post.chat_id


def author_notice(post: HeldPost, findings: list[Finding], redacted: str) -> str:
    found = describe(findings)
    if post.removed:
        opening = (
            f"I removed your post in {group_name(post)} because it contains {found}. "
            "A moderator will look at it."
        )
    else:
        opening = (
            f"Your post in {group_name(post)} contains {found}, and I cannot remove it there: "
            "please delete it now. A moderator will look at it."
        )
    return f"{opening}\nHere is a version you can post instead:\n{redacted}\n{WHY}"


def file_notice(
    post: HeldPost, files: Sequence[ScreenedFile], text_findings: Sequence[Finding] = ()
) -> str:
    """The author's note when a file is why the post was held: what was found where, or why the
    file could not be read; never a version to post instead (a file cannot be redacted here)."""
    where = "I removed your post" if post.removed else "I held your post"
    lines = [f"Its text contains {describe(text_findings)}"] if text_findings else []
    for screened in files:
        if screened.pages:
            places = ", ".join(w for p in screened.pages if (w := screened.where(p.page)))
            lines.append(
                f"{screened.file.name} contains {describe(screened.findings)}"
                + (f" ({places})" if places else "")
            )
        elif screened.unread is not None:
            lines.append(
                f"{screened.file.name}: I {screened.unread}, so I cannot tell whether it "
                "identifies anyone"
            )
    action = (
        "A moderator will look at it."
        if post.removed
        else "I cannot remove it there: please delete it now. A moderator will look at it."
    )
    several = sum(bool(f.pages or f.unread) for f in files) > 1
    opening = f"{where} in {group_name(post)} because of its file" + ("s" if several else "")
    return "\n".join(
        [
            f"{opening}. {action}",
            *lines,
            "Please share only documents and photos with names, addresses and numbers taken out.",
            WHY,
        ]
    )


def _body(post: HeldPost, reason_lines: list[str]) -> str:
    if post.mode == "audit":
        state = "Audit only: the post is still visible in the group."
    elif post.removed:
        state = "The post was removed from the group."
    else:
        state = (
            "I could not remove it: the post is STILL VISIBLE in the group; "
            "the author was asked to delete it."
        )
    lines = [
        f"Held post #{post.id} in {group_name(post)} by {post.author_name} "
        f"at {when(post.posted_at)}. {state}",
        f"Preview: {shorten(post.preview, CARD_PREVIEW)}",
        "Found:",
        *reason_lines,
    ]
    return "\n".join(lines)


def card_text(post: HeldPost, reason_lines: list[str]) -> str:
    return _body(post, reason_lines)


def card_buttons(post: HeldPost, *, decided: bool = False) -> tuple[Button, ...]:
    show = Button("Show original", f"{BUTTON_PREFIX}show:{post.id}")
    if decided:
        return (show,) if post.original is not None else ()
    if post.mode == "audit":
        labels = ("False alarm", "Breach noted", "Breach: remind author")
    else:
        labels = ("Restore", "Keep removed", "Keep removed and remind author")
    decisions = ("restore", "keep", "remind")
    return (
        *(
            Button(label, f"{BUTTON_PREFIX}{d}:{post.id}")
            for label, d in zip(labels, decisions, strict=True)
        ),
        *((show,) if post.original is not None else ()),
    )


def decision_line(post: HeldPost) -> str:
    assert post.decision is not None and post.decided_at is not None
    words = (AUDIT_DECISIONS if post.mode == "audit" else DECISIONS).get(
        post.decision, post.decision
    )
    return f"Decision: {words} by {post.decided_by} at {when(post.decided_at)}."


CARD_WHYS_PER_TYPE = 3


def reason_lines_for(types: list[str], explanations: list[list[str]] | None = None) -> list[str]:
    """One line a type found: what it is, why the detector thought so in plain words ("first
    name in a post about a fall"), and why it matters. The findings' words are never kept."""
    lines = []
    for kind in dict.fromkeys(types):
        if kind == UNREADABLE:
            lines.append(
                "a file I could not read: open it with Show original and decide whether it "
                "identifies anyone"
            )
            continue
        one = [Finding(kind, 0, 1, 1.0, "")]
        whys = list(dict.fromkeys(why for found, why in explanations or [] if found == kind))
        shown = "; ".join(whys[:CARD_WHYS_PER_TYPE])
        if len(whys) > CARD_WHYS_PER_TYPE:
            shown += f"; {len(whys) - CARD_WHYS_PER_TYPE} more"
        said = f" ({shown})" if shown else ""
        lines.append(f"{describe(one)}{said}: {reasons(one)[0]}")
    return lines

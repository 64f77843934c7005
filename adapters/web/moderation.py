"""/console/moderation: the queue of held posts, deciding, "show original", the decisions log."""

from __future__ import annotations

import asyncio
import csv
import io

from aiohttp import web

from adapters.web.access import console_roles
from adapters.web.charts import Chart, Series
from adapters.web.forms import Route, back, day, field, flash, number
from adapters.web.render import download, problem, render
from bot.context import Context
from bot.desks import DecisionFilter, ModerationDesk
from bot.web_access import WebSession

PATH = "/console/moderation"
QUEUE_SHOWN = 50
WEEKS = 12
MIN_REASON = 5
ACTIONS = {
    "restore": "Restore (false alarm)",
    "keep": "Keep removed",
    "remind": "Keep removed and remind author",
}
LOG_ACTIONS = ("held", "restore", "keep", "remind", "fixed", "show_original", "edited", "purged")
DECISION_SERIES = (
    Series("held", "Held"),
    Series("restored", "Restored (false alarm)"),
    Series("kept", "Kept removed"),
)
NOT_TYPES = {"held", "restored", "kept"}


def _desk(ctx: Context) -> ModerationDesk | None:
    return ctx.services.find(ModerationDesk)  # type: ignore[type-abstract]


async def queue(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    if desk is None:
        return problem(404, "Moderation is not installed", "No moderation feature runs here.")
    # each on a connection of its own: the database counts both at once
    (posts, total), weeks = await asyncio.gather(
        desk.queue(ctx, QUEUE_SHOWN), desk.weeks(ctx, WEEKS)
    )
    types = sorted({k for w in weeks for k in w.counts} - NOT_TYPES)
    charts = [
        Chart("decisions", "Held posts and decisions per week", DECISION_SERIES, tuple(weeks)),
        Chart(
            "findings",
            "Findings by type per week",
            tuple(Series(t, t.replace("_", " ").lower()) for t in types),
            tuple(weeks),
        ),
    ]
    return render(
        "moderation.html",
        title="Moderation",
        session=session,
        posts=posts,
        total=total,
        actions=ACTIONS,
        charts=charts,
        **flash(request),
    )


async def decide(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    post_id, action = await number(request, "post"), await field(request, "action")
    if desk is None or post_id is None or action not in ACTIONS:
        return back(PATH, "That decision could not be read.", ok=False)
    outcome = await desk.decide(ctx, post_id, action, session.user)
    return back(PATH, f"Held post #{post_id}: {outcome.message}", ok=outcome.ok)


async def original(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    post_id, reason = await number(request, "post"), await field(request, "reason")
    if desk is None or post_id is None:
        return back(PATH, "That request could not be read.", ok=False)
    if len(reason) < MIN_REASON:
        return back(PATH, "Say why you need to see the original (it is logged).", ok=False)
    outcome = await desk.original(ctx, post_id, session.user, reason)
    if not outcome.ok:
        return back(PATH, outcome.message, ok=False)
    return render(
        "original.html",
        title=f"Original of held post #{post_id}",
        session=session,
        post_id=post_id,
        text=outcome.message,
        reason=reason,
    )


def _filter(request: web.Request, limit: int | None) -> DecisionFilter:
    action = request.query.get("action") or None
    return DecisionFilter(
        action=action if action in LOG_ACTIONS else None,
        actor=request.query.get("actor") or None,
        since=day(request, "since"),
        until=day(request, "until"),
        limit=limit,
    )


async def decisions(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    if desk is None:
        return problem(404, "Moderation is not installed", "No moderation feature runs here.")
    wanted = _filter(request, 200)
    rows = await desk.decisions(ctx, wanted)
    return render(
        "decisions.html",
        title="Decisions log",
        session=session,
        rows=rows,
        wanted=wanted,
        actions=LOG_ACTIONS,
        query=request.query_string,
    )


async def decisions_csv(
    request: web.Request, ctx: Context, session: WebSession
) -> web.StreamResponse:
    desk = _desk(ctx)
    if desk is None:
        return problem(404, "Moderation is not installed", "No moderation feature runs here.")
    rows = await desk.decisions(ctx, _filter(request, None))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("held post", "action", "by", "at (UTC)", "group", "found"))
    for r in rows:
        cells = (
            str(r.held_post_id),
            r.action,
            r.actor,
            r.at.isoformat(),
            r.group,
            " ".join(r.types),
        )
        writer.writerow(["'" + c if c[:1] in "=+-@" else c for c in cells])
    return download(out.getvalue(), "moderation-decisions.csv", "text/csv")


ROUTES: list[Route] = [
    ("GET", PATH, console_roles, queue, False),
    ("POST", f"{PATH}/decide", console_roles, decide, True),
    ("POST", f"{PATH}/original", console_roles, original, True),
    ("GET", f"{PATH}/decisions", console_roles, decisions, False),
    ("GET", f"{PATH}/decisions.csv", console_roles, decisions_csv, False),
]

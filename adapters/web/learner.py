"""/me: a learner's own programmes, CPD log (table, printable, CSV) and badges. Every query is
by the signed-in member: no path or parameter names another learner."""

from __future__ import annotations

from aiohttp import web

from adapters.web.access import anyone
from adapters.web.forms import Route, number
from adapters.web.render import download, problem, render
from bot.context import Context
from bot.desks import LearnerDesk
from bot.web_access import WebSession

PATH = "/me"


def _desk(ctx: Context) -> LearnerDesk | None:
    return ctx.services.find(LearnerDesk)  # type: ignore[type-abstract]


async def page(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    return await _render(ctx, session, "learner.html")


async def printable(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    return await _render(ctx, session, "learner_print.html")


async def _render(
    ctx: Context, session: WebSession, template: str, verified: tuple[int, bool, str] | None = None
) -> web.StreamResponse:
    desk = _desk(ctx)
    if desk is None:
        return problem(404, "Learning is not installed", "No learning feature runs here.")
    record = await desk.record(ctx, session.user)
    return render(
        template,
        title="My learning",
        session=session,
        record=record,
        minutes=sum(r.minutes for r in record.cpd),
        verified=verified,
        today=ctx.clock.now().date(),
    )


async def cpd_csv(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    if desk is None:
        return problem(404, "Learning is not installed", "No learning feature runs here.")
    stamp = ctx.clock.now().strftime("%Y-%m-%d")
    return download(await desk.cpd_csv(ctx, session.user), f"cpd-{stamp}.csv", "text/csv")


async def badge(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    raw = request.query.get("id", "")
    token = await desk.credential(ctx, session.user, int(raw)) if desk and raw.isdigit() else None
    if token is None:
        return problem(404, "No such badge", "That badge is not one of yours.", session=session)
    return download(token, f"badge-{raw}.jwt", "application/jwt")


async def verify(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    badge_id = await number(request, "badge")
    token = (
        await desk.credential(ctx, session.user, badge_id)
        if desk and badge_id is not None
        else None
    )
    if desk is None or badge_id is None or token is None:
        return problem(404, "No such badge", "That badge is not one of yours.", session=session)
    outcome = desk.verify(token)
    return await _render(ctx, session, "learner.html", (badge_id, outcome.ok, outcome.message))


ROUTES: list[Route] = [
    ("GET", PATH, anyone, page, False),
    ("GET", f"{PATH}/print", anyone, printable, False),
    ("GET", f"{PATH}/cpd.csv", anyone, cpd_csv, False),
    ("GET", f"{PATH}/badge", anyone, badge, False),
    ("POST", f"{PATH}/verify", anyone, verify, True),
]

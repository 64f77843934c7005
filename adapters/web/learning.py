"""/console/learning: enrolments, completion by programme and task, reminders, auto-paused
learners, CPD hours, badges; a programme file checked as `programmes check` does."""

from __future__ import annotations

import asyncio

from aiohttp import web

from adapters.web.access import console_roles
from adapters.web.charts import Chart, Series
from adapters.web.forms import Route
from adapters.web.render import problem, render
from bot.context import Context
from bot.desks import LearningDesk
from bot.web_access import WebSession

PATH = "/console/learning"
MAX_UPLOAD = 256 * 1024
WEEKS = 12
TASK_SERIES = (Series("sent", "Tasks sent"), Series("answered", "Answered"))


def _desk(ctx: Context) -> LearningDesk | None:
    return ctx.services.find(LearningDesk)  # type: ignore[type-abstract]


async def overview(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    return await _page(ctx, session)


async def _page(
    ctx: Context, session: WebSession, checked: str | None = None, problems: list[str] | None = None
) -> web.StreamResponse:
    desk = _desk(ctx)
    if desk is None:
        return problem(404, "Learning is not installed", "No learning feature runs here.")
    # each on a connection of its own: the database counts both at once
    overview, weeks = await asyncio.gather(desk.overview(ctx), desk.weeks(ctx, WEEKS))
    return render(
        "learning.html",
        title="Learning",
        session=session,
        overview=overview,
        charts=[Chart("tasks", "Tasks sent and answered per week", TASK_SERIES, tuple(weeks))],
        checked=checked,
        problems=problems or [],
    )


async def check(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    upload = (await request.post()).get("programme")
    if desk is None or not isinstance(upload, web.FileField):
        return await _page(ctx, session, "(no file)", ["Choose a programme file (YAML) to check."])
    raw = upload.file.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        return await _page(ctx, session, upload.filename, ["The file is larger than 256 KB."])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return await _page(ctx, session, upload.filename, ["The file is not UTF-8 text."])
    return await _page(ctx, session, upload.filename, desk.check_programme(text, upload.filename))


ROUTES: list[Route] = [
    ("GET", PATH, console_roles, overview, False),
    ("POST", f"{PATH}/check", console_roles, check, True),
]

"""/console/questions: answered, choices offered, escalated and feedback per week; the questions
most often escalated; draft FAQ entries to approve or discard, as /drafts does."""

from __future__ import annotations

import asyncio

from aiohttp import web

from adapters.web.access import admins, console_roles
from adapters.web.charts import Chart, Series
from adapters.web.forms import Route, back, field, flash, number
from adapters.web.render import problem, render
from bot.context import Context
from bot.desks import QuestionsDesk
from bot.web_access import WebRole, WebSession

PATH = "/console/questions"
WEEKS = 12
MOST_ESCALATED = 10
OUTCOMES = (
    Series("answered", "Answered"),
    Series("choices", "Choices offered"),
    Series("escalated", "Escalated to an expert"),
)
FEEDBACK = (Series("helpful", "Rated helpful"), Series("not_helpful", "Rated not helpful"))


def _desk(ctx: Context) -> QuestionsDesk | None:
    return ctx.services.find(QuestionsDesk)  # type: ignore[type-abstract]


async def overview(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    desk = _desk(ctx)
    if desk is None:
        return problem(404, "Questions are not installed", "No questions feature runs here.")
    # each on a connection of its own: the database counts them at once
    week_list, escalated, drafts = await asyncio.gather(
        desk.weeks(ctx, WEEKS), desk.most_escalated(ctx, MOST_ESCALATED), desk.drafts(ctx)
    )
    weeks = tuple(week_list)
    return render(
        "questions.html",
        title="Questions",
        session=session,
        charts=[
            Chart("outcomes", "Questions per week, by outcome", OUTCOMES, weeks),
            Chart("feedback", "Feedback per week", FEEDBACK, weeks),
        ],
        escalated=escalated,
        drafts=drafts,
        can_decide=session.role is WebRole.ADMIN,
        **flash(request),
    )


async def decide_draft(
    request: web.Request, ctx: Context, session: WebSession
) -> web.StreamResponse:
    desk = _desk(ctx)
    draft_id, verdict = await number(request, "draft"), await field(request, "verdict")
    if desk is None or draft_id is None or verdict not in ("approve", "discard"):
        return back(PATH, "That decision could not be read.", ok=False)
    outcome = await desk.decide_draft(ctx, draft_id, verdict == "approve", session.user)
    return back(PATH, outcome.message, ok=outcome.ok)


ROUTES: list[Route] = [
    ("GET", PATH, console_roles, overview, False),
    # as in chat, only the bot's admins approve or discard drafts
    ("POST", f"{PATH}/draft", admins, decide_draft, True),
]

"""The console's paths on the HTTP port, and sign-in and sign-out."""

from __future__ import annotations

import secrets

from aiohttp import web

from adapters.http_port import HttpPort
from adapters.web import learner, learning, moderation, questions
from adapters.web.access import (
    SESSION_COOKIE,
    SIGN_IN_COOKIE,
    Handler,
    anyone,
    current,
    guarded,
    open_session,
    set_cookie,
    sign_in_first,
)
from adapters.web.render import SECURITY_HEADERS, problem, render, stylesheet
from bot.context import Context
from bot.web_access import LINK_MINUTES, WebAccess, WebSession

USED = (
    "This sign-in link has been used already or has expired (links work once, within "
    f"{LINK_MINUTES} minutes). Ask the bot for a new one: /console or /mycpd."
)


def mount_console(port: HttpPort, ctx: Context) -> None:
    port.mount("GET", "/console/style.css", stylesheet)
    port.mount("GET", "/signin", _sign_in_page(ctx))
    port.mount("POST", "/signin", _sign_in(ctx))
    port.mount("POST", "/signout", guarded(ctx, anyone, _sign_out, form=True))
    port.mount("GET", "/console", _home(ctx))
    port.mount("GET", "/", _home(ctx))
    for routes in (moderation.ROUTES, questions.ROUTES, learning.ROUTES, learner.ROUTES):
        for method, path, allowed, page, form in routes:
            port.mount(method, path, guarded(ctx, allowed, page, form=form))


def _see_other(location: str) -> web.Response:
    headers = dict(SECURITY_HEADERS)
    headers["Location"] = location
    return web.Response(status=303, headers=headers)


def _landing(session: WebSession) -> str:
    return "/console/moderation" if session.role.runs_console else "/me"


def _home(ctx: Context) -> Handler:
    async def home(request: web.Request) -> web.StreamResponse:
        session = await current(request, ctx)
        if session is None:
            return sign_in_first()
        return _see_other(_landing(session))

    return home


def _sign_in_page(ctx: Context) -> Handler:
    """GET shows a button rather than signing in: a link previewer that fetches the URL (chat
    apps do) must not use up the link."""

    async def page(request: web.Request) -> web.StreamResponse:
        token = request.query.get("t", "")
        if not token or not await WebAccess(ctx.store, ctx.clock).is_open(token):
            return problem(403, "Link refused", USED)
        csrf = secrets.token_urlsafe(24)
        response = render("signin.html", title="Sign in", token=token, csrf=csrf)
        set_cookie(response, request, ctx, SIGN_IN_COOKIE, csrf, LINK_MINUTES * 60)
        return response

    return page


def _sign_in(ctx: Context) -> Handler:
    async def sign_in(request: web.Request) -> web.StreamResponse:
        data = await request.post()
        csrf, token = data.get("csrf"), data.get("t")
        expected = request.cookies.get(SIGN_IN_COOKIE)
        if not (isinstance(csrf, str) and expected and secrets.compare_digest(csrf, expected)):
            return problem(403, "Form refused", "This form came without its security token.")
        redeemed = await WebAccess(ctx.store, ctx.clock).redeem(
            token if isinstance(token, str) else ""
        )
        if redeemed is None:
            return problem(403, "Link refused", USED)
        session_token, session = redeemed
        response = _see_other(_landing(session))
        open_session(response, request, ctx, session_token)
        response.del_cookie(SIGN_IN_COOKIE, path="/")
        return response

    return sign_in


async def _sign_out(request: web.Request, ctx: Context, session: WebSession) -> web.StreamResponse:
    token = request.cookies.get(SESSION_COOKIE, "")
    await WebAccess(ctx.store, ctx.clock).end(token)
    response = render("problem.html", title="Signed out", detail="You are signed out.")
    response.del_cookie(SESSION_COOKIE, path="/")
    return response

"""Who is asking: the session cookie, the role a page needs, and the CSRF token of every form.

Security checks live here, as middleware around each page: a page handler is only called with
a live session whose role may see it, and for a form, with its CSRF token matched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from adapters.web.render import problem
from bot.context import Context
from bot.web_access import SESSION_HOURS, WebAccess, WebRole, WebSession

SESSION_COOKIE = "pb_session"
SIGN_IN_COOKIE = "pb_sign_in"  # the sign-in form's own CSRF token, before there is a session

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Page = Callable[[web.Request, Context, WebSession], Awaitable[web.StreamResponse]]
Allowed = Callable[[WebRole], bool]


def console_roles(role: WebRole) -> bool:
    return role.runs_console


def admins(role: WebRole) -> bool:
    return role is WebRole.ADMIN


def anyone(role: WebRole) -> bool:
    return True


def secure(request: web.Request, ctx: Context) -> bool:
    """Behind HTTPS (here, at a proxy, or by the public address): cookies get Secure."""
    url = ctx.settings.web.public_url or ""
    forwarded = request.headers.get("X-Forwarded-Proto", "")
    return request.secure or forwarded == "https" or url.startswith("https://")


def set_cookie(
    response: web.StreamResponse,
    request: web.Request,
    ctx: Context,
    name: str,
    value: str,
    max_age: int,
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=secure(request, ctx),
    )


def open_session(
    response: web.StreamResponse, request: web.Request, ctx: Context, token: str
) -> None:
    set_cookie(response, request, ctx, SESSION_COOKIE, token, SESSION_HOURS * 3600)


async def current(request: web.Request, ctx: Context) -> WebSession | None:
    """The signed-in member, or None. An admin session ends as soon as the member is no longer
    in bot.admins (the settings are read again on every request)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    session = await WebAccess(ctx.store, ctx.clock).session(token)
    if session is not None and session.role is WebRole.ADMIN:
        if not ctx.settings.is_admin(session.user.key):
            return None
    return session


def sign_in_first() -> web.Response:
    """What a page says to someone without a session: how to get a sign-in link."""
    return problem(
        401,
        "Please sign in",
        "Send /console to the bot (admins; moderators in the moderators' room) or "
        "/mycpd (your own learning page) for a sign-in link.",
    )


def guarded(ctx: Context, allowed: Allowed, page: Page, *, form: bool = False) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        session = await current(request, ctx)
        if session is None:
            return sign_in_first()
        if not allowed(session.role):
            return problem(
                403,
                "Not for your role",
                f"You are signed in as a {session.role.value}; this page is not open to you.",
                session=session,
            )
        if form:
            data = await request.post()
            given = data.get("csrf")
            if not session.csrf_matches(given if isinstance(given, str) else None):
                return problem(
                    403,
                    "Form refused",
                    "This form came without its security token (or with an old one). Go back, "
                    "reload the page and send it again.",
                    session=session,
                )
        return await page(request, ctx, session)

    return handler

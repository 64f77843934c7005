"""Reading what a form or a query string sent, and the routes' shape."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from adapters.web.access import Allowed, Page
from adapters.web.render import SECURITY_HEADERS

Route = tuple[str, str, Allowed, Page, bool]  # method, path, who, page, is a form


async def field(request: web.Request, name: str) -> str:
    value = (await request.post()).get(name)
    return value.strip() if isinstance(value, str) else ""


async def number(request: web.Request, name: str) -> int | None:
    value = await field(request, name)
    return int(value) if value.isdigit() else None


def day(request: web.Request, name: str) -> date | None:
    try:
        return date.fromisoformat(request.query.get(name, ""))
    except ValueError:
        return None


def back(path: str, message: str, ok: bool = True) -> web.Response:
    """After a form: back to the page, with what happened (Post/Redirect/Get)."""
    headers = dict(SECURITY_HEADERS)
    headers["Location"] = f"{path}?{urlencode({'msg': message, 'ok': '1' if ok else '0'})}"
    return web.Response(status=303, headers=headers)


def flash(request: web.Request) -> dict[str, Any]:
    return {"message": request.query.get("msg"), "ok": request.query.get("ok") != "0"}

"""Templates and the headers every console response carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
STYLE = (TEMPLATES / "style.css").read_text(encoding="utf-8")

# Nothing from elsewhere: no scripts at all, styles and images only from this origin or inline SVG.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # a sign-in link's token never leaves in a Referer
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(name: str, status: int = 200, **values: Any) -> web.Response:
    body = _env.get_template(name).render(**values)
    return web.Response(
        text=body,
        status=status,
        content_type="text/html",
        charset="utf-8",
        headers=SECURITY_HEADERS,
    )


def problem(status: int, title: str, detail: str, **values: Any) -> web.Response:
    return render("problem.html", status=status, title=title, detail=detail, **values)


def download(body: str, name: str, content_type: str) -> web.Response:
    headers = dict(SECURITY_HEADERS)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return web.Response(text=body, content_type=content_type, charset="utf-8", headers=headers)


async def stylesheet(request: web.Request) -> web.Response:
    headers = dict(SECURITY_HEADERS)
    headers["Cache-Control"] = "max-age=3600"
    return web.Response(text=STYLE, content_type="text/css", headers=headers)

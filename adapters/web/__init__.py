"""The web console on the bot's own HTTP port: /console/* for admins and moderators, /me for
each learner. Server-rendered (Jinja2), charts drawn here as SVG, nothing fetched from outside.

It knows no feature: each page asks ctx.services for the desk (bot/desks.py) its feature put
there, and a page whose feature is not installed says so.
"""

from adapters.web.routes import mount_console

__all__ = ["mount_console"]

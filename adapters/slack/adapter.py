"""The Slack adapter: slack-bolt's AsyncApp receives (Socket Mode or HTTP), slack_sdk sends."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.connecting import Backoff, Connector, Details
from adapters.http_port import HttpPort
from adapters.slack import inbound
from adapters.slack.errors import translated
from adapters.slack.files import SlackFiles
from adapters.slack.outbound import Outbound
from adapters.slack.pacing import ChannelPacer
from adapters.web import mount_console
from bot.actions import Action, Result
from bot.adapter import Capabilities, EventSink, Probe
from bot.context import Context
from bot.errors import ConfigError, PlatformError, SendAgain
from bot.events import Event, MessagePosted

log = logging.getLogger(__name__)


class _RetriesAreOurs(logging.Filter):
    """slack_sdk logs each of its own quick retries of a failed connection; while Slack cannot be
    reached, adapters.connecting says so once a try, in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A retry handler found")


_SDK_LOG = logging.getLogger("slack_sdk.web.async_base_client")
if not any(isinstance(f, _RetriesAreOurs) for f in _SDK_LOG.filters):
    _SDK_LOG.addFilter(_RetriesAreOurs())

EVENTS_PATH = "/slack/events"
# Slack wants an answer within 3 seconds. An event is handled before the answer when it can be;
# one that takes longer is answered once it is recorded, and handled after.
ANSWER_WITHIN = 2.5
NAME_WITHIN = 0.5  # a display name is a courtesy: never worth Slack's deadline


class SlackAdapter:
    platform = inbound.PLATFORM

    def __init__(
        self,
        bot_token: str,
        *,
        signing_secret: str | None = None,
        app_token: str | None = None,
        admin_token: str | None = None,
        api_url: str | None = None,
        port: int = 3000,
        host: str = "0.0.0.0",
        pacer: ChannelPacer | None = None,
        ping_interval: float = 10,
        drain_seconds: float = 30,
        backoff: Backoff | None = None,
        file_max_bytes: int = 20_000_000,
    ) -> None:
        if signing_secret is None and app_token is None:
            raise ValueError("Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET")
        # slack_sdk joins the method name onto base_url, which must end in a slash
        base_url = (api_url.rstrip("/") + "/") if api_url else AsyncWebClient.BASE_URL
        self.client = AsyncWebClient(token=bot_token, base_url=base_url)
        self._api_host = urlsplit(base_url).netloc or base_url
        self._backoff = backoff or Backoff()
        self._connector: Connector | None = None
        admin = AsyncWebClient(token=admin_token, base_url=base_url) if admin_token else None
        # Without an admin's user token Slack lets a bot delete only its own messages.
        self.capabilities = Capabilities(
            delete_others=admin is not None, ephemeral=True, threads=True, buttons=True, edit=True
        )
        self._signing_secret = signing_secret
        self._app_token = app_token
        self._ping_interval = ping_interval
        self._drain_seconds = drain_seconds
        self._outbound = Outbound(self.client, admin, pacer or ChannelPacer())
        self._files = SlackFiles(self.client, bot_token, file_max_bytes)
        self._sink: EventSink | None = None
        self._bot_user_id = ""
        self._names: dict[str, str] = {}
        self._socket: AsyncSocketModeHandler | None = None
        self._bolt_app: AsyncApp | None = None
        # one port for the Events API (HTTP mode) and the operators' endpoints (either mode)
        self._http = HttpPort.at(host, port)
        if app_token is None:
            self._http.mount("POST", EVENTS_PATH, self._events)
        # Events acked to Slack but still in the core: Slack will not send them again, so stop()
        # lets them finish before the app closes the store under them.
        self._in_flight = 0
        self._idle = asyncio.Condition()

    @property
    def connected(self) -> bool:
        return self._connector is not None and self._connector.connected

    @property
    def bound_port(self) -> int | None:
        return self._http.bound_port

    def serve_operators(self, probe: Probe) -> None:
        self._http.serve_operators(probe)

    def serve_console(self, ctx: Context) -> None:
        mount_console(self._http, ctx)

    async def start(self, sink: EventSink) -> None:
        """Connects, or (Slack unreachable) says so in one line and keeps trying meanwhile."""
        self._sink = sink
        await self._http.start()  # health answers while Slack is still being reached
        self._connector = Connector(
            "slack", self._api_host, self._connect, _unreachable, self._backoff
        )
        try:
            await self._connector.start()
        except BaseException:
            await self._http.stop()
            raise

    async def _connect(self) -> Details:
        try:
            with translated():
                me = await self.client.auth_test()  # a wrong token fails here, loudly
        except PlatformError as exc:
            if str(exc).removeprefix("slack: ") in _TOKEN_REFUSED:
                raise ConfigError(f"SLACK_BOT_TOKEN: Slack refused it ({exc})") from None
            raise
        self._bot_user_id = str(me.get("user_id") or "")
        bolt = self._bolt(me)
        if self._app_token is not None:
            # slack_sdk's client reconnects by itself: at once when Slack closes the socket,
            # and after four silent ping intervals when the connection goes stale.
            socket = AsyncSocketModeHandler(
                bolt, self._app_token, web_client=self.client, ping_interval=self._ping_interval
            )
            try:
                await socket.connect_async()  # type: ignore[no-untyped-call]
            except BaseException:
                await socket.close_async()  # type: ignore[no-untyped-call]
                raise
            self._socket = socket
        else:
            self._bolt_app = bolt
        return {"mode": "socket" if self._socket else "http", "port": self.bound_port}

    def _bolt(self, me: Any) -> AsyncApp:
        bolt = AsyncApp(
            client=self.client,
            # Socket Mode needs no signature: the connection itself is authenticated.
            signing_secret=self._signing_secret or "",
            request_verification_enabled=self._signing_secret is not None,
            # ignoring_self_events (on by default) drops the bot's own posts before any listener.
            # Our listeners answer (ack) themselves, once the event is recorded: a 200 for an
            # event the database could not record would be an event lost.
            process_before_response=True,
        )
        bolt.error(self._on_error)
        bolt.event("message")(self._on_message)
        bolt.event("app_mention")(self._on_message)
        bolt.command(inbound.SLASH_COMMAND)(self._on_command)
        bolt.action(re.compile(r"^practicebot:"))(self._on_button)  # our buttons only
        return bolt

    async def _events(self, request: web.Request) -> web.Response:
        # Bolt checks the v0 signature first (401 for a forged or stale request), then runs our
        # listener, which answers once the event is recorded (see ANSWER_WITHIN).
        bolt = self._bolt_app
        if bolt is None or self._sink is None:
            return web.Response(status=503, text="not connected to Slack yet")
        body = await request.text()
        answer = await bolt.async_dispatch(
            AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
        )
        headers = {k: v[0] for k, v in answer.headers.items() if v and k != "content-length"}
        return web.Response(status=answer.status, body=answer.body, headers=headers)

    async def _on_error(self, error: Exception) -> BoltResponse | None:
        if isinstance(error, SendAgain):
            # Slack sends it again (retries for events; a person presses again for the rest)
            return BoltResponse(status=503, body="not recorded; send it again")
        log.error("slack listener failed", exc_info=error)
        return None

    async def stop(self) -> None:
        if self._connector is not None:
            await self._connector.stop()
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        self._bolt_app = None
        await self._http.stop()
        try:
            async with asyncio.timeout(self._drain_seconds), self._idle:
                await self._idle.wait_for(lambda: self._in_flight == 0)
        except TimeoutError:
            log.warning("slack stopped with events still in the core", extra={"n": self._in_flight})
        self._sink = None

    async def perform(self, action: Action) -> Result:
        return await self._outbound.perform(action)

    async def _deliver(self, event: Event | None) -> None:
        if event is None or self._sink is None:
            return
        self._in_flight += 1
        try:
            await self._sink(event, answer_within=ANSWER_WITHIN)
        finally:
            async with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    async def _name(self, user_id: str) -> str:
        name = self._names.get(user_id)
        if name is None:
            try:
                async with asyncio.timeout(NAME_WITHIN):
                    with translated():
                        info = await self.client.users_info(user=user_id)
                user = info["user"]
                profile = user.get("profile") or {}
                name = str(profile.get("display_name") or user.get("name") or user_id)
            except Exception:  # a name is a courtesy; the post still goes through
                log.warning("slack users.info failed", extra={"user": user_id})
                return user_id
            self._names[user_id] = name
        return name

    # Each listener acknowledges after _deliver: SendAgain from it skips the ack, and _on_error
    # answers 503 instead.

    async def _on_message(self, ack: AsyncAck, event: dict[str, Any]) -> None:
        author = event.get("user") or (event.get("message") or {}).get("user")
        if author and author != self._bot_user_id:
            name = await self._name(str(author))
            message = inbound.message_event(event, self._bot_user_id, name)
            shared = event.get("files") or []
            if isinstance(message, MessagePosted) and shared:
                # the core screens what is inside a file, not only its name
                message = replace(message, files=await self._files.fetch(list(shared)))
            await self._deliver(message)
        await ack()

    async def _on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await self._deliver(inbound.command_event(body))
        await ack()  # an empty 200: Slack shows nothing; the answer comes as a message

    async def _on_button(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        for pressed in inbound.button_events(body):
            await self._deliver(pressed)
        await ack()


# auth.test's answers that no retry will change: the token is wrong, revoked or disabled
_TOKEN_REFUSED = {
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
}


def _unreachable(exc: BaseException) -> bool:
    return isinstance(exc, aiohttp.ClientError | TimeoutError)

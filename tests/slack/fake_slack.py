"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that the real slack_sdk client talks to.

It answers the methods the adapter uses, remembers every request and every message, and can be
told to answer `ratelimited` (HTTP 429 with Retry-After) or `cant_delete_message`."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-test-bot"
ADMIN_TOKEN = "xoxp-test-admin"
APP_TOKEN = "xapp-test-app"
BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0TEAM"


@dataclass
class Call:
    method: str
    token: str
    params: dict[str, Any]
    status: int = 200


@dataclass
class FakeSlack:
    users: dict[str, str] = field(default_factory=dict)  # id -> display name
    calls: list[Call] = field(default_factory=list)
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    # method -> how many of the next calls answer 429, and the Retry-After they carry
    ratelimit: dict[str, int] = field(default_factory=dict)
    retry_after: int = 1
    members_posts: set[tuple[str, str]] = field(default_factory=set)
    socket_url: str | None = None
    # files shared by members: id -> (name, mimetype, bytes), served at url_private to the bot
    files: dict[str, tuple[str, str, bytes]] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    files_scope: bool = True  # False: an app installed before it asked for files:read
    # files the bot uploaded (files_upload_v2): upload id -> bytes, then completed into a channel
    uploads: dict[str, bytes] = field(default_factory=dict)
    shared_uploads: list[dict[str, Any]] = field(default_factory=list)
    # Socket Mode: every connection the bot opened, and the envelope ids it acknowledged
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_acks: list[str] = field(default_factory=list)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    async def start(self, port: int = 0) -> None:
        """Serve on `port` (a free one by default; a given one to come up where a bot waits)."""
        server = web.Application()
        server.router.add_post("/api/{method}", self._answer)
        server.router.add_get("/api/{method}", self._answer)
        server.router.add_get("/socket", self._socket)
        server.router.add_get("/files-pri/{file_id}/{name}", self._download)
        server.router.add_post("/upload/{upload_id}", self._receive_upload)
        self._runner = web.AppRunner(server, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.socket_url = f"ws://127.0.0.1:{self.port}/socket"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def member_post(self, channel: str, ts: str, user: str, text: str) -> None:
        """A post a member made: only an admin's user token may delete it."""
        self.messages[(channel, ts)] = {"user": user, "text": text, "ts": ts}
        self.members_posts.add((channel, ts))

    def posted(self, channel: str) -> list[dict[str, Any]]:
        """What the bot has in a channel now (after updates and deletions), oldest first."""
        return [
            m
            for (c, _), m in sorted(self.messages.items(), key=lambda i: float(i[0][1]))
            if c == channel and m.get("user") == BOT_USER
        ]

    def texts(self, channel: str) -> list[str]:
        return [m["text"] for m in self.posted(channel)]

    def of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]

    async def _answer(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        else:
            params.update(await request.post())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        call = Call(method, token, params)
        self.calls.append(call)
        if self.ratelimit.get(method, 0) > 0:
            self.ratelimit[method] -= 1
            call.status = 429
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        if token not in (BOT_TOKEN, ADMIN_TOKEN, APP_TOKEN):
            return web.json_response({"ok": False, "error": "invalid_auth"})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(handler(token, params))

    async def _download(self, request: web.Request) -> web.Response:
        """url_private: only with a token in the Authorization header, as on Slack."""
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        file_id = request.match_info["file_id"]
        if token not in (BOT_TOKEN, ADMIN_TOKEN) or file_id not in self.files:
            return web.Response(status=404)
        self.downloads.append(file_id)
        _name, mimetype, content = self.files[file_id]
        return web.Response(body=content, content_type=mimetype)

    async def _receive_upload(self, request: web.Request) -> web.Response:
        upload_id = request.match_info["upload_id"]
        if upload_id not in self.uploads:
            return web.Response(status=404)
        self.uploads[upload_id] = await request.read()
        return web.Response(text="OK - 200")

    def _files_getUploadURLExternal(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        upload_id = f"F0UP{next(self._ts)}"
        self.uploads[upload_id] = b""
        url = f"http://127.0.0.1:{self.port}/upload/{upload_id}"
        return {"ok": True, "upload_url": url, "file_id": upload_id}

    def _files_completeUploadExternal(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        files = p["files"] if isinstance(p["files"], list) else json.loads(p["files"])
        for f in files:
            self.shared_uploads.append(
                {
                    "channel": p.get("channel_id"),
                    "comment": p.get("initial_comment"),
                    "title": f.get("title"),
                    "content": self.uploads[f["id"]],
                }
            )
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _files_info(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        if not self.files_scope:
            return {"ok": False, "error": "missing_scope", "needed": "files:read"}
        file_id = str(p.get("file"))
        if file_id not in self.files:
            return {"ok": False, "error": "file_not_found"}
        name, mimetype, content = self.files[file_id]
        url = f"http://127.0.0.1:{self.port}/files-pri/{file_id}/{name}"
        return {
            "ok": True,
            "file": {
                "id": file_id,
                "name": name,
                "mimetype": mimetype,
                "size": len(content),
                "url_private": url,
            },
        }

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": 1})
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                envelope = json.loads(message.data)
                self.socket_acks.append(str(envelope.get("envelope_id")))
        return ws

    async def push_socket(self, payload: dict[str, Any], kind: str = "events_api") -> str:
        """Slack hands an event to the bot's newest open connection."""
        envelope_id = f"env-{next(self._ts)}"
        await self.sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": 0,
                "retry_reason": "",
            }
        )
        return envelope_id

    async def drop_socket(self) -> None:
        """Slack closes the connection (it does so every few hours, and on deploys)."""
        await self.sockets[-1].close()

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _auth_test(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM, "user": "pb"}

    def _users_info(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("user"))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        name = self.users[user]
        return {"ok": True, "user": {"id": user, "name": name, "profile": {"display_name": name}}}

    def _conversations_open(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("users"))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "channel": {"id": f"D{user}"}}

    def _chat_postMessage(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        channel = str(p["channel"])
        if channel.startswith("CGONE"):
            return {"ok": False, "error": "channel_not_found"}
        ts = self._next_ts()
        message = {"user": BOT_USER, "bot_id": BOT_ID, "ts": ts, **_message_fields(p)}
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_postEphemeral(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        self.ephemerals.append({"channel": p["channel"], "user": p["user"], **_message_fields(p)})
        return {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        key = (str(p["channel"]), str(p["ts"]))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        if key in self.members_posts:
            return {"ok": False, "error": "cant_update_message"}
        self.messages[key].update(_message_fields(p))
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _chat_delete(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        key = (str(p["channel"]), str(p["ts"]))
        if key not in self.messages:
            return {"ok": False, "error": "message_not_found"}
        if key in self.members_posts and token != ADMIN_TOKEN:
            return {"ok": False, "error": "cant_delete_message"}
        del self.messages[key]
        return {"ok": True, "channel": key[0], "ts": key[1]}

    def _apps_connections_open(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        if token != APP_TOKEN or self.socket_url is None:
            return {"ok": False, "error": "invalid_auth"}
        return {"ok": True, "url": self.socket_url}


def _message_fields(p: dict[str, Any]) -> dict[str, Any]:
    blocks = p.get("blocks")
    if isinstance(blocks, str):  # form-encoded calls carry blocks as a JSON string
        blocks = json.loads(blocks)
    fields: dict[str, Any] = {"text": p.get("text", "")}
    if blocks is not None:
        fields["blocks"] = blocks
    if p.get("thread_ts"):
        fields["thread_ts"] = p["thread_ts"]
    return fields


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or () if b["type"] == "actions" for e in b["elements"]]

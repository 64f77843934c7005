"""A local fake Telegram Bot API: a real HTTP server on 127.0.0.1 speaking the Bot API's JSON.

Point python-telegram-bot at `fake.api_url` (TELEGRAM_API_URL). It records every request, keeps
an update queue with getUpdates offset semantics, and can be told to refuse: 429 with
retry_after, "message can't be deleted", "chat not found", a migrated group, a member who never
opened a DM.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-token-for-the-fake"
BOT_ID = 123456
BOT_USERNAME = "PracticeTestBot"
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Practice Bot", "username": BOT_USERNAME}

# Form fields PTB sends as JSON; all others are plain strings (text, url, secret_token...).
_JSON_FIELDS = {
    "chat_id", "user_id", "message_id", "offset", "limit", "timeout", "reply_markup",
    "reply_parameters", "allowed_updates", "commands", "message_thread_id",
    "drop_pending_updates", "show_alert", "scope",
}  # fmt: skip


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class Refusal:
    status: int
    description: str
    parameters: dict[str, Any] | None = None


class ApiError(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.description)
        self.refusal = refusal


@dataclass
class FakeBotAPI:
    calls: list[Call] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    admins_who_can_delete: set[int] = field(default_factory=set)
    dm_opened: set[int] = field(default_factory=set)
    migrated: dict[int, int] = field(default_factory=dict)
    undeletable: set[tuple[int, int]] = field(default_factory=set)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    webhook: dict[str, Any] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by scope type
    # method -> refusals to give, one per call, before answering normally
    refusals: dict[str, list[Refusal]] = field(default_factory=dict)
    # method -> (requests allowed, per seconds): beyond that, 429 with retry_after
    flood: dict[str, tuple[int, float]] = field(default_factory=dict)
    flood_retry_after: int = 1
    answered_queries: list[str] = field(default_factory=list)
    # file_id -> bytes of a document or photo members posted, for getFile and its download
    files: dict[str, bytes] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _confirmed: int = 0
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))
    _message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(5001))
    _runner: web.AppRunner | None = None
    _closing: bool = False
    port: int = 0

    # ---- the test's side ----------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_chat(self, chat: Mapping[str, Any]) -> None:
        self.chats[int(chat["id"])] = dict(chat)

    def push(self, update: Mapping[str, Any]) -> int:
        """Queue an Update (without update_id); returns the update_id it was given."""
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        self._arrived.set()
        return update_id

    def refuse(self, method: str, status: int, description: str, **parameters: Any) -> None:
        self.refusals.setdefault(method, []).append(
            Refusal(status, description, parameters or None)
        )

    def pending_update_ids(self) -> list[int]:
        """Updates Telegram still holds: not yet confirmed by a getUpdates with a higher offset."""
        return [u["update_id"] for u in self._updates if u["update_id"] >= self._confirmed]

    def called(self, method: str) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == method]

    def sent_to(self, chat_id: int) -> list[str]:
        """Texts (or captions) the bot got into a chat, in order; refused sends do not count."""
        return [
            str(p.get("text", p.get("caption", "")))
            for c in self.calls
            if c.method in ("sendMessage", "sendDocument")
            for p in [c.params]
            if p.get("_ok") and int(p["chat_id"]) == chat_id
        ]

    # ---- the server ---------------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        """Serve on `port` (a free one by default; a given one to come up where a bot waits)."""
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._endpoint)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing = True
        self._arrived.set()  # let a held getUpdates return now, not at its timeout
        if self._runner is not None:
            await self._runner.cleanup()

    async def _download(self, request: web.Request) -> web.Response:
        """https://api.telegram.org/file/bot<token>/<file_path>, as getFile names it."""
        file_id = request.match_info["path"].rsplit("/", 1)[-1]
        if request.match_info["token"] != TOKEN or file_id not in self.files:
            return web.Response(status=404)
        self.downloads.append(file_id)
        return web.Response(body=self.files[file_id])

    async def _api_getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id"))
        if file_id not in self.files:
            raise ApiError(Refusal(400, "Bad Request: invalid file_id"))
        return {
            "file_id": file_id,
            "file_unique_id": f"u-{file_id}",
            "file_size": len(self.files[file_id]),
            "file_path": f"photos/{file_id}",
        }

    async def _endpoint(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != TOKEN:
            return _answer(Refusal(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        try:
            self._police(method)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                raise ApiError(Refusal(404, "Not Found"))
            result = await handler(params)
        except ApiError as exc:
            return _answer(exc.refusal)
        params["_ok"] = True
        return web.json_response({"ok": True, "result": result})

    def _police(self, method: str) -> None:
        queued = self.refusals.get(method)
        if queued:
            raise ApiError(queued.pop(0))
        if method in self.flood:
            allowed, per = self.flood[method]
            now = time.monotonic()
            recent = [c for c in self.calls if c.method == method and now - c.at < per]
            served = [c for c in recent if c.params.get("_ok")]
            if len(served) >= allowed:
                raise ApiError(
                    Refusal(
                        429,
                        f"Too Many Requests: retry after {self.flood_retry_after}",
                        {"retry_after": self.flood_retry_after},
                    )
                )

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        cid = int(chat_id)
        if cid in self.migrated:
            raise ApiError(
                Refusal(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrated[cid]},
                )
            )
        if cid > 0:  # a private chat: its id is the member's id
            if cid not in self.dm_opened:
                raise ApiError(
                    Refusal(403, "Forbidden: bot can't initiate conversation with a user")
                )
            return {"id": cid, "type": "private", "first_name": f"user{cid}"}
        if cid not in self.chats:
            raise ApiError(Refusal(400, "Bad Request: chat not found"))
        return self.chats[cid]

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        _check_keyboard(params.get("reply_markup"))
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
            message["is_topic_message"] = True
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    # ---- Bot API methods ----------------------------------------------------------------

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": True}

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        if self.webhook.get("url"):
            raise ApiError(
                Refusal(409, "Conflict: can't use getUpdates method while webhook is active")
            )
        offset = int(params.get("offset") or 0)
        if offset:
            # Confirmation: Telegram forgets every update below the offset asked for.
            self._confirmed = max(self._confirmed, offset)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 5.0)
        while True:
            ready = [u for u in self._updates if u["update_id"] >= self._confirmed][:limit]
            if ready or self._closing or time.monotonic() >= deadline:
                return ready
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
            except TimeoutError:
                pass

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        if not str(params.get("text", "")).strip():
            raise ApiError(Refusal(400, "Bad Request: message text is empty"))
        if _units(params["text"]) > 4096:
            raise ApiError(Refusal(400, "Bad Request: message is too long"))
        return self._new_message(params, text=params["text"])

    async def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        document = params.get("document")
        name = getattr(document, "filename", None) or "file"
        if _units(str(params.get("caption", ""))) > 1024:
            raise ApiError(Refusal(400, "Bad Request: message caption is too long"))
        return self._new_message(
            params,
            caption=params.get("caption", ""),
            document={"file_id": "f1", "file_unique_id": "u1", "file_name": name},
        )

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        _check_keyboard(params.get("reply_markup"))
        message = self.messages.get((chat["id"], int(params["message_id"])))
        if message is None:
            raise ApiError(Refusal(400, "Bad Request: message to edit not found"))
        if message.get("text") == params["text"] and message.get("reply_markup") == params.get(
            "reply_markup"
        ):
            raise ApiError(Refusal(400, "Bad Request: message is not modified"))
        message["text"] = params["text"]
        message["reply_markup"] = params.get("reply_markup")
        return {k: v for k, v in message.items() if v is not None}

    async def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        key = (chat["id"], int(params["message_id"]))
        if key in self.undeletable:
            raise ApiError(Refusal(400, "Bad Request: message can't be deleted"))
        self.messages.pop(key, None)
        return True

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        self.answered_queries.append(str(params["callback_query_id"]))
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {k: v for k, v in params.items() if not k.startswith("_")}
        return True

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = {}
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        scope = (params.get("scope") or {}).get("type", "default")
        self.commands[scope] = list(params["commands"])
        return True

    async def _api_getChatMember(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params["chat_id"])
        user_id = int(params["user_id"])
        user = (
            BOT_USER if user_id == BOT_ID else {"id": user_id, "is_bot": False, "first_name": "m"}
        )
        if user_id == BOT_ID and chat["id"] in self.admins_who_can_delete:
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_manage_chat": True,
                "can_delete_messages": True,
                "can_manage_video_chats": False,
                "can_restrict_members": False,
                "can_promote_members": False,
                "can_change_info": False,
                "can_invite_users": True,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
            }
        return {"status": "member", "user": user}


def _check_keyboard(markup: Any) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data", "")
            if not 1 <= len(data.encode()) <= 64:
                raise ApiError(Refusal(400, "Bad Request: BUTTON_DATA_INVALID"))


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _answer(refusal: Refusal) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": refusal.status,
        "description": refusal.description,
    }
    if refusal.parameters:
        body["parameters"] = refusal.parameters
    return web.json_response(body, status=refusal.status)


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, str) and key in _JSON_FIELDS:
            try:
                params[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        params[key] = value
    return params

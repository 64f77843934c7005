"""Slack's documented request shapes, signed the way Slack signs them (v0, HMAC-SHA256)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.slack.fake_slack import BOT_USER, TEAM

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
GROUP = "CGROUP"
MODS = "CMODS"
EXPERTS = "CEXPERTS"
ALICE = "UALICE"
BOB = "UBOB"
MOD = "UMOD"

_ids = itertools.count(1)


def sign(body: str, secret: str = SIGNING_SECRET, at: int | None = None) -> dict[str, str]:
    timestamp = str(int(time.time()) if at is None else at)
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def callback(event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0APP",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_ids):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def message(
    text: str,
    *,
    user: str = ALICE,
    channel: str = GROUP,
    ts: str | None = None,
    thread_ts: str | None = None,
    files: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    ts = ts or f"1710000000.{next(_ids):06d}"
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel_type": "im" if channel.startswith("D") else "channel",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    if files:
        event["subtype"] = "file_share"
        event["files"] = files
    return event


def app_mention(text: str, *, user: str = ALICE, channel: str = GROUP, ts: str) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }


def edited(original: dict[str, Any], new_text: str) -> dict[str, Any]:
    edit_ts = f"1710000100.{next(_ids):06d}"
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": original["channel"],
        "channel_type": original["channel_type"],
        "hidden": True,
        "ts": edit_ts,
        "event_ts": edit_ts,
        "message": {
            "type": "message",
            "user": original["user"],
            "text": new_text,
            "ts": original["ts"],
            "edited": {"user": original["user"], "ts": edit_ts},
        },
        "previous_message": {
            "type": "message",
            "user": original["user"],
            "text": original["text"],
            "ts": original["ts"],
        },
    }


def block_actions(
    message: dict[str, Any], value: str, *, user: str, channel: str, name: str = "mod"
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "care"},
        "user": {"id": user, "username": name, "name": name, "team_id": TEAM},
        "api_app_id": "A0APP",
        "token": "deprecated-verification-token",
        "container": {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
        },
        "trigger_id": f"{next(_ids)}.1234.abcdef",
        "channel": {"id": channel, "name": "room"},
        "message": message,
        "actions": [
            {
                "type": "button",
                "action_id": "practicebot:0",
                "block_id": "practicebot",
                "value": value,
                "action_ts": f"1710000200.{next(_ids):06d}",
                "text": {"type": "plain_text", "text": "x"},
            }
        ],
    }


def slash(
    text: str, *, user: str = ALICE, channel: str = GROUP, name: str = "alice"
) -> dict[str, str]:
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM,
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "practice",
        "user_id": user,
        "user_name": name,
        "command": "/practicebot",
        "text": text,
        "api_app_id": "A0APP",
        "response_url": "https://hooks.slack.invalid/commands/1",
        "trigger_id": f"{next(_ids)}.5678.fedcba",
    }


async def post(
    port: int,
    body: str,
    content_type: str,
    headers: dict[str, str],
) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://127.0.0.1:{port}/slack/events",
            data=body.encode(),
            headers={"Content-Type": content_type, **headers},
        ) as response,
    ):
        return response.status, await response.text()


async def send_event(port: int, payload: dict[str, Any], retry: int = 0, **kw: Any) -> int:
    body = json.dumps(payload)
    headers = sign(body, **kw)
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    status, _ = await post(port, body, "application/json", headers)
    return status


async def send_form(port: int, form: dict[str, str]) -> int:
    body = urlencode(form)
    status, _ = await post(port, body, "application/x-www-form-urlencoded", sign(body))
    return status


async def press(port: int, payload: dict[str, Any]) -> int:
    return await send_form(port, {"payload": json.dumps(payload)})

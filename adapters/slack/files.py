"""The contents of files shared in Slack, for the core to screen: `files.info` names the file's
private address, which is fetched with the bot token (scope `files:read`), up to a size limit.

Slack wants its answer within three seconds, so fetching has a time limit of its own: a file not
fetched in time reaches the core with the reason, and the core holds it for a moderator rather
than let it through unread.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.errors import translated
from bot.errors import ActionNotPermitted
from bot.events import AttachedFile

log = logging.getLogger(__name__)

MISSING_SCOPE = (
    "the Slack app may not read files yet (an admin reinstalls it from the manifest to grant "
    "files:read)"
)
FETCH_WITHIN = 10.0  # seconds for one file (files.info and the download)
CHUNK = 64 * 1024


class SlackFiles:
    def __init__(self, client: AsyncWebClient, token: str, max_bytes: int) -> None:
        self._client = client
        self._token = token
        self._max_bytes = max_bytes

    async def fetch(self, shared: list[dict[str, Any]]) -> tuple[AttachedFile, ...]:
        return tuple(await asyncio.gather(*(self._one(f) for f in shared)))

    async def _one(self, shared: dict[str, Any]) -> AttachedFile:
        name = str(shared.get("name") or shared.get("title") or "file")
        mime = str(shared.get("mimetype") or "application/octet-stream")
        try:
            async with asyncio.timeout(FETCH_WITHIN):
                with translated():
                    info = (await self._client.files_info(file=str(shared.get("id"))))["file"]
                name = str(info.get("name") or name)
                mime = str(info.get("mimetype") or mime)
                if int(info.get("size") or 0) > self._max_bytes:
                    return AttachedFile(name, mime, error=self._too_large())
                return await self._download(name, mime, str(info["url_private"]))
        except TimeoutError:
            return AttachedFile(name, mime, error="Slack did not hand over the file in time")
        except ActionNotPermitted as exc:
            if "missing_scope" in str(exc):
                # an app installed before files were read: the manifest asks for files:read now
                log.error("slack app lacks the files:read scope; reinstall it from the manifest")
                return AttachedFile(name, mime, error=MISSING_SCOPE)
            return AttachedFile(name, mime, error="Slack did not let the bot open the file")
        except Exception as exc:  # the core holds the file with the reason; the post goes on
            log.warning("slack file not fetched", extra={"error": type(exc).__name__})
            return AttachedFile(name, mime, error="Slack did not hand over the file")

    async def _download(self, name: str, mime: str, url: str) -> AttachedFile:
        headers = {"Authorization": f"Bearer {self._token}"}
        async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as reply:
            reply.raise_for_status()
            content = bytearray()
            async for chunk in reply.content.iter_chunked(CHUNK):
                content += chunk
                if len(content) > self._max_bytes:
                    return AttachedFile(name, mime, error=self._too_large())
        return AttachedFile(name, mime, bytes(content))

    def _too_large(self) -> str:
        return f"it is larger than {self._max_bytes / 1_000_000:g} MB"

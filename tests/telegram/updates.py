"""Updates shaped like the Bot API's documented JSON (https://core.telegram.org/bots/api#update)."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.telegram.fake_api import BOT_USER, BOT_USERNAME

GROUP: dict[str, Any] = {"id": -1001234567890, "type": "supergroup", "title": "Practice group"}
MODS: dict[str, Any] = {"id": -1009876543210, "type": "supergroup", "title": "Moderators"}
OLD_GROUP: dict[str, Any] = {"id": -4001, "type": "group", "title": "Practice group (old)"}
FORUM: dict[str, Any] = {
    "id": -1005555555555,
    "type": "supergroup",
    "title": "Forum",
    "is_forum": True,
}
ALICE: dict[str, Any] = {
    "id": 1111,
    "is_bot": False,
    "first_name": "Alice",
    "last_name": "Ng",
    "username": "alice_ng",
}
BOB: dict[str, Any] = {"id": 2222, "is_bot": False, "first_name": "Bob"}
MOD: dict[str, Any] = {"id": 3333, "is_bot": False, "first_name": "Mo", "username": "mod_mo"}

_message_ids = itertools.count(100)


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def message(
    text: str | None = None,
    *,
    chat: dict[str, Any] = GROUP,
    user: dict[str, Any] = ALICE,
    message_id: int | None = None,
    date: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": message_id or next(_message_ids),
        "from": user,
        "chat": chat,
        "date": date or int(time.time()),
        **extra,
    }
    if text is not None:
        body["text"] = text
        entities = _entities(text)
        if entities:
            body["entities"] = entities
    return body


def _entities(text: str) -> list[dict[str, Any]]:
    # Telegram marks commands and @mentions; offsets count UTF-16 code units (ASCII here).
    found = []
    if text.startswith("/"):
        found.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
    mention = f"@{BOT_USERNAME}"
    at = text.find(mention)
    if at >= 0 and not text.startswith("/"):
        found.append({"type": "mention", "offset": at, "length": len(mention)})
    return found


def posted(text: str, **kwargs: Any) -> dict[str, Any]:
    return {"message": message(text, **kwargs)}


def edited(text: str, *, message_id: int, **kwargs: Any) -> dict[str, Any]:
    body = message(text, message_id=message_id, **kwargs)
    body["edit_date"] = body["date"] + 5
    return {"edited_message": body}


def document(caption: str, file_name: str, **kwargs: Any) -> dict[str, Any]:
    body = message(None, **kwargs)
    body["caption"] = caption
    body["document"] = {"file_id": "BQAC1", "file_unique_id": "AgAD1", "file_name": file_name}
    return {"message": body}


def photo(caption: str, **kwargs: Any) -> dict[str, Any]:
    body = message(None, **kwargs)
    body["caption"] = caption
    body["photo"] = [{"file_id": "AgAC1", "file_unique_id": "AQAD1", "width": 90, "height": 90}]
    return {"message": body}


def pressed(
    data: str, *, on: dict[str, Any], user: dict[str, Any] = MOD, query_id: str = "q1"
) -> dict[str, Any]:
    """A callback query from a button on `on` (a message the bot sent, as the fake recorded it)."""
    return {
        "callback_query": {
            "id": query_id,
            "from": user,
            "chat_instance": "-77",
            "message": on,
            "data": data,
        }
    }


def migrated(old: dict[str, Any], new_id: int) -> dict[str, Any]:
    return {"message": message(None, chat=old, user=ALICE, migrate_to_chat_id=new_id)}


def joined(*members: dict[str, Any], chat: dict[str, Any] = GROUP) -> dict[str, Any]:
    return {"message": message(None, chat=chat, user=ALICE, new_chat_members=list(members))}


def reply_to_bot(text: str, **kwargs: Any) -> dict[str, Any]:
    earlier = message("an answer", user=BOT_USER)
    return {"message": message(text, reply_to_message=earlier, **kwargs)}

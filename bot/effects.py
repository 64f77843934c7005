"""What handling an event has done on the platforms, noted as it happens, so doing it again after
a crash sends nothing twice.

An instance that dies after it has answered an event but before it marked the event done leaves
its claim to lapse; the platform's re-send is then handled from the start by another instance
(`bot/intake.py`). While an event is handled, each action that reaches a platform is noted: a
fingerprint of the action (a hash: never its text) and the id of the message it made. When the
handling is a takeover of such a claim, an action whose fingerprint was noted is not performed
again: the noted result is given back, so a card keeps its message id and the handler goes on as
before. An action that comes out differently the second time (its text names a time, say) is
performed again.

What is left is the moment between a platform's answer and the note: milliseconds, where before
it was the whole of the handling.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import delete, insert, select

from bot.actions import Action, Result
from bot.clock import Clock
from bot.store import Store
from bot.store.models import EventEffect

log = logging.getLogger(__name__)

_handling: ContextVar[Effects | None] = ContextVar("practicebot_effects", default=None)


def fingerprint(action: Action) -> str:
    """Which action this is, as a hash: its kind, where it goes, what it says, its buttons."""
    return hashlib.sha256(repr(action).encode()).hexdigest()[:40]


class Effects:
    """The actions of one event's handling. `retaken`: an earlier handling may have done some."""

    def __init__(self, store: Store, clock: Clock, key: str, *, retaken: bool) -> None:
        self._store = store
        self._clock = clock
        self.key = key
        self.retaken = retaken
        self._times: Counter[str] = Counter()
        self._done: dict[str, str | None] | None = None

    def __enter__(self) -> Effects:
        self._token = _handling.set(self)
        return self

    def __exit__(self, *_: object) -> None:
        _handling.reset(self._token)

    async def act(self, action: Action, perform: Callable[[], Awaitable[Result]]) -> Result:
        fp = fingerprint(action)
        self._times[fp] += 1
        mark = f"{fp}:{self._times[fp]}"  # the same action twice in one handling is two effects
        if self.retaken:
            done = await self._noted()
            if mark in done:
                log.info(
                    "an action done before a crash was not repeated",
                    extra={"action": type(action).__name__},
                )
                return Result(done[mark])
        result = await perform()
        await self._note(mark, result.message_id)
        return result

    async def _noted(self) -> dict[str, str | None]:
        if self._done is None:
            async with self._store.session() as s:
                rows = await s.execute(
                    select(EventEffect.mark, EventEffect.message_id).where(
                        EventEffect.event_key == self.key
                    )
                )
                self._done = {mark: message_id for mark, message_id in rows.all()}
        return self._done

    async def _note(self, mark: str, message_id: str | None) -> None:
        """Best effort: the action is done whatever happens here. Without the note a takeover would
        do it again, which is how it was before notes."""
        try:
            async with self._store.autocommit() as conn:
                await conn.execute(
                    insert(EventEffect).values(
                        event_key=self.key,
                        mark=mark,
                        message_id=message_id,
                        at=self._clock.now(),
                    )
                )
        except Exception as exc:  # the database is away, or a takeover noted it already
            log.warning("could not note an action", extra={"error": type(exc).__name__})


def handling() -> Effects | None:
    """The effects of the event being handled in this task, if any."""
    return _handling.get()


async def purge_effects(store: Store, older_than: datetime) -> int:
    async with store.session() as s:
        gone = await s.execute(delete(EventEffect).where(EventEffect.at < older_than))
    return int(getattr(gone, "rowcount", 0) or 0)

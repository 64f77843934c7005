"""The platforms' side of the cluster benchmark (benchmarks/cluster.py): fakes of Slack's Web API
and Telegram's Bot API that know every member, and the traffic a load generator sends as Slack and
Telegram would: signed, re-sent, round robin over the bots.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from tests.slack import payloads as slack_payloads  # noqa: E402
from tests.slack.fake_slack import FakeSlack  # noqa: E402
from tests.telegram import updates as tg  # noqa: E402
from tests.telegram.fake_api import BOT_USERNAME, FakeBotAPI  # noqa: E402

SECRET = "bench-webhook-secret"
S_GROUP, S_MODS, S_EXPERTS = "CGROUP", "CMODS", "CEXPERTS"
T_GROUP = tg.GROUP
T_MODS = tg.MODS
T_EXPERTS: dict[str, Any] = {"id": -1007777777777, "type": "supergroup", "title": "Experts"}
MODERATORS = (("UMOD1", tg.MOD), ("UMOD2", {"id": 3334, "is_bot": False, "first_name": "Mia"}))
SLACK_ANSWER_TIMEOUT = 3.0  # Slack gives up on an answer after 3 seconds and sends again
TELEGRAM_TIMEOUT = 10.0
TELEGRAM_RETRY = (1.0, 2.0, 4.0, 8.0, 10.0)

SAFE = [
    "Team meeting moved to 3pm on Thursday, bring your supervision notes",
    "Reminder: mileage claims are due by Friday",
    "Great session on strengths-based practice today, thanks all",
    "Anyone know if the duty rota for next week is out yet?",
    "The new referral form is on the intranet under forms and templates",
    "Parking at the Hub is closed tomorrow, use the leisure centre",
]
BREACH = "Visited {name} at {number} {street} today, ref {tag}, all well"
NAMES = ["Doreen Pike", "Arthur Bellamy", "Maureen Clegg", "Dennis Whitlock", "Edna Barraclough"]
STREETS = ["Elm Road", "Mill Lane", "Church Street", "Station Road", "Victoria Avenue"]
QUESTIONS = [
    "how do I report a missed visit?",
    "can I accept a friend request from a client?",
    "what do I do if I think an adult is being financially abused?",
    "how long do we keep case notes?",
    "who do I tell about a medication error?",
]


# ---------------------------------------------------------------------------- the platforms


class BenchSlack(FakeSlack):
    """The fake Slack Web API, knowing every member (users.info, conversations.open)."""

    def _users_info(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        user = str(p.get("user"))
        return {"ok": True, "user": {"id": user, "name": user, "profile": {"display_name": user}}}

    def _conversations_open(self, token: str, p: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "channel": {"id": f"D{p.get('users')}"}}


class BenchTelegram(FakeBotAPI):
    """The fake Bot API; every member has opened a chat with the bot."""

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        cid = int(chat_id)
        if cid > 0:
            return {"id": cid, "type": "private", "first_name": f"user{cid}"}
        return super()._chat(chat_id)


@dataclass
class Sent:
    """One event as the platform saw it: every try, and its answer."""

    kind: str  # post, breach, dm_question, thread_question, press
    platform: str
    key: str  # the bot's de-duplication key
    ref: dict[str, Any] = field(default_factory=dict)  # what identifies its effect
    tries: list[tuple[float, int, int | str, float]] = field(default_factory=list)
    acked: bool = False
    gave_up: bool = False


class Bot(Protocol):
    @property
    def url(self) -> str: ...


class Platforms:
    """Slack's and Telegram's side of the traffic: sends, re-sends, and what came back."""

    def __init__(self, instances: Sequence[Bot], http: aiohttp.ClientSession, retries: list[float]):
        self.instances = instances
        self.http = http
        self.slack_retries = retries
        self.sent: list[Sent] = []
        self._turn = itertools.count()
        self._update_ids = itertools.count(500_001)
        self.in_flight: set[asyncio.Task[None]] = set()

    def _pick(self, avoid: int | None) -> int:
        n = next(self._turn) % len(self.instances)
        if n == avoid:
            n = (n + 1) % len(self.instances)
        return n

    def launch(self, coro: Any) -> asyncio.Future[None]:
        task = asyncio.ensure_future(coro)
        self.in_flight.add(task)
        task.add_done_callback(self.in_flight.discard)
        return task

    async def _try(self, sent: Sent, n: int, url: str, **kw: Any) -> int | str:
        started = time.monotonic()
        try:
            async with self.http.post(url, **kw) as answer:
                status: int | str = answer.status
        except TimeoutError:
            status = "timeout"
        except aiohttp.ClientError:
            status = "refused"
        sent.tries.append((started, n, status, time.monotonic() - started))
        return status

    # Slack: signed; re-sent up to three times (events), or pressed again by the person (buttons)
    async def slack(self, sent: Sent, body: str, form: bool = False) -> None:
        self.sent.append(sent)
        last = None
        for attempt in range(len(self.slack_retries) + 1):
            n = self._pick(last)
            headers = slack_payloads.sign(body)
            headers["Content-Type"] = (
                "application/x-www-form-urlencoded" if form else "application/json"
            )
            if attempt and not form:
                headers["X-Slack-Retry-Num"] = str(attempt)
                headers["X-Slack-Retry-Reason"] = "http_error"
            status = await self._try(
                sent,
                n,
                f"{self.instances[n].url}/slack/events",
                data=body.encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=SLACK_ANSWER_TIMEOUT),
            )
            if isinstance(status, int) and 200 <= status < 300:
                sent.acked = True
                return
            last = n
            if attempt < len(self.slack_retries):
                await asyncio.sleep(self.slack_retries[attempt])
        sent.gave_up = True

    # Telegram: the webhook update again until a 2xx, or until the run ends
    async def telegram(self, sent: Sent, update: dict[str, Any], until: float) -> None:
        self.sent.append(sent)
        body = json.dumps(update).encode()
        last = None
        for attempt in itertools.count():
            n = self._pick(last)
            status = await self._try(
                sent,
                n,
                f"{self.instances[n].url}/telegram/webhook",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": SECRET,
                },
                timeout=aiohttp.ClientTimeout(total=TELEGRAM_TIMEOUT),
            )
            if isinstance(status, int) and 200 <= status < 300:
                sent.acked = True
                return
            if time.monotonic() > until:
                sent.gave_up = True
                return
            last = n
            await asyncio.sleep(TELEGRAM_RETRY[min(attempt, len(TELEGRAM_RETRY) - 1)])

    def update_id(self) -> int:
        return next(self._update_ids)


# ---------------------------------------------------------------------------- the traffic


class Traffic:
    def __init__(
        self, platforms: Platforms, slack: BenchSlack, telegram: BenchTelegram, seed: int
    ) -> None:
        self.p = platforms
        self.slack = slack
        self.telegram = telegram
        self.rng = random.Random(seed)
        self._n = itertools.count(1)
        self.until = 0.0
        self._cards_seen_slack = 0
        self._cards_seen_telegram = 0
        self.pressed_cards: list[dict[str, Any]] = []

    def post(self, breach: bool, platform: str | None = None) -> asyncio.Future[None]:
        n = next(self._n)
        tag = f"bench{n:06d}"
        if breach:
            text = BREACH.format(
                name=self.rng.choice(NAMES),
                number=self.rng.randint(2, 99),
                street=self.rng.choice(STREETS),
                tag=tag,
            )
        else:
            text = self.rng.choice(SAFE)
        kind = "breach" if breach else "post"
        platform = platform or ("slack" if n % 2 else "telegram")
        if platform == "slack":
            user = f"UM{n % 500:03d}"
            event = slack_payloads.message(text, user=user, channel=S_GROUP)
            self.slack.member_post(S_GROUP, event["ts"], user, text)  # one the admin may delete
            ref = {"channel": S_GROUP, "ts": event["ts"], "tag": tag}
            key = f"slack:post:{S_GROUP}:{event['ts']}"
            sent = Sent(kind, "slack", key, ref)
            return self.p.launch(self.p.slack(sent, json.dumps(slack_payloads.callback(event))))
        user = {"id": 30_000_000 + n % 500, "is_bot": False, "first_name": f"m{n % 500}"}
        update_id = self.p.update_id()
        message = tg.message(text, chat=T_GROUP, user=user)
        ref = {"chat": T_GROUP["id"], "message_id": message["message_id"], "tag": tag}
        sent = Sent(kind, "telegram", f"telegram:{update_id}", ref)
        update = {"update_id": update_id, "message": message}
        return self.p.launch(self.p.telegram(sent, update, self.until))

    def dm_question(self) -> None:
        n = next(self._n)
        question = self.rng.choice(QUESTIONS)
        if n % 2:
            user = f"UQ{n:06d}"
            channel = f"D{user}"
            event = slack_payloads.message(question, user=user, channel=channel)
            sent = Sent(
                "dm_question", "slack", f"slack:post:{channel}:{event['ts']}", {"channel": channel}
            )
            self.p.launch(self.p.slack(sent, json.dumps(slack_payloads.callback(event))))
        else:
            user = {"id": 40_000_000 + n, "is_bot": False, "first_name": f"q{n}"}
            update_id = self.p.update_id()
            message = tg.message(question, chat=tg.private_chat(user), user=user)
            sent = Sent("dm_question", "telegram", f"telegram:{update_id}", {"chat": user["id"]})
            update = {"update_id": update_id, "message": message}
            self.p.launch(self.p.telegram(sent, update, self.until))

    def thread_question(self, platform: str) -> None:
        n = next(self._n)
        question = self.rng.choice(QUESTIONS)
        if platform == "slack":
            parent = f"1700000000.{n:06d}"
            event = slack_payloads.message(
                f"<@UBOT> {question}", user=f"UM{n % 500:03d}", channel=S_GROUP, thread_ts=parent
            )
            sent = Sent(
                "thread_question",
                "slack",
                f"slack:post:{S_GROUP}:{event['ts']}",
                {"channel": S_GROUP, "thread_ts": parent},
            )
            self.p.launch(self.p.slack(sent, json.dumps(slack_payloads.callback(event))))
        else:
            user = {"id": 30_000_000 + n % 500, "is_bot": False, "first_name": f"m{n % 500}"}
            update_id = self.p.update_id()
            message = tg.message(f"@{BOT_USERNAME} {question}", chat=T_GROUP, user=user)
            sent = Sent(
                "thread_question",
                "telegram",
                f"telegram:{update_id}",
                {"chat": T_GROUP["id"], "message_id": message["message_id"]},
            )
            self.p.launch(
                self.p.telegram(sent, {"update_id": update_id, "message": message}, self.until)
            )

    def press_new_cards(self, share: float) -> None:
        """Two moderators press the same new card at once, on two instances."""
        calls = self.slack.calls
        for call in calls[self._cards_seen_slack :]:
            if call.method == "chat.postMessage" and call.params.get("channel") == S_MODS:
                self._slack_card(call.params, share)
        self._cards_seen_slack = len(calls)
        tcalls = self.telegram.calls
        for tcall in tcalls[self._cards_seen_telegram :]:
            if (
                tcall.method == "sendMessage"
                and tcall.params.get("_ok")
                and int(tcall.params["chat_id"]) == T_MODS["id"]
            ):
                self._telegram_card(tcall.params, share)
        self._cards_seen_telegram = len(tcalls)

    def _slack_card(self, params: dict[str, Any], share: float) -> None:
        blocks = params.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        values = [
            e.get("value", "")
            for b in blocks or ()
            if b.get("type") == "actions"
            for e in b["elements"]
        ]
        restore = next((v for v in values if v.startswith("mod:restore:")), None)
        if restore is None or self.rng.random() > share:
            return
        card = next(
            (
                m
                for (c, _), m in reversed(self.slack.messages.items())
                if c == S_MODS and m.get("blocks") == blocks
            ),
            None,
        )
        if card is None:
            return
        self.pressed_cards.append({"platform": "slack", "ts": card["ts"], "value": restore})
        for moderator, _ in MODERATORS:
            payload = slack_payloads.block_actions(card, restore, user=moderator, channel=S_MODS)
            body = "payload=" + quote(json.dumps(payload), safe="")
            sent = Sent("press", "slack", "", {"ts": card["ts"], "value": restore})
            self.p.launch(self.p.slack(sent, body, form=True))

    def _telegram_card(self, params: dict[str, Any], share: float) -> None:
        markup = params.get("reply_markup") or {}
        data = [
            b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row
        ]
        keep = next((d for d in data if d.startswith("mod:keep:")), None)
        if keep is None or self.rng.random() > share:
            return
        card = next(
            (
                m
                for (c, _), m in reversed(self.telegram.messages.items())
                if c == T_MODS["id"] and m.get("reply_markup") == markup
            ),
            None,
        )
        if card is None:
            return
        self.pressed_cards.append(
            {"platform": "telegram", "message_id": card["message_id"], "value": keep}
        )
        for i, (_, moderator) in enumerate(MODERATORS):
            update_id = self.p.update_id()
            update = {
                "update_id": update_id,
                **tg.pressed(keep, on=card, user=moderator, query_id=f"q{update_id}-{i}"),
            }
            sent = Sent(
                "press", "telegram", f"telegram:{update_id}", {"message_id": card["message_id"]}
            )
            self.p.launch(self.p.telegram(sent, update, self.until))

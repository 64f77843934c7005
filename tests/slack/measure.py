"""Figures for the Slack adapter against the fake: `python -m tests.slack.measure`.

pacing: 12 messages to each of two channels at once through the default pacer.
ack: how soon Slack gets its 200 while the core spends 5 s on every event."""

from __future__ import annotations

import asyncio
import statistics
import time

from adapters.slack.adapter import SlackAdapter
from bot.actions import Send
from bot.events import Chat, ChatKind, Event
from tests.slack import payloads as p
from tests.slack.fake_slack import BOT_TOKEN, FakeSlack


async def pacing(fake: FakeSlack) -> None:
    adapter = SlackAdapter(BOT_TOKEN, signing_secret="unused", api_url=fake.api_url)
    started = time.monotonic()
    stamps: dict[str, list[float]] = {"CA": [], "CB": []}

    async def send(channel: str, i: int) -> None:
        await adapter.perform(Send(chat=Chat("slack", channel, ChatKind.GROUP), text=f"m{i}"))
        stamps[channel].append(time.monotonic() - started)

    await asyncio.gather(*(send(c, i) for i in range(12) for c in stamps))
    for channel, at in stamps.items():
        at.sort()
        rate = 8 / (at[-1] - at[3])
        print(
            f"pacing {channel}: first 4 by {at[3]:.2f}s, all 12 by {at[-1]:.2f}s, "
            f"then {rate:.2f} msg/s"
        )


async def ack(fake: FakeSlack) -> None:
    adapter = SlackAdapter(
        BOT_TOKEN, signing_secret=p.SIGNING_SECRET, api_url=fake.api_url, port=0,
        host="127.0.0.1", drain_seconds=0,
    )  # fmt: skip

    async def slow(event: Event) -> None:
        await asyncio.sleep(5)

    await adapter.start(slow)
    port = adapter.bound_port
    assert port is not None
    times: dict[str, list[float]] = {"event": [], "slash command": [], "button": []}
    card = {"ts": "1710000000.000777", "text": "card"}
    for i in range(20):
        for kind, request in (
            ("event", p.send_event(port, p.callback(p.message(f"m{i}")))),
            ("slash command", p.send_form(port, p.slash("help"))),
            ("button", p.press(port, p.block_actions(card, "x:1", user=p.MOD, channel=p.MODS))),
        ):
            started = time.monotonic()
            assert await request == 200
            times[kind].append(time.monotonic() - started)
    for kind, took in times.items():
        print(
            f"ack {kind}: median {statistics.median(took) * 1000:.1f} ms, "
            f"max {max(took) * 1000:.1f} ms over {len(took)}"
        )
    await adapter.stop()


async def main() -> None:
    fake = FakeSlack(users={p.ALICE: "alice", p.MOD: "mod"})
    await fake.start()
    try:
        await pacing(fake)
        await ack(fake)
    finally:
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())

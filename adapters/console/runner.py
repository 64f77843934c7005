"""Starts the app with the console adapter: a scripted run, or an interactive terminal session."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from adapters.console.adapter import ROOMS, ConsoleAdapter, room_chat
from adapters.console.session import SYNTAX, ConsoleSession, ScriptError
from bot.app import App
from bot.clock import ScenarioClock
from bot.config import Settings
from bot.crypto import Crypto

BANNER = """Practice Bot console group. Members: {members}; moderators: {moderators}; experts: {experts}.
Type `alice> text` to post in the group, `alice>> text` to message the bot privately,
`mod@moderators> /queue` to speak in a room, `mod! 1` to press a button, `quit` to leave."""


async def run_console(settings: Settings, script: str | None, crypto_secret: str | None) -> int:
    adapter = ConsoleAdapter(settings)
    clock = ScenarioClock()
    crypto = Crypto(crypto_secret) if crypto_secret else None
    lines: list[str] | None = None
    if script is not None:
        lines = _read_script(script)
        if lines is None:
            return 2
    async with App(
        settings, [adapter], clock=clock, crypto=crypto, run_scheduler=script is None
    ) as app:
        for name, (role, _title) in ROOMS.items():
            await app.ctx.rooms.register(room_chat(name), role)
        session = ConsoleSession(adapter, app.handle, clock, app.run_jobs_once, settings.bot.name)
        if lines is not None:
            errors = await session.play(lines)
            for error in errors:
                print(f"practicebot console: {error}", file=sys.stderr)
            return 2 if errors else 0
        await _interactive(session, settings)
    return 0


def _read_script(script: str) -> list[str] | None:
    try:
        if script == "-":
            return sys.stdin.read().splitlines()
        return Path(script).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"practicebot console: cannot read script {script}: {exc}", file=sys.stderr)
        return None


async def _interactive(session: ConsoleSession, settings: Settings) -> None:
    c = settings.console
    print(
        BANNER.format(
            members=", ".join(c.members),
            moderators=", ".join(c.moderators),
            experts=", ".join(c.experts),
        )
    )
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line or line.strip() in {"quit", "exit"}:
            return
        if line.strip() in {"help", "?"}:
            print(SYNTAX)
            continue
        try:
            await session.line(line)
        except ScriptError as exc:
            print(f"! {exc}")

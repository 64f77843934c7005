"""Starts the app with the console adapter: a scripted run, or an interactive terminal session.

Interactive, the terminal is read on the main thread (with a prompt, line editing and history
when it is a terminal) and the app runs its event loop on a thread of its own: Ctrl-C interrupts
the read at once, and the app is stopped cleanly before the program ends.

What the console keeps between runs lies in the bot's data folder (bot.data_dir, var/ by default):
the cards that can still be pressed (console-state.json) and, when PRACTICEBOT_SECRET_KEY is not
set, the key that held posts are encrypted with (dev-secret-key, the file `make run` makes). So
every held post that `/queue` lists after a restart can still be decided. The typed lines are not
kept on disk: they may name the very people the bot is there to protect.
"""

from __future__ import annotations

import asyncio
import functools
import os
import secrets
import sys
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from adapters.console.adapter import ROOMS, ConsoleAdapter, room_chat
from adapters.console.session import SYNTAX, ConsoleSession, ScriptError
from bot.app import App
from bot.clock import ScenarioClock
from bot.config import Settings
from bot.crypto import MIN_SECRET_LENGTH, Crypto
from bot.errors import ConfigError

STATE_FILE = "console-state.json"  # in bot.data_dir
LOCAL_KEY = "dev-secret-key"  # in bot.data_dir: the file `make run` makes in var/
PROMPT = "> "

BANNER = """Practice Bot console group. Members: {members}; moderators: {moderators}; experts: {experts}.
Type `alice> text` to post in the group, `alice>> text` to message the bot privately,
`mod@moderators> /queue` to speak in a room, `mod! 1` to press a button, `help` for more,
`quit` or Ctrl-D to leave."""


def local_key_path(settings: Settings) -> Path:
    return Path(settings.bot.data_dir) / LOCAL_KEY


def local_secret(settings: Settings) -> str:
    """The console's key for held posts when PRACTICEBOT_SECRET_KEY is not set: made once, kept
    in the data folder (readable by this user only), so a post held in one session can be
    restored in the next."""
    path = local_key_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError(
            f"bot.data_dir: cannot make the console's local key {path}: {exc.strerror}; "
            "choose a folder this user can write, or set PRACTICEBOT_SECRET_KEY"
        ) from None
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the console's local key: {exc}") from None
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"{path}: the console's local key is shorter than {MIN_SECRET_LENGTH} characters; "
            "delete the file to make a new one (posts held with the old key can then be kept "
            "removed but not restored), or set PRACTICEBOT_SECRET_KEY"
        )
    return secret


def run_console(settings: Settings, script: str | None, crypto_secret: str | None) -> int:
    """The console group: `script` lines (a file, or - for standard input) or the terminal.
    `crypto_secret` is PRACTICEBOT_SECRET_KEY; without one the console keeps a local key."""
    if crypto_secret is None:
        crypto_secret = local_secret(settings)
        if script is None:
            print(
                "PRACTICEBOT_SECRET_KEY is not set: held posts are encrypted with the local key "
                f"in {local_key_path(settings)}.",
                file=sys.stderr,
            )
    crypto = Crypto(crypto_secret)
    if script is not None:
        lines = _read_script(script)
        if lines is None:
            return 2
        folder = None if script == "-" else Path(script).parent
        return asyncio.run(_play(settings, crypto, lines, folder))
    return _interactive(settings, crypto)


def _read_script(script: str) -> list[str] | None:
    try:
        if script == "-":
            return sys.stdin.read().splitlines()
        return Path(script).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"practicebot console: cannot read script {script}: {exc}", file=sys.stderr)
        return None


async def _play(
    settings: Settings, crypto: Crypto | None, lines: list[str], files_from: Path | None = None
) -> int:
    adapter = _adapter(settings)
    clock = ScenarioClock()
    async with App(settings, [adapter], clock=clock, crypto=crypto, run_scheduler=False) as app:
        session = await _session(app, adapter, settings, clock)
        if files_from is not None:
            session.look_for_files_in(files_from)
        errors = await session.play(lines)
    for error in errors:
        print(f"practicebot console: {error}", file=sys.stderr)
    return 2 if errors else 0


async def _session(
    app: App, adapter: ConsoleAdapter, settings: Settings, clock: ScenarioClock
) -> ConsoleSession:
    for name, (role, _title) in ROOMS.items():
        await app.ctx.rooms.register(room_chat(name), role)
    return ConsoleSession(adapter, app.handle, clock, app.run_jobs_once, settings.bot.name)


class _AppThread:
    """The app and its event loop on a thread of their own, so the main thread can wait on the
    terminal and still be interrupted by Ctrl-C at any moment."""

    def __init__(self, settings: Settings, adapter: ConsoleAdapter, crypto: Crypto | None):
        self._settings = settings
        self._adapter = adapter
        self._crypto = crypto
        self._loop = asyncio.new_event_loop()
        self._started: Future[ConsoleSession] = Future()
        self._main_task: asyncio.Task[None] | None = None
        self._thread = threading.Thread(target=self._run, name="console-app", daemon=True)

    def start(self) -> ConsoleSession:
        self._main_task = self._loop.create_task(self._main())
        self._thread.start()
        return self._started.result()  # raises what start-up raised (a setting, the database)

    def run(self, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run `work` on the app's loop and wait for it; Ctrl-C while waiting cancels it."""
        future = asyncio.run_coroutine_threadsafe(work(), self._loop)
        try:
            future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    def stop(self) -> None:
        """Stop the app, whatever it is doing (starting, waiting, handling a line)."""
        if self._main_task is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._main_task.cancel)
        self._thread.join()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        assert self._main_task is not None
        try:
            self._loop.run_until_complete(self._main_task)
        except BaseException as exc:  # cancelled by stop(), or start-up failed
            if not self._started.done():
                self._started.set_exception(exc)
        finally:
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.run_until_complete(self._loop.shutdown_default_executor())
            self._loop.close()

    async def _main(self) -> None:
        clock = ScenarioClock()
        async with App(self._settings, [self._adapter], clock=clock, crypto=self._crypto) as app:
            self._started.set_result(await _session(app, self._adapter, self._settings, clock))
            await asyncio.Event().wait()  # until stop() cancels this task


class _Terminal:
    """Reads the lines typed. On a terminal: a prompt, line editing and this session's history
    (arrow keys, Ctrl-R) from readline, and when the bot speaks while a line is half typed, its
    words go above the prompt, which is drawn again. From a pipe: plain lines, no prompt."""

    def __init__(self, adapter: ConsoleAdapter) -> None:
        self.prompt = ""
        self._reading = threading.Event()
        self._buffer: Callable[[], str] = lambda: ""
        if not sys.stdin.isatty():
            return
        try:
            import readline
        except ImportError:  # not on every platform: plain lines then, still with a prompt
            pass
        else:
            self._buffer = readline.get_line_buffer
        self.prompt = PROMPT
        adapter.before_print = self._clear_prompt
        adapter.after_print = self._redraw_prompt

    def read(self) -> str:
        """The next line; EOFError at the end (Ctrl-D), KeyboardInterrupt on Ctrl-C."""
        self._reading.set()
        try:
            return input(self.prompt)
        finally:
            self._reading.clear()

    def _clear_prompt(self) -> None:
        if self._reading.is_set():
            sys.stdout.write("\r\x1b[K")

    def _redraw_prompt(self) -> None:
        if self._reading.is_set():
            sys.stdout.write(self.prompt + self._buffer())
            sys.stdout.flush()


def _adapter(settings: Settings) -> ConsoleAdapter:
    data = Path(settings.bot.data_dir)
    return ConsoleAdapter(settings, files_dir=data / "console-files", state_file=data / STATE_FILE)


def with_web_console(settings: Settings, adapter: ConsoleAdapter) -> Settings:
    """At a terminal the console group also serves the web console (console.web_port, 8080 by
    default) on 127.0.0.1; its sign-in links point there unless web.public_url says otherwise."""
    port = settings.console.web_port
    adapter.web_port = port
    if not port or settings.web.public_url is not None:
        return settings
    web = settings.web.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
    return settings.model_copy(update={"web": web})


def _web_banner(settings: Settings, adapter: ConsoleAdapter) -> str:
    if adapter.web_console_port is None:
        if settings.console.web_port:
            return (
                f"Web console: not started (127.0.0.1:{settings.console.web_port} is taken; "
                "set console.web_port)."
            )
        return ""
    return (
        f"Web console: {settings.web.public_url}/console (sign in: `mod@moderators> /console`, "
        "a learner's own page: `alice>> /mycpd`; the link arrives in the DM)."
    )


def _interactive(settings: Settings, crypto: Crypto | None) -> int:
    adapter = _adapter(settings)
    settings = with_web_console(settings, adapter)
    terminal = _Terminal(adapter)
    app = _AppThread(settings, adapter, crypto)
    try:
        session = app.start()
        c = settings.console
        print(
            BANNER.format(
                members=", ".join(c.members),
                moderators=", ".join(c.moderators),
                experts=", ".join(c.experts),
            ),
            flush=True,
        )
        web = _web_banner(settings, adapter)
        if web:
            print(web, flush=True)
        _read_lines(app, session, terminal)
    except KeyboardInterrupt:
        print(flush=True)  # end the line the ^C was typed on
        return 130
    finally:
        app.stop()
    return 0


def _read_lines(app: _AppThread, session: ConsoleSession, terminal: _Terminal) -> None:
    while True:
        try:
            line = terminal.read()
        except EOFError:
            if terminal.prompt:
                print(flush=True)
            return
        if line.strip() in {"quit", "exit"}:
            return
        if line.strip() in {"help", "?"}:
            print(SYNTAX, flush=True)
            continue
        try:
            app.run(functools.partial(session.line, line))
        except ScriptError as exc:
            print(f"! {exc}", flush=True)

"""The console group at a terminal, as a person types into it: a prompt, line editing and
history; Ctrl-C stops it at once (no Enter needed), from a terminal or a pipe."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UP = "\x1b[A"  # the up-arrow key, as a terminal sends it
CTRL_C = "\x03"
# A person takes a moment before pressing Ctrl-C: the console is then waiting for a line.
PAUSE = 1.0


def ctrl_c_as_at_a_prompt() -> None:
    """In the child: Ctrl-C acts as it does for a command typed at a shell's prompt. A test run
    started in the background by a script inherits SIGINT ignored, and Python then never turns
    it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def own_terminal() -> None:
    """In the child: a session of its own with the pty as its controlling terminal, so Ctrl-C
    typed there reaches it as from a person's terminal."""
    ctrl_c_as_at_a_prompt()
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def console_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env.pop("PRACTICEBOT_SECRET_KEY", None)
    env["PYTHONPATH"] = str(ROOT)
    env["TERM"] = "xterm"
    return env


class Screen:
    """What the console wrote to its terminal, read as it comes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.text = ""

    def wait_for(self, wanted: str, count: int = 1, within: float = 90.0) -> None:
        deadline = time.monotonic() + within
        while self.text.count(wanted) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"never saw {wanted!r} x{count}; the screen:\n{self.text[-3000:]}"
            ready, _, _ = select.select([self.fd], [], [], min(left, 1.0))
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:  # the console ended
                    chunk = b""
                if not chunk:
                    assert self.text.count(wanted) >= count, f"ended without {wanted!r}"
                    return
                self.text += chunk.decode(errors="replace")

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())


def ends_by_itself(process: subprocess.Popen[bytes], within: float = 30.0) -> int:
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"the console was still running {within:g}s after Ctrl-C")


@pytest.mark.slow
def test_prompt_history_and_ctrl_c_at_a_terminal(tmp_path: Path) -> None:
    main, side = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=side, stdout=side, stderr=side, cwd=tmp_path, env=console_env(),
        preexec_fn=own_terminal,
    )  # fmt: skip
    os.close(side)
    screen = Screen(main)
    try:
        screen.wait_for("Ctrl-D to leave.")
        screen.wait_for("\n> ")  # a prompt says the console is waiting for a line
        screen.type("alice>> hello\r")
        screen.wait_for("[dm:alice] Hello alice")
        screen.wait_for("\n> ", count=2)
        screen.type(UP + "\r")  # the line before, from the history, sent again
        screen.wait_for("[dm:alice] Hello alice", count=2)
        screen.wait_for("\n> ", count=3)
        assert "cannot read" not in screen.text
        screen.type(UP + "\x7f" * 5 + "hi there\r")  # edited: "hello" becomes "hi there"
        screen.wait_for("[dm:alice] Hello alice", count=3)
        screen.wait_for("\n> ", count=4)
        assert "cannot read" not in screen.text
        screen.type("bob>> half a line")
        screen.wait_for("half a line")
        time.sleep(PAUSE)
        screen.type(CTRL_C)  # and no Enter after it
        assert ends_by_itself(process) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(main)
    assert "Traceback" not in screen.text
    assert not (tmp_path / "var" / "console-history").exists()


@pytest.mark.slow
def test_ctrl_c_stops_a_console_reading_a_pipe_and_no_prompt_is_printed(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "console"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=tmp_path, env=console_env(), preexec_fn=ctrl_c_as_at_a_prompt,
    )  # fmt: skip
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(b"alice>> hello\n")
        process.stdin.flush()  # ... and the pipe stays open, as when a person waits
        screen = Screen(process.stdout.fileno())
        screen.wait_for("[dm:alice] Hello alice")
        time.sleep(PAUSE)
        process.send_signal(signal.SIGINT)  # Ctrl-C where no terminal is: the signal itself
        assert ends_by_itself(process) == 130
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdin.close()
        process.stdout.close()
        assert process.stderr is not None
        errors = process.stderr.read().decode()
        process.stderr.close()
    assert "Traceback" not in errors
    lines = [line for line in screen.text.splitlines() if line.strip()]
    assert lines[-1].startswith("[dm:alice] Hello alice"), "no prompt on a pipe"

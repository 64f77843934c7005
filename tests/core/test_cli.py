"""The command line as an admin meets it: one clear line on bad settings, --help everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
    environ.pop("DATABASE_URL", None)
    environ.pop("PRACTICEBOT_SECRET_KEY", None)
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=environ,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_hello_in_a_dm_gets_a_reply_and_exit_0(tmp_path: Path) -> None:
    result = run_cli("console", "--script", "-", cwd=tmp_path, stdin="alice>> hello\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("[dm:alice] ") for line in lines)
    assert (tmp_path / "var" / "practicebot.db").exists()


@pytest.mark.slow
def test_a_script_with_an_unreadable_line_names_it_and_exits_2(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("# a comment\nalice>> hello\nthis is not a line\n")
    result = run_cli("console", "--script", str(script), cwd=tmp_path)
    assert result.returncode == 2
    assert "line 3" in result.stderr and "cannot read 'this is not a line'" in result.stderr
    assert "[dm:alice]" in result.stdout


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        (
            '[moderation]\nmode = "hold"\n',
            "moderation.mode: Input should be 'enforce', 'audit' or 'off'",
        ),
        ("[bot\nname=1", "invalid TOML"),
        ('[bot]\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
        ('[slack]\nslack_bot_token = "xoxb-1"\n', "secrets are read from the environment only"),
        ('[learning]\ndefault_time = "25:00"\n', "learning.default_time"),
    ],
)
def test_a_wrong_setting_stops_start_up_with_one_line(
    tmp_path: Path, toml: str, expected: str
) -> None:
    config = tmp_path / "practicebot.toml"
    config.write_text(toml)
    result = run_cli("check-config", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_an_unreadable_config_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "practicebot.toml"
    config.write_bytes(b"\xff\xfe\x00garbage")
    result = run_cli("check-config", "--config", str(config), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{config}: not UTF-8 text" in result.stderr
    missing = run_cli("check-config", "--config", str(tmp_path / "nope.toml"), cwd=tmp_path)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_a_database_that_is_down_at_start_up_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(
        "db",
        "upgrade",
        cwd=tmp_path,
        env={"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/none"},
    )
    assert result.returncode == 3
    assert (
        "cannot reach the database at postgresql+asyncpg://postgres@127.0.0.1:1/none"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_an_unsupported_database_url_names_the_setting(tmp_path: Path) -> None:
    result = run_cli("db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode == 2
    assert "DATABASE_URL: driver 'mysql' is not supported" in result.stderr


def test_enforce_mode_with_a_platform_token_needs_the_secret_key(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path, env={"TELEGRAM_BOT_TOKEN": "123:abc"})
    assert result.returncode == 2
    assert "PRACTICEBOT_SECRET_KEY: required when moderation.mode is 'enforce'" in result.stderr


@pytest.mark.parametrize("command", [[], ["run"], ["console"], ["check-config"], ["db", "upgrade"]])
def test_every_command_has_help(tmp_path: Path, command: list[str]) -> None:
    result = run_cli(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "usage: practicebot" in result.stdout


def test_a_platform_setting_without_its_token_is_named_not_a_silent_console(
    tmp_path: Path,
) -> None:
    result = run_cli("run", cwd=tmp_path, env={"SLACK_APP_TOKEN": "xapp-1-abc"})
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN: not set, but SLACK_APP_TOKEN is set" in result.stderr
    webhook = run_cli("run", cwd=tmp_path, env={"TELEGRAM_WEBHOOK_URL": "https://x.org/hook"})
    assert "TELEGRAM_BOT_TOKEN: not set, but TELEGRAM_WEBHOOK_URL is set" in webhook.stderr


def test_health_on_a_sqlite_file_that_does_not_exist_is_unhealthy_and_makes_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    result = run_cli("health", cwd=tmp_path, env={"DATABASE_URL": f"sqlite+aiosqlite:///{missing}"})
    assert result.returncode == 3 and "healthy" not in result.stdout
    assert f"the database file {missing} does not exist" in result.stderr
    assert not (tmp_path / "no").exists()
    upgraded = run_cli(
        "db", "upgrade", cwd=tmp_path, env={"DATABASE_URL": f"sqlite+aiosqlite:///{missing}"}
    )
    assert upgraded.returncode == 0 and missing.exists()
    again = run_cli("health", cwd=tmp_path, env={"DATABASE_URL": f"sqlite+aiosqlite:///{missing}"})
    assert again.returncode == 0 and again.stdout.strip() == "healthy"


@pytest.mark.parametrize("command", ["run", "console", "check-config", "health"])
def test_each_command_says_what_it_does_atop_its_help(tmp_path: Path, command: str) -> None:
    result = run_cli(command, "--help", cwd=tmp_path)
    description = result.stdout.split("\n\n")[1]
    assert len(description.split()) >= 5, result.stdout


@pytest.mark.parametrize(
    ("env", "toml", "expected"),
    [
        ({"DATABASE_URL": "nonsense://x"}, "", "DATABASE_URL: driver 'nonsense' is not supported"),
        ({}, '[questions]\nkb_dir = "/no/such/kb"\n', "questions.kb_dir: no entries loaded"),
        ({}, '[learning]\nprogrammes_dir = "/no/such/dir"\n', "learning.programmes_dir"),
        (
            {"TELEGRAM_BOT_TOKEN": "1:a", "TELEGRAM_WEBHOOK_URL": "http://x.org/hook"},
            "",
            "TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET: set both",
        ),
        ({"PRACTICEBOT_SECRET_KEY": "short"}, "", "PRACTICEBOT_SECRET_KEY: expected at least 16"),
    ],
)
def test_check_config_refuses_what_run_refuses(
    tmp_path: Path, env: dict[str, str], toml: str, expected: str
) -> None:
    config = tmp_path / "practicebot.toml"
    config.write_text(toml)
    checked = run_cli("check-config", "--config", str(config), cwd=tmp_path, env=env)
    assert checked.returncode == 2 and expected in checked.stderr, checked.stdout
    ran = run_cli("run", "--config", str(config), cwd=tmp_path, env=env)
    assert ran.returncode == 2 and expected in ran.stderr


@pytest.mark.slow
def test_check_config_connect_says_whether_the_database_answers(tmp_path: Path) -> None:
    down = run_cli(
        "check-config",
        "--connect",
        cwd=tmp_path,
        env={"DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/none"},
    )
    assert down.returncode == 3 and "does not answer" in down.stderr
    fresh = run_cli("check-config", "--connect", cwd=tmp_path)  # the SQLite file is made on start
    assert (
        fresh.returncode == 0 and "practicebot.db will be made at the first start" in fresh.stdout
    )
    assert run_cli("db", "upgrade", cwd=tmp_path).returncode == 0
    made = run_cli("check-config", "--connect", cwd=tmp_path)
    assert made.returncode == 0 and "database sqlite+aiosqlite (answers)" in made.stdout


def test_a_mistyped_command_is_named_with_every_command_the_features_add(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot import cli

    with pytest.raises(SystemExit) as stopped:
        cli.main(["--config", "run", "consol"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'consol'" in error
    for command in ("console", "check-config", "eval", "kb", "enrol", "keys"):
        assert f"'{command}'" in error


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["console", "--script", "-"], "console"),
        (["--config", "run", "check-config"], "check-config"),
        (["--log-level", "DEBUG", "eval", "moderation", "f.jsonl"], "eval"),
        (["--config=x.toml", "health"], "health"),
        (["--help"], None),
    ],
)
def test_the_command_a_line_names_is_found_past_the_options_and_their_values(
    argv: list[str], word: str | None
) -> None:
    from bot.cli import command_word

    assert command_word(argv) == word

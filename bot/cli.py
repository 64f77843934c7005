"""`python -m bot` (also `practicebot`): run the bot, the console group, and the admin tools."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import importlib.util
import inspect
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.config import Settings, load_settings
from bot.errors import ConfigError, StorageUnavailable

log = logging.getLogger("bot.cli")

# Subcommands that features own: (words, module, configure function, run function).
PLUGINS: tuple[tuple[tuple[str, ...], str, str, str], ...] = (
    (("eval", "moderation"), "handlers.moderation.evaluation", "configure", "run"),
    (("eval", "questions"), "handlers.questions.evaluation", "configure", "run"),
    (("kb", "import"), "handlers.questions.kb_cli", "configure_import", "run_import"),
    (("kb", "check"), "handlers.questions.kb_cli", "configure_check", "run_check"),
    (("programmes", "check"), "handlers.learning.cli", "configure_check", "run_check"),
    (("badges", "verify"), "handlers.learning.cli", "configure_verify", "run_verify"),
    (("report",), "handlers.learning.cli", "configure_report", "run_report"),
    (("enrol",), "handlers.learning.cli", "configure_enrol", "run_enrol"),
    (("keys", "rotate"), "handlers.moderation.keys_cli", "configure_rotate", "run_rotate"),
)
GROUP_HELP = {
    "eval": "measure the detector or the retriever on a labelled file",
    "kb": "knowledge base tools",
    "programmes": "learning programme tools",
    "badges": "Open Badges credentials",
    "keys": "the keys that encrypt held posts at rest",
}


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, default=argparse.SUPPRESS, help="path to practicebot.toml"
    )
    common.add_argument(
        "--log-level", default=argparse.SUPPRESS, help="DEBUG, INFO, WARNING (default INFO)"
    )
    parser = argparse.ArgumentParser(
        prog="practicebot",
        description="Practice Bot for closed groups of care practitioners.",
        parents=[common],
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(
        sub,
        "run",
        common,
        "start every adapter whose token is set (Slack, Telegram); with none, the console group",
    )
    run.add_argument("--port", type=int, default=3000, help="HTTP port for Slack/Telegram webhooks")
    run.set_defaults(func=cmd_run)

    console = _command(
        sub,
        "console",
        common,
        "the console closed group in this terminal: post as several members, press buttons",
    )
    console.add_argument("--script", help="play a script FILE (or - for stdin) and exit")
    console.set_defaults(func=cmd_console)

    check = _command(
        sub, "check-config", common, "validate the settings and say what would start, then exit"
    )
    check.set_defaults(func=cmd_check_config)

    health = _command(
        sub, "health", common, "exit 0 if the settings load and the database answers, else 3"
    )
    health.set_defaults(func=cmd_health)

    db = sub.add_parser("db", parents=[common], help="database tools")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser("upgrade", parents=[common], help="apply every migration")
    upgrade.set_defaults(func=cmd_db_upgrade)

    groups: dict[str, Any] = {}
    for words, module_name, configure_name, run_name in PLUGINS:
        module = _optional_module(module_name)
        if module is None or not hasattr(module, configure_name):
            continue
        parent = sub
        if len(words) == 2:
            group = words[0]
            if group not in groups:
                group_parser = sub.add_parser(group, parents=[common], help=GROUP_HELP[group])
                groups[group] = group_parser.add_subparsers(
                    dest=f"{group}_command", required=True, metavar="ACTION"
                )
            parent = groups[group]
        configure = getattr(module, configure_name)
        doc = (configure.__doc__ or module.__doc__ or "").strip().splitlines()
        summary = doc[0] if doc else None
        command = parent.add_parser(words[-1], parents=[common], help=summary, description=summary)
        configure(command)
        command.set_defaults(func=_plugin_runner(getattr(module, run_name)))
    return parser


def _command(sub: Any, name: str, common: argparse.ArgumentParser, text: str) -> Any:
    """A subcommand whose one line shows in the command list and atop its own --help."""
    return sub.add_parser(name, parents=[common], help=text, description=text[0].upper() + text[1:])


def _optional_module(name: str) -> Any:
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except ModuleNotFoundError:
        return None
    return importlib.import_module(name)


def _plugin_runner(run: Callable[[argparse.Namespace], Any]) -> Callable[[argparse.Namespace], int]:
    def runner(args: argparse.Namespace) -> int:
        result = run(args)
        if inspect.isawaitable(result):
            result = asyncio.run(_await(result))
        return int(result or 0)

    return runner


async def _await(awaitable: Any) -> Any:
    return await awaitable


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(getattr(args, "config", None))


def cmd_check_config(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    platforms = [name for name, on in _platforms(settings).items() if on] or ["console"]
    print(
        f"config OK ({settings.source}): adapters {', '.join(platforms)}; "
        f"database {settings.database_url.split(':', 1)[0]}; "
        f"moderation {settings.moderation.mode}; questions {settings.questions.retriever}"
    )
    return 0


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from bot.store import Store

    settings = settings_from(args)

    async def upgrade() -> None:
        store = Store(settings.database_url)
        try:
            await store.start()
        finally:
            await store.stop()

    asyncio.run(upgrade())
    print("database is at the newest schema")
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from bot.store import Store

    settings = settings_from(args)

    async def ping() -> None:
        store = Store(settings.database_url)
        try:
            await store.ping()
        finally:
            await store.stop()

    asyncio.run(ping())
    print("healthy")
    return 0


def _platforms(settings: Settings) -> dict[str, bool]:
    s = settings.secrets
    return {"slack": s.SLACK_BOT_TOKEN is not None, "telegram": s.TELEGRAM_BOT_TOKEN is not None}


# a platform's other settings, which mean nothing without its bot token
NEEDS_TOKEN = {
    "SLACK_BOT_TOKEN": ("SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_ADMIN_USER_TOKEN"),
    "TELEGRAM_BOT_TOKEN": ("TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET"),
}


def _refuse_half_configured(settings: Settings) -> None:
    """A platform's settings without its token are a mistake to name, not a reason to fall back
    to the console without a word."""
    given = settings.secrets.model_dump(exclude_none=True)
    for token, others in NEEDS_TOKEN.items():
        found = [name for name in others if name in given]
        if found and token not in given:
            raise ConfigError(
                f"{token}: not set, but {' and '.join(found)} {'is' if len(found) == 1 else 'are'} "
                f"set; set {token} too, or unset {' and '.join(found)} to start the console group"
            )


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    platforms = [name for name, on in _platforms(settings).items() if on]
    if not platforms:
        _refuse_half_configured(settings)
        print(
            "No SLACK_BOT_TOKEN or TELEGRAM_BOT_TOKEN set: starting the console group.",
            file=sys.stderr,
        )
        return _console(settings, None)
    if settings.moderation.mode == "enforce" and settings.secrets.PRACTICEBOT_SECRET_KEY is None:
        raise ConfigError(
            "PRACTICEBOT_SECRET_KEY: required when moderation.mode is 'enforce' (held posts are "
            "encrypted at rest); set it to a long random string"
        )
    asyncio.run(_serve(settings, platforms, args.port))
    return 0


async def _serve(settings: Settings, platforms: Sequence[str], port: int) -> None:
    from bot.app import App
    from bot.store import Store

    store = Store(settings.database_url)
    adapters = []
    for offset, name in enumerate(platforms):
        module = importlib.import_module(f"adapters.{name}")
        adapters.append(module.create(settings, store, port=port + offset))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with App(settings, adapters, store=store):
        await stop.wait()


def cmd_console(args: argparse.Namespace) -> int:
    return _console(settings_from(args), args.script)


def _console(settings: Settings, script: str | None) -> int:
    from adapters.console.runner import local_key_path, local_secret, run_console

    crypto_secret = None
    if settings.secrets.PRACTICEBOT_SECRET_KEY is None:
        # The console is a local sandbox: a local key, kept for the next session, keeps held
        # posts encrypted and still restorable after a restart.
        crypto_secret = local_secret(settings)
        if script is None:
            print(
                "PRACTICEBOT_SECRET_KEY is not set: held posts are encrypted with the local key "
                f"in {local_key_path(settings)}.",
                file=sys.stderr,
            )
    return run_console(settings, script, crypto_secret)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from bot.logs import configure_logging

    level = getattr(args, "log_level", "INFO")
    if args.command == "console" or (args.command == "run" and not _any_token()):
        Path("var").mkdir(exist_ok=True)
        configure_logging(level, open(Path("var") / "practicebot.log", "a", encoding="utf-8"))
    else:
        configure_logging(level)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"practicebot: configuration error: {exc}", file=sys.stderr)
        return 2
    except StorageUnavailable as exc:
        print(f"practicebot: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


def _any_token() -> bool:
    import os

    return bool(os.environ.get("SLACK_BOT_TOKEN") or os.environ.get("TELEGRAM_BOT_TOKEN"))

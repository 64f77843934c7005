"""`python -m bot` (also `practicebot`): run the bot, the console group, and the admin tools."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot import plugins
from bot.config import Settings, load_settings
from bot.errors import ConfigError, StorageUnavailable

log = logging.getLogger("bot.cli")


# The commands the core defines itself; a command line that names one of them is parsed without
# importing the features' commands (models, data tools), which would cost seconds at each start.
BUILT_IN = frozenset({"run", "console", "check-config", "health", "db"})
_TAKES_A_VALUE = frozenset({"--config", "--log-level"})


def build_parser(plugin_commands: bool = True) -> argparse.ArgumentParser:
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
    run.add_argument(
        "--port",
        type=_port,
        default=3000,
        help="the HTTP port: Slack's events, Telegram's webhook, /healthz, /readyz, /metrics",
    )
    run.set_defaults(func=cmd_run)

    console = _command(
        sub,
        "console",
        common,
        "the console closed group in this terminal: post as several members, press buttons",
    )
    console.add_argument("--script", help="play a script FILE (or - for stdin) and exit")
    console.add_argument(
        "--port",
        type=_port,
        help="serve /healthz, /readyz and /metrics on 127.0.0.1:PORT (console.http_port)",
    )
    console.set_defaults(func=cmd_console)

    check = _command(
        sub, "check-config", common, "validate the settings and say what would start, then exit"
    )
    check.add_argument(
        "--connect", action="store_true", help="also check that the database answers"
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
    for ep in plugins.found(plugins.COMMANDS) if plugin_commands else []:
        words = ep.name.split(".")
        command_plugin: plugins.CliCommand = ep.load()
        parent = sub
        if len(words) == 2:
            group = words[0]
            if group not in groups:
                group_parser = sub.add_parser(
                    group, parents=[common], help=command_plugin.group_help
                )
                groups[group] = group_parser.add_subparsers(
                    dest=f"{group}_command", required=True, metavar="ACTION"
                )
            parent = groups[group]
        doc = (command_plugin.configure.__doc__ or "").strip().splitlines()
        summary = doc[0] if doc else None
        command = parent.add_parser(words[-1], parents=[common], help=summary, description=summary)
        command_plugin.configure(command)
        command.set_defaults(func=_plugin_runner(command_plugin.run))
    return parser


def _command(sub: Any, name: str, common: argparse.ArgumentParser, text: str) -> Any:
    """A subcommand whose one line shows in the command list and atop its own --help."""
    return sub.add_parser(name, parents=[common], help=text, description=text[0].upper() + text[1:])


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
    platforms = validate(settings) or ["console"]
    database = settings.database_url.split(":", 1)[0]
    if args.connect:
        database += f" ({asyncio.run(_reachable(settings))})"
    print(
        f"config OK ({settings.source}): adapters {', '.join(platforms)}; "
        f"database {database}; "
        f"moderation {settings.moderation.mode}; questions {settings.questions.retriever}"
    )
    return 0


def validate(settings: Settings) -> list[str]:
    """Everything `run` checks before it starts, without starting anything: the database URL,
    each platform asked for, the secret key, and each feature's own settings (a knowledge base
    that loads, programmes that parse). Returns the platforms asked for; ConfigError otherwise."""
    from bot.crypto import Crypto
    from bot.feature import load_features
    from bot.store import check_database_url

    check_database_url(settings.database_url)
    chosen = [p for p in plugins.adapters() if p.configured(settings)]
    for plugin in chosen:
        plugin.check(settings)
    secret = settings.secrets.PRACTICEBOT_SECRET_KEY
    if secret is not None:
        Crypto(secret.get_secret_value())
    elif chosen and settings.moderation.mode == "enforce":
        raise ConfigError(
            "PRACTICEBOT_SECRET_KEY: required when moderation.mode is 'enforce' (held posts are "
            "encrypted at rest); set it to a long random string"
        )
    for feature in load_features(settings):
        check = getattr(feature, "check", None)
        if check is not None:
            check()
    return [p.name for p in chosen]


async def _reachable(settings: Settings) -> str:
    """How the database answers; a SQLite file not made yet must at least be makeable."""
    from bot.store import Store

    store = Store(settings.database_url)
    try:
        file = store.sqlite_file
        if file is not None and not file.exists():
            folder = next(p for p in (file.parent, *file.parent.parents) if p.exists())
            if not os.access(folder, os.W_OK):
                raise StorageUnavailable(
                    f"DATABASE_URL: the database file {file} does not exist and {folder} is not "
                    "writable, so the bot could not make it"
                )
            return f"{file} will be made at the first start"
        await store.ping()
        return "answers"
    finally:
        await store.stop()


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


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if not validate(settings):
        print("No platform token is set: starting the console group.", file=sys.stderr)
        return _console(settings, None)
    asyncio.run(_serve(settings, args.port))
    return 0


async def _serve(settings: Settings, port: int) -> None:
    from bot.app import App
    from bot.store import Store

    if settings.web.public_url is None:
        web = settings.web.model_copy(update={"public_url": f"http://127.0.0.1:{port}"})
        settings = settings.model_copy(update={"web": web})
    store = Store(settings.database_url)
    adapters = plugins.create_adapters(settings, store, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with App(settings, adapters, store=store):
        await stop.wait()


def cmd_console(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.port is not None:
        console = settings.console.model_copy(update={"http_port": args.port})
        settings = settings.model_copy(update={"console": console})
    return _console(settings, args.script)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, got {port}")
    return port


def _console(settings: Settings, script: str | None) -> int:
    # The console owns the terminal and runs its own event loop; without PRACTICEBOT_SECRET_KEY
    # it keeps a local key in the data folder, so held posts outlive a restart.
    run_console = plugins.load(plugins.CONSOLE)
    secret = settings.secrets.PRACTICEBOT_SECRET_KEY
    return int(run_console(settings, script, secret.get_secret_value() if secret else None))


def command_word(argv: Sequence[str]) -> str | None:
    """The command a command line names (its first word that is neither an option nor the value
    of --config or --log-level), or None."""
    words = iter(argv)
    for word in words:
        if word in _TAKES_A_VALUE:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(plugin_commands=command_word(given) not in BUILT_IN)
    args = parser.parse_args(given)
    from bot.logs import configure_logging

    level = getattr(args, "log_level", "INFO")
    if args.command in ("console", "run") and not _platform_asked_for(args):
        # the console owns the terminal: its log goes to a file
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


def _platform_asked_for(args: argparse.Namespace) -> bool:
    try:
        settings = settings_from(args)
        return any(p.configured(settings) for p in plugins.adapters())
    except ConfigError:
        return True  # `run` names the problem on standard error

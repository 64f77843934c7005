"""`python -m bot keys rotate`: every held post's original re-encrypted with the newest key."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import load_settings
from bot.crypto import Crypto
from bot.errors import ConfigError
from bot.plugins import CliCommand
from bot.store import Store
from bot.wording import counted
from handlers.moderation.records import HeldPosts


def configure_rotate(parser: argparse.ArgumentParser) -> None:
    """re-encrypt every held post with the newest PRACTICEBOT_SECRET_KEY (keys newest first)"""


async def _rotate(database_url: str, crypto: Crypto) -> tuple[int, list[int]]:
    store = Store(database_url)
    await store.start()
    try:
        return await HeldPosts(store).reencrypt(crypto.rotate)
    finally:
        await store.stop()


def run_rotate(args: argparse.Namespace) -> int:
    settings = load_settings(getattr(args, "config", None))
    secret = settings.secrets.PRACTICEBOT_SECRET_KEY
    if secret is None:
        raise ConfigError(
            "PRACTICEBOT_SECRET_KEY: not set; give the new key first, then the old ones "
            "(comma-separated), e.g. PRACTICEBOT_SECRET_KEY='new-key,old-key'"
        )
    crypto = Crypto(secret.get_secret_value())
    done, unreadable = asyncio.run(_rotate(settings.database_url, crypto))
    print(f"re-encrypted {counted(done, 'held post')} with the newest of {crypto.key_count} keys")
    if unreadable:
        ids = ", ".join(f"#{n}" for n in unreadable)
        print(
            f"{counted(len(unreadable), 'held post')} could not be opened with any key given and "
            f"{'was' if len(unreadable) == 1 else 'were'} left as {'it was' if len(unreadable) == 1 else 'they were'}: "
            f"{ids}; add the key they were held with to PRACTICEBOT_SECRET_KEY and run this again",
            file=sys.stderr,
        )
        return 1
    return 0


command = CliCommand(
    configure_rotate, run_rotate, group_help="the keys that encrypt held posts at rest"
)

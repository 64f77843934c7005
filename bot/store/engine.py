"""The Store: one async engine and session factory, migrated to the newest schema on start."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.errors import ConfigError, StorageUnavailable

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
PING_SECONDS = 5
CONNECT_SECONDS = 5


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def check_database_url(url: str) -> URL:
    """The URL parsed, or ConfigError naming what is wrong with it."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigError(
            f"DATABASE_URL: cannot parse {url!r}; expected e.g. "
            "sqlite+aiosqlite:///var/practicebot.db or postgresql+asyncpg://user@host/db"
        ) from exc
    if parsed.drivername not in {"sqlite+aiosqlite", "postgresql+asyncpg"}:
        raise ConfigError(
            f"DATABASE_URL: driver {parsed.drivername!r} is not supported; "
            "expected sqlite+aiosqlite or postgresql+asyncpg"
        )
    return parsed


class Store:
    def __init__(self, url: str) -> None:
        parsed = check_database_url(url)
        self.url = parsed
        self.is_postgres = parsed.drivername.startswith("postgresql")
        kwargs: dict[str, Any] = {}
        if self.is_postgres:
            # No pre-ping (a round trip on every checkout): a connection lost to a database
            # restart fails once, SQLAlchemy then renews the whole pool, and the event is
            # retried or sent again (bot/intake.py). The connect timeout keeps a database that
            # does not answer from holding an event past a platform's deadline.
            kwargs.update(pool_size=10, max_overflow=10, connect_args={"timeout": CONNECT_SECONDS})
        self.engine: AsyncEngine = create_async_engine(parsed, **kwargs)
        if not self.is_postgres:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def sqlite_file(self) -> Path | None:
        if self.is_postgres or self.url.database in (None, "", ":memory:"):
            return None
        return Path(str(self.url.database))

    async def start(self) -> None:
        """Connect and apply every migration; a database that does not answer is a clear error.
        A SQLite file is made here, with its folder, the first time."""
        if self.sqlite_file is not None:
            self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            async with self.engine.begin() as conn:
                await conn.run_sync(self._upgrade)
        except (TimeoutError, OSError, OperationalError, DBAPIError) as exc:
            raise StorageUnavailable(
                f"DATABASE_URL: cannot reach the database at "
                f"{self.url.render_as_string(hide_password=True)}: {_first_line(exc)}"
            ) from exc

    async def ping(self) -> None:
        """Raise StorageUnavailable unless the database answers; makes nothing (a SQLite file
        that does not exist yet is not a database that answers)."""
        where = self.url.render_as_string(hide_password=True)
        if self.sqlite_file is not None and not self.sqlite_file.is_file():
            raise StorageUnavailable(
                f"DATABASE_URL: the database file {self.sqlite_file} does not exist; start the "
                "bot or run `python -m bot db upgrade` to create it"
            )
        try:
            async with self.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), PING_SECONDS)
        except Exception as exc:
            raise StorageUnavailable(
                f"DATABASE_URL: the database at {where} does not answer: {_first_line(exc)}"
            ) from None

    @staticmethod
    def _upgrade(connection: Connection) -> None:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "heads")

    async def stop(self) -> None:
        await self.engine.dispose()

    @asynccontextmanager
    async def autocommit(self) -> AsyncIterator[AsyncConnection]:
        """A connection where each statement commits by itself: one round trip for a one-row
        write that needs no transaction around it (an event's claim)."""
        async with self.engine.connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed on success, rolled back on error."""
        async with self._sessions() as session, session.begin():
            yield session


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__

"""Shared fixtures: one storage suite, run on SQLite and on PostgreSQL.

PostgreSQL tests use a database of their own per test run (created and dropped here), emptied
between tests. When no server answers they are skipped with a loud warning, except where
PRACTICEBOT_REQUIRE_POSTGRES=1 (CI), where they fail.
"""

from __future__ import annotations

import asyncio
import os
import uuid
import warnings
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store import Store

PG_ADMIN_URL = os.environ.get(
    "PRACTICEBOT_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgres"]


async def _admin(sql: str) -> None:
    engine = create_async_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str | None]:
    name = f"pb_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        asyncio.run(asyncio.wait_for(_admin(f'CREATE DATABASE "{name}"'), 10))
    except Exception as exc:  # no server: say so loudly
        message = f"PostgreSQL at {PG_ADMIN_URL} did not answer ({exc!r}); PostgreSQL tests SKIPPED"
        if os.environ.get("PRACTICEBOT_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        warnings.warn(message, pytest.PytestWarning, stacklevel=1)
        yield None
        return
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    url = request.getfixturevalue("postgres_url")
    if url is None:
        pytest.skip("PostgreSQL not reachable (see the warning above)")
    return str(url)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[Store]:
    """A migrated, empty store on each backend."""
    store = Store(database_url)
    await store.start()
    if store.is_postgres:
        async with store.engine.begin() as conn:
            names = (
                (
                    await conn.execute(
                        text(
                            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                            "AND tablename <> 'alembic_version'"
                        )
                    )
                )
                .scalars()
                .all()
            )
            if names:
                quoted = ", ".join(f'"{n}"' for n in names)
                await conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    try:
        yield store
    finally:
        await store.stop()

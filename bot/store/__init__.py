"""Storage: SQLAlchemy 2 async, SQLite by default, PostgreSQL by DATABASE_URL."""

from bot.store.base import Base, UTCDateTime
from bot.store.engine import Store, check_database_url

__all__ = ["Base", "Store", "UTCDateTime", "check_database_url"]

"""Storage: `open_store(url)` picks the backend by URL; `migrate(url)` brings its schema up to date."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from waaah.errors import ConfigError
from waaah.store.base import Reader, Store, TaskQuery, Writer

__all__ = ["Reader", "Store", "TaskQuery", "Writer", "migrate", "open_store"]

MIGRATIONS = Path(__file__).parent / "migrations"


def _backend(url: str) -> str:
    scheme = url.split("://", 1)[0].split("+", 1)[0]
    if scheme in ("sqlite", "postgresql", "postgres"):
        return "postgresql" if scheme == "postgres" else scheme
    raise ConfigError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://...")


def open_store(url: str) -> Store:
    """The store for `url`; the driver is imported only when its backend is used."""
    if _backend(url) == "sqlite":
        from waaah.store.sqlite import SqliteStore
        return SqliteStore(url)
    from waaah.store.postgres import PostgresStore
    return PostgresStore(url)


def migrate(url: str) -> None:
    """Apply every pending migration (idempotent; safe when several processes start at once)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if _backend(url) == "sqlite":
        from waaah.store import sqlite
        engine = sa.create_engine(sqlite.sync_url(url))
        sqlite.apply_pragmas(engine)
        lock = None
    else:
        from waaah.store import postgres
        engine = sa.create_engine(postgres.sync_url(url))
        lock = postgres.MIGRATION_LOCK
    try:
        with engine.begin() as conn:
            if lock is not None:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    finally:
        engine.dispose()

"""Schema migrations (alembic). The server runs this module as a child process (`migrate_in_child`),
so alembic and SQLAlchemy are never loaded into the long-running server (about 30 MB it would keep)."""

from __future__ import annotations

import sys
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from waaah.store import backend_of

MIGRATIONS = Path(__file__).parent / "migrations"


def _engine(url: str) -> tuple[sa.Engine, int | None]:
    if backend_of(url) == "sqlite":
        from waaah.store import sqlite

        engine = sa.create_engine(sqlite.sync_url(url))
        sa.event.listen(engine, "connect", sqlite.apply_pragmas)
        return engine, None
    from waaah.store import postgres

    return sa.create_engine(postgres.sync_url(url)), postgres.MIGRATION_LOCK


def upgrade(url: str) -> None:
    """Apply every pending migration (idempotent; safe when several processes start at once)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine, lock = _engine(url)
    try:
        with engine.begin() as conn:
            if lock is not None:
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    finally:
        engine.dispose()


if __name__ == "__main__":
    upgrade(sys.argv[1])

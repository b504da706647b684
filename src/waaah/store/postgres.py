"""PostgreSQL backend: writers serialise on the event counter's row lock, so `seq` order is commit order."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from waaah.store import schema as t
from waaah.store.sql import SqlStore

MIGRATION_LOCK = 0x5A4148  # pg_advisory_lock key held while migrating


def sync_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


class PostgresStore(SqlStore):
    def __init__(self, url: str) -> None:
        engine = create_async_engine(sync_url(url), pool_size=10, max_overflow=20)
        super().__init__(url, engine)

    async def lock_writers(self, conn: AsyncConnection) -> None:
        counter = sa.select(t.counters.c.value).where(t.counters.c.name == "event_seq")
        await conn.execute(counter.with_for_update())

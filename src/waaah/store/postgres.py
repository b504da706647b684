"""PostgreSQL backend: writers serialise on the event counter's row lock, so `seq` order is commit
order, and each commit that appended events notifies the other processes' tailers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import psycopg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from waaah.store import schema as t
from waaah.store.sql import SqlStore, SqlTx

MIGRATION_LOCK = 0x5A4148  # pg_advisory_lock key held while migrating
CHANNEL = "waaah_events"


def sync_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


class PostgresStore(SqlStore):
    def __init__(self, url: str) -> None:
        engine = create_async_engine(sync_url(url), pool_size=10, max_overflow=20)
        super().__init__(url, engine)

    async def lock_writers(self, conn: AsyncConnection) -> None:
        counter = sa.select(t.counters.c.value).where(t.counters.c.name == "event_seq")
        await conn.execute(counter.with_for_update())

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        async with super().write() as tx:
            yield tx
            if tx.appended:
                await tx.conn.execute(sa.select(sa.func.pg_notify(CHANNEL, "")))

    async def notifications(self) -> AsyncIterator[None]:
        conn = await psycopg.AsyncConnection.connect(libpq_url(self.url), autocommit=True)
        try:
            await conn.execute(f"LISTEN {CHANNEL}")
            async for _ in conn.notifies():
                yield None
        finally:
            await conn.close()

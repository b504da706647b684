"""PostgreSQL backend (psycopg 3, async, pooled). Writers serialise on the event counter's row lock,
so `seq` order is commit order across processes; each commit that appended events notifies the
other processes' tailers (LISTEN/NOTIFY)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import set_json_loads
from psycopg_pool import AsyncConnectionPool

from waaah.domain.json_limits import decode
from waaah.store.sql import Row, SqlTx

MIGRATION_LOCK = 0x5A4148  # pg_advisory_lock key held while migrating
CHANNEL = "waaah_events"
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def sync_url(url: str) -> str:
    """The SQLAlchemy URL migrations use."""
    return "postgresql+psycopg://" + url.split("://", 1)[1]


def libpq_url(url: str) -> str:
    return "postgresql://" + url.split("://", 1)[1]


@lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """`:name` parameters in psycopg's `%(name)s` style (literal % doubled)."""
    return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))


class PostgresConnection:
    def __init__(self, raw: psycopg.AsyncConnection[Row]) -> None:
        self.raw = raw

    async def rows(self, sql: str, params: dict[str, Any]) -> list[Row]:
        cursor = await self.raw.execute(pyformat(sql), params)
        return await cursor.fetchall() if cursor.description else []

    async def run(self, sql: str, params: dict[str, Any]) -> int:
        cursor = await self.raw.execute(pyformat(sql), params)
        return cursor.rowcount


async def _configure(raw: psycopg.AsyncConnection[Row]) -> None:
    """JSON columns decode as SQLite's do (`json_limits.decode`): stored JSON never fails a read."""
    set_json_loads(decode, raw)


class PostgresTx(SqlTx):
    NO_LIMIT = "LIMIT ALL"
    BY_STATUS = "tasks"  # PostgreSQL's statistics know how few tasks are reserved or held


class PostgresStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.pool: AsyncConnectionPool[psycopg.AsyncConnection[Row]] = AsyncConnectionPool(
            libpq_url(url), min_size=2, max_size=20, open=False, configure=_configure,
            kwargs={"row_factory": dict_row, "autocommit": True})
        self._opened = False

    async def _pool(self) -> AsyncConnectionPool[psycopg.AsyncConnection[Row]]:
        if not self._opened:
            await self.pool.open()
            self._opened = True
        return self.pool

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTx]:
        async with (await self._pool()).connection() as raw:
            yield PostgresTx(PostgresConnection(raw))

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqlTx]:
        """One REPEATABLE READ, READ ONLY transaction: every statement sees the snapshot its first took."""
        async with (await self._pool()).connection() as raw, raw.transaction():
            await raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield PostgresTx(PostgresConnection(raw))

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        async with (await self._pool()).connection() as raw, raw.transaction():
            conn = PostgresConnection(raw)
            locked = await conn.rows("SELECT value FROM counters WHERE name = 'event_seq' FOR UPDATE", {})
            tx = PostgresTx(conn, last_seq=int(locked[0]["value"]))
            yield tx
            await tx.flush()
            if tx.newest_seq is not None:  # delivered at commit; the payload is the newest seq
                await conn.run("SELECT pg_notify(:channel, :seq)", {"channel": CHANNEL, "seq": str(tx.newest_seq)})

    async def notifications(self) -> AsyncIterator[int | None]:
        conn = await psycopg.AsyncConnection.connect(libpq_url(self.url), autocommit=True)
        try:
            await conn.execute(f"LISTEN {CHANNEL}")
            yield None  # listening now: what committed before was not notified, so catch up once
            async for notice in conn.notifies():
                yield int(notice.payload) if notice.payload.isdigit() else None
        finally:
            await conn.close()

    async def close(self) -> None:
        if self._opened:
            await self.pool.close()

"""SQLite backend: one file in WAL mode, driven through the standard `sqlite3` module on the event
loop's thread (a statement costs microseconds; WAL commits with synchronous=NORMAL do not fsync).
Writers are serialised in-process; readers use their own connections and see committed data only."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from waaah.store.sql import Row, SqlTx

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
           "PRAGMA busy_timeout=5000")
READERS = 4
CHECKPOINT_EVERY = 200  # commits between WAL checkpoints, which run off the event loop


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1] if ":///" in url else ""


def sync_url(url: str) -> str:
    """The SQLAlchemy URL migrations use; creates the database's folder."""
    path = sqlite_path(url)
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + path


def apply_pragmas(dbapi_conn: Any, _record: Any = None) -> None:
    for pragma in PRAGMAS:
        dbapi_conn.execute(pragma)


def _rows(cursor: sqlite3.Cursor) -> list[Row]:
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


NEWEST_SEQ = ("SELECT MAX(COALESCE((SELECT MAX(seq) FROM events), 0), "
              "COALESCE((SELECT value FROM counters WHERE name = 'event_seq'), 0))")
"""The log's newest seq: its largest rowid (pruning keeps the newest event), or the `counters` row
where a database last written by an older version keeps it."""


class SqliteTx(SqlTx):
    COUNTER = False
    """SQLite has one writer at a time, and the store numbers events itself (`SqliteStore.write`):
    a write moves no counter row, one statement and one page fewer per transaction."""

    async def last_seq(self) -> int:
        return int(await self._value(NEWEST_SEQ) or 0)


class SqliteConnection:
    def __init__(self, raw: sqlite3.Connection) -> None:
        self.raw = raw

    async def rows(self, sql: str, params: dict[str, Any]) -> list[Row]:
        return _rows(self.raw.execute(sql, params))

    async def run(self, sql: str, params: dict[str, Any]) -> int:
        return self.raw.execute(sql, params).rowcount


def _connect(path: str) -> sqlite3.Connection:
    raw = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    apply_pragmas(raw)
    return raw


class SqliteStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.path = str(Path(sqlite_path(sync_url(url))).expanduser())
        self._writer_conn = _connect(self.path)
        self._writer_conn.execute("PRAGMA wal_autocheckpoint=0")
        self._writer = asyncio.Lock()
        self._readers: list[sqlite3.Connection] = []
        self._commits = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self._seq = 0  # the newest seq, as of `_version`
        self._version: int | None = None  # the writer's `PRAGMA data_version` when `_seq` was read

    @asynccontextmanager
    async def _reader(self) -> AsyncIterator[sqlite3.Connection]:
        raw = self._readers.pop() if self._readers else _connect(self.path)
        try:
            yield raw
        finally:
            if len(self._readers) < READERS:
                self._readers.append(raw)
            else:
                raw.close()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTx]:
        async with self._reader() as raw:
            yield SqliteTx(SqliteConnection(raw))

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[SqlTx]:
        """One read transaction: in WAL mode it sees the database as of its first read, whatever
        commits meanwhile, and blocks no writer."""
        async with self._reader() as raw:
            raw.execute("BEGIN")
            try:
                yield SqliteTx(SqliteConnection(raw))
            finally:
                raw.execute("ROLLBACK")

    def _newest_seq(self, raw: sqlite3.Connection) -> int:
        """The newest seq, inside the write lock: read again only when another connection (another
        process on the same file) has committed since it was last read."""
        version = raw.execute("PRAGMA data_version").fetchone()[0]
        if version != self._version:
            self._seq, self._version = int(raw.execute(NEWEST_SEQ).fetchone()[0] or 0), version
        return self._seq

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        async with self._writer:
            raw = self._writer_conn
            raw.execute("BEGIN IMMEDIATE")
            try:
                tx = SqliteTx(SqliteConnection(raw), last_seq=self._newest_seq(raw))
                yield tx
                await tx.flush()
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
            if tx.newest_seq is not None:  # this connection's own commit leaves data_version as it was
                self._seq = tx.newest_seq
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0 and (self._checkpoint is None or self._checkpoint.done()):
                self._checkpoint = asyncio.create_task(asyncio.to_thread(self._run_checkpoint))

    def _run_checkpoint(self) -> None:
        """Copy the WAL into the database file (and fsync) on a worker thread, not in a commit."""
        raw = _connect(self.path)
        try:
            raw.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            raw.close()

    def notifications(self) -> AsyncIterator[int | None] | None:
        return None

    async def close(self) -> None:
        if self._checkpoint is not None:
            await self._checkpoint
        for raw in [*self._readers, self._writer_conn]:
            raw.close()
        self._readers.clear()

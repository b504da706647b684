"""SQLite backend: one file in WAL mode; writers are serialised in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from waaah.store.sql import SqlStore, SqlTx

PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON",
           "PRAGMA busy_timeout=5000")


def sqlite_path(url: str) -> str:
    return url.split(":///", 1)[1] if ":///" in url else ""


def sync_url(url: str) -> str:
    _ensure_folder(url)
    return "sqlite:///" + sqlite_path(url)


def _ensure_folder(url: str) -> None:
    path = sqlite_path(url)
    if path and path != ":memory:":
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _apply_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def apply_pragmas(engine: sa.Engine) -> None:
    sa.event.listen(engine, "connect", _apply_pragmas)


class SqliteStore(SqlStore):
    def __init__(self, url: str) -> None:
        _ensure_folder(url)
        engine = create_async_engine("sqlite+aiosqlite:///" + sqlite_path(url), pool_size=8)
        apply_pragmas(engine.sync_engine)
        super().__init__(url, engine)
        self._writer = asyncio.Lock()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        async with self._writer, super().write() as tx:
            yield tx

"""Storage: `open_store(url)` picks the backend by URL; `migrate(url)` brings its schema up to date."""

from __future__ import annotations

import subprocess
import sys

from waaah.errors import ConfigError
from waaah.store.base import Reader, Store, TaskQuery, Writer

__all__ = ["Reader", "Store", "TaskQuery", "Writer", "backend_of", "migrate", "migrate_in_child", "open_store"]


def backend_of(url: str) -> str:
    scheme = url.split("://", 1)[0].split("+", 1)[0]
    if scheme in ("sqlite", "postgresql", "postgres"):
        return "postgresql" if scheme == "postgres" else scheme
    raise ConfigError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://...")


def open_store(url: str) -> Store:
    """The store for `url`; the driver is imported only when its backend is used."""
    if backend_of(url) == "sqlite":
        from waaah.store.sqlite import SqliteStore
        return SqliteStore(url)
    from waaah.store.postgres import PostgresStore
    return PostgresStore(url)


def migrate(url: str) -> None:
    """Apply every pending migration, in this process (tests, tools)."""
    from waaah.store.migrate import upgrade

    upgrade(url)


def migrate_in_child(url: str) -> None:
    """`migrate` in a child Python process (the server's way); a failure becomes a ConfigError."""
    done = subprocess.run([sys.executable, "-m", "waaah.store.migrate", url], capture_output=True, text=True)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise ConfigError(f"migrating the store failed: {last[0]}")

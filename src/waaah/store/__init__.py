"""Storage: `open_store(url)` picks the backend by URL; `migrate(url)` brings its schema up to date."""

from __future__ import annotations

import subprocess
import sys

from waaah.errors import ConfigError
from waaah.store.base import Reader, Store, TaskQuery, Writer

__all__ = ["Reader", "Store", "TaskQuery", "Writer", "backend_of", "ensure_migrated", "migrate", "open_store",
           "start_migrating"]


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
    from waaah.store.migrator import upgrade

    upgrade(url)


_MIGRATING: dict[str, subprocess.Popen[str]] = {}


def _spawn_migration(url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "waaah.store.migrator", url], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def start_migrating(url: str) -> None:
    """Begin migrating in a child process if the database is behind, without waiting for it.

    `serve` calls this before it imports the web application, so the child's work overlaps the
    server's imports; `ensure_migrated` then waits for that child."""
    if url not in _MIGRATING and current_revision(url) != head_revision():
        _MIGRATING[url] = _spawn_migration(url)


def migrate_in_child(url: str) -> None:
    """`migrate` in a child Python process (the server's way); a failure becomes a ConfigError."""
    child = _MIGRATING.pop(url, None) or _spawn_migration(url)
    _, stderr = child.communicate()
    if child.returncode != 0:
        last = stderr.strip().splitlines()[-1:] or [f"exit code {child.returncode}"]
        raise ConfigError(f"migrating the store failed: {last[0]}")


def head_revision() -> str:
    """The newest migration's revision id (the one no other migration revises)."""
    import re
    from pathlib import Path

    revisions: dict[str, str | None] = {}
    for path in (Path(__file__).parent / "migrations" / "versions").glob("*.py"):
        text = path.read_text()
        found = re.search(r'^revision = "([^"]+)"', text, re.M)
        if found:
            down = re.search(r'^down_revision = "([^"]+)"', text, re.M)
            revisions[found.group(1)] = down.group(1) if down else None
    heads = set(revisions) - {d for d in revisions.values() if d}
    if len(heads) != 1:
        raise ConfigError(f"the migrations have {len(heads)} heads; expected one")
    return heads.pop()


def current_revision(url: str) -> str | None:
    """The revision the database is at, read with the plain driver (None: not migrated yet)."""
    query = "SELECT version_num FROM alembic_version"
    try:
        if backend_of(url) == "sqlite":
            import sqlite3

            from waaah.store.sqlite import sqlite_path

            connection = sqlite3.connect(f"file:{sqlite_path(url)}?mode=ro", uri=True)
            try:
                row = connection.execute(query).fetchone()
            finally:
                connection.close()
        else:
            import psycopg

            from waaah.store.postgres import libpq_url

            with psycopg.connect(libpq_url(url)) as pg:
                row = pg.execute(query).fetchone()
    except Exception:  # no file, no table, no server yet: migrating will tell what is wrong
        return None
    return str(row[0]) if row else None


def ensure_migrated(url: str) -> None:
    """Migrate (in a child process) unless the database is already at the newest revision."""
    if url in _MIGRATING or current_revision(url) != head_revision():
        migrate_in_child(url)

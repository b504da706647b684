"""Fixtures shared by every test: settings, a real store on each backend, the hub, an API client."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from tests.pg_cluster import Unavailable, find_server
from waaah.bus import Bus
from waaah.config import Settings, load_settings
from waaah.domain.records import Event
from waaah.service import Hub
from waaah.store import migrate, open_store

if TYPE_CHECKING:
    from tests.live import LiveServer

API_KEY = "test-key"
POSTGRES_ENV = "WAAAH_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def make_settings(database_url: str, **env: str) -> Settings:
    return load_settings({"WAAAH_API_KEY": API_KEY, "WAAAH_DATABASE_URL": database_url, **env})


POSTGRES_SKIPS: list[str] = []
"""Why the PostgreSQL tests were skipped, once found (the terminal summary counts those skips)."""


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The PostgreSQL server the tests use: WAAAH_TEST_POSTGRES_URL, the default, or a throwaway cluster."""
    try:
        with find_server(os.environ.get(POSTGRES_ENV)) as url:
            yield url
    except Unavailable as unavailable:
        POSTGRES_SKIPS.append(str(unavailable))
        pytest.skip(str(unavailable))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the reason in pytest's last line when the PostgreSQL tests could not run."""
    for reason in POSTGRES_SKIPS:
        skipped = [r for r in terminalreporter.stats.get("skipped", [])
                   if isinstance(r.longrepr, tuple) and reason in r.longrepr[2]]
        terminalreporter.stats[f"PostgreSQL tests skipped: {reason}"] = skipped


@pytest.fixture(scope="session")
def postgres_template(postgres_url: str) -> Iterator[str]:
    """A migrated template database; each test gets a fresh copy of it."""
    base = postgres_url
    name = f"waaah_tpl_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    migrate(_with_db(base, name))
    yield name
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _with_db(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on the backend the test is parametrised with."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/waaah.db"
        migrate(url)
        yield url
        return
    template = request.getfixturevalue("postgres_template")
    base = request.getfixturevalue("postgres_url")
    name = f"waaah_t_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _with_db(base, name)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


class Recorder:
    """Collects what the bus delivers, for assertions."""

    def __init__(self, bus: Bus) -> None:
        self.events: list[Event] = []
        bus.subscribe(lambda event: self.events.append(event))

    def take(self) -> list[Event]:
        taken, self.events = self.events, []
        return taken

    def names(self) -> list[str]:
        return [e.name for e in self.take()]


@pytest.fixture
async def hub(settings: Settings) -> AsyncIterator[Hub]:
    store = open_store(settings.database_url)
    async with store.read() as tx:
        bus = Bus(await tx.last_seq())
    yield Hub(store, bus, settings)
    await store.close()


@pytest.fixture
def recorder(hub: Hub) -> Recorder:
    return Recorder(hub.bus)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncClient]:
    """An in-process HTTP client on the full app (guard, errors, lifespan), with the key."""
    from waaah.web.app import create_app

    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = ASGITransport(app=manager.app)
        async with AsyncClient(transport=transport, base_url="http://localhost",
                               headers={"X-API-Key": API_KEY}) as http:
            yield http


@pytest.fixture
async def live(settings: Settings) -> AsyncIterator[LiveServer]:
    """The full app served by uvicorn on a random port, in this process."""
    from tests.live import serve_in_process

    async with serve_in_process(settings) as server:
        yield server

"""The CLI tests' server: one `waaah serve` subprocess per module, and REST access to check results."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import API_KEY
from tests.live import ServerProcess, server_process


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A `waaah serve` subprocess on SQLite, shared by a test module (the CLI's server)."""
    tmp = tmp_path_factory.mktemp("cli-hub")
    with server_process(tmp, f"sqlite:///{tmp}/waaah.db", API_KEY) as server:
        yield server


@pytest.fixture
def rest(hub: ServerProcess) -> Iterator[httpx.Client]:
    """REST access to that server, to check what the CLI did."""
    with httpx.Client(base_url=hub.url, headers={"X-API-Key": API_KEY}, timeout=30) as client:
        yield client

"""The runner tests' hub: a `waaah serve` subprocess on SQLite per test, so agents and tasks never leak
from one test into the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY
from tests.integration.runner.runner_support import make_repo
from tests.live import ServerProcess, server_process


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[ServerProcess]:
    with server_process(tmp_path, f"sqlite:///{tmp_path}/waaah.db", API_KEY) as server:
        yield server


@pytest.fixture
def rest(hub: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hub.url, headers={"X-API-Key": API_KEY}, timeout=30) as client:
        yield client


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "shop")


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return tmp_path / "fake-runs.jsonl"

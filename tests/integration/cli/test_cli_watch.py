"""`waaah watch` against a real server: live lines right after a REST write, and replay after a restart."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY
from tests.integration.cli.cli_runner import Lines, running
from tests.live import ServerProcess, free_port, server_process

WITHIN_A_SECOND = 1.0
"""The issue's promise: a REST write shows up in `watch` within a second."""
STARTUP = 60.0


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    tmp = tmp_path_factory.mktemp("watch-hub")
    with server_process(tmp, f"sqlite:///{tmp}/waaah.db", API_KEY) as server:
        yield server


def enqueue(url: str, prompt: str) -> str:
    answer = httpx.post(f"{url}/admin/enqueue", json={"prompt": prompt}, headers={"X-API-Key": API_KEY}, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["taskId"])


def next_event(lines: Lines, timeout: float) -> dict[str, object]:
    event: dict[str, object] = json.loads(lines.next(timeout))
    return event


def test_watch_prints_an_event_within_a_second_of_a_rest_write(hub: ServerProcess) -> None:
    with running(hub.url, "watch", "--json", "--no-agents") as lines:
        assert next_event(lines, STARTUP)["event"] == "sync:full"
        task_id = enqueue(hub.url, "show me live")
        event = next_event(lines, WITHIN_A_SECOND)
        assert (event["event"], event["id"], event["status"]) == (f"task:{task_id}:created", task_id, "QUEUED")


def test_watch_prints_readable_lines_and_stops_after_count(hub: ServerProcess) -> None:
    with running(hub.url, "watch", "--no-agents", "--count", "1") as lines:
        assert " synced: " in lines.next(STARTUP)
        task_id = enqueue(hub.url, "Readable title")
        assert lines.next(STARTUP).endswith(f"{task_id} created  QUEUED  normal  Readable title")
        assert lines.process.wait(timeout=STARTUP) == 0


def test_watch_replays_what_it_missed_while_the_server_was_down(hub: ServerProcess, tmp_path: Path) -> None:
    """`watch` follows a second server on the same database. The first one writes while the watched
    one is down; after its restart `watch` prints the missed event, then live ones, once each, in order."""
    port = free_port()
    watched = ServerProcess({**hub.env, "WAAAH_PORT": str(port)}, port, tmp_path / "watched.log")
    watched.start()
    try:
        with running(watched.url, "watch", "--json", "--no-agents") as lines:
            assert next_event(lines, STARTUP)["event"] == "sync:full"
            before = enqueue(watched.url, "before the crash")
            assert next_event(lines, STARTUP)["id"] == before
            watched.kill()
            missed = enqueue(hub.url, "while the watched server is down")
            watched.start()
            after = enqueue(watched.url, "after the restart")
            events = [next_event(lines, STARTUP), next_event(lines, STARTUP)]
    finally:
        watched.stop()
    assert [e["id"] for e in events] == [missed, after]
    seqs = [int(str(e["seq"])) for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == 2

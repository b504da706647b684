"""kill -9 loses nothing: committed tasks and events survive, and `seq` keeps counting."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.conftest import API_KEY
from tests.live import server_process

HEADERS = {"X-API-Key": API_KEY}


def test_a_killed_server_restarts_with_its_tasks_and_its_event_sequence(tmp_path: Path, database_url: str) -> None:
    with server_process(tmp_path, database_url, API_KEY) as server:
        created = httpx.post(f"{server.url}/admin/enqueue", json={"prompt": "survive"}, headers=HEADERS)
        assert created.status_code == 200
        task_id = created.json()["taskId"]
        cancelled = httpx.post(f"{server.url}/admin/tasks/{task_id}/cancel", headers=HEADERS)
        assert cancelled.status_code == 200
        last = httpx.get(f"{server.url}/admin/events", headers=HEADERS).json()["lastSeq"]
        assert last >= 2

        server.kill()
        server.start()

        task = httpx.get(f"{server.url}/admin/tasks/{task_id}", headers=HEADERS).json()
        assert task["status"] == "CANCELLED"
        httpx.post(f"{server.url}/admin/tasks/{task_id}/retry", headers=HEADERS).raise_for_status()
        events = httpx.get(f"{server.url}/admin/events", params={"since": last}, headers=HEADERS).json()
        assert [e["seq"] for e in events["events"]] == [last + 1]
        assert events["events"][0]["payload"]["status"] == "QUEUED"

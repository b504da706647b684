"""Webhooks across a crash and across processes: `waaah serve` killed with -9 mid-backlog resumes where
it stopped; three processes on one PostgreSQL database deliver each event once."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import API_KEY
from tests.integration.hooks_support import WAIT, Delivery, Receiver, receiving
from tests.live import cluster, server_process

SECRET = "s3cret-for-the-tests-only"
ENV = {"WAAAH_HOOK_RETRY_BASE": "0.05", "WAAAH_HOOK_RETRY_MAX": "0.2", "WAAAH_HOOK_LEASE": "1",
       "WAAAH_SCHEDULER_TICK": "0.5"}
"""A one-second lease, so the restarted hub takes over the killed one's hook at once."""


def add_hook(http: httpx.Client, url: str) -> None:
    response = http.post("/admin/hooks", json={"url": url, "events": ["task:*:created"], "secret": SECRET})
    assert response.status_code == 200, response.text


def enqueue(http: httpx.Client, prompt: str) -> str:
    response = http.post("/admin/enqueue", json={"prompt": prompt})
    assert response.status_code == 200, response.text
    return str(response.json()["taskId"])


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"X-API-Key": API_KEY}, timeout=WAIT)


def test_a_hub_killed_mid_backlog_delivers_the_rest_after_a_restart(tmp_path: Path) -> None:
    third: list[int] = []

    def hold_the_third(delivery: Delivery) -> bool:
        """Keep the third delivery's answer back (once): the hub is killed while it waits for it."""
        third.append(delivery.seq)
        return len(third) == 3

    url = f"sqlite:///{tmp_path}/waaah.db"
    with receiving(Receiver(SECRET, hold=hold_the_third)) as receiver, \
            server_process(tmp_path, url, API_KEY, **ENV) as hub, client(hub.url) as http:
        add_hook(http, receiver.url)
        ids = [enqueue(http, f"task {n}") for n in range(8)]
        assert receiver.held.wait(WAIT)
        hub.kill()
        receiver.release.set()
        hub.start()
        receiver.wait_seqs(8)
        got = [d.body["entityId"] for d in receiver.deliveries]
        assert list(dict.fromkeys(got)) == ids  # every one, in order
        repeated = {d.seq for d in receiver.deliveries if got.count(d.body["entityId"]) > 1}
        assert repeated <= {third[2]}  # only the one in flight at the kill may come twice
        assert all(d.signed for d in receiver.deliveries)


@pytest.mark.postgres
def test_three_processes_on_postgres_deliver_each_event_once(tmp_path: Path, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a PostgreSQL database only")
    env = {**ENV, "WAAAH_HOOK_LEASE": "30"}
    with receiving(Receiver(SECRET)) as receiver, cluster(tmp_path, database_url, API_KEY, 3, **env) as servers:
        clients = [client(s.url) for s in servers]
        add_hook(clients[0], receiver.url)
        ids = [enqueue(clients[n % 3], f"task {n}") for n in range(30)]
        receiver.wait_seqs(30)
        got = [d.body["entityId"] for d in receiver.deliveries]
        assert got == ids  # each once, in seq order (the order they were created in)
        for http in clients:
            http.close()


@pytest.mark.postgres
def test_a_hook_added_on_one_process_is_delivered_by_another(tmp_path: Path, database_url: str) -> None:
    """The second process learns of the hook from its event alone: its slow tick never comes."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several processes share a PostgreSQL database only")
    env = {**ENV, "WAAAH_SCHEDULER_TICK": "3600"}
    with receiving(Receiver(SECRET)) as receiver, cluster(tmp_path, database_url, API_KEY, 2, **env) as servers:
        adder, other = client(servers[0].url), client(servers[1].url)
        add_hook(adder, receiver.url)
        adder.close()
        servers[0].stop()
        task_id = enqueue(other, "after the hook")
        receiver.wait_seqs(1)
        assert [d.body["entityId"] for d in receiver.deliveries] == [task_id]
        other.close()

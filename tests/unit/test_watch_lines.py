"""What `waaah watch` prints: one readable line per event, no duplicates, a note when replay was impossible."""

from __future__ import annotations

import json
from datetime import datetime

from waaah.commands.watch import Watcher, describe, split_name


def watcher(**kwargs: object) -> Watcher:
    return Watcher(clock=lambda: datetime(2030, 1, 2, 3, 4, 5), **kwargs)  # type: ignore[arg-type]


def test_the_first_sync_prints_a_summary_and_sets_the_seq() -> None:
    w = watcher()
    assert w.on_sync({"tasks": [{}, {}], "agents": [{}], "seq": 7}) == ["03:04:05 synced: 2 tasks, 1 agents at seq 7"]
    assert w.last_seq == 7


def test_events_print_once_each_even_when_replayed_twice() -> None:
    w = watcher(last_seq=3)
    event = {"id": "task-1", "seq": 4, "status": "IN_PROGRESS"}
    assert w.on_event("task:task-1:updated", event) == ["03:04:05 #4 task-1 → IN_PROGRESS"]
    assert w.on_event("task:task-1:updated", event) == []
    assert w.on_event("task:task-1:updated", {**event, "seq": 3}) == []
    assert (w.last_seq, w.printed) == (4, 1)


def test_a_sync_with_cards_as_rows_counts_them_the_same() -> None:
    rows = {"taskFields": ["id", "status", "title"], "tasks": [["t1", "QUEUED", "A"], ["t2", "QUEUED", "B"]],
            "agents": [], "seq": 3}
    assert watcher().on_sync(rows) == ["03:04:05 synced: 2 tasks, 0 agents at seq 3"]


def test_a_sync_after_a_reconnect_says_missed_events_were_not_replayed() -> None:
    w = watcher(last_seq=4)
    [line] = w.on_sync({"tasks": [], "agents": [], "seq": 9})
    assert "not be replayed" in line and w.last_seq == 9


def test_a_server_whose_log_went_backwards_is_followed() -> None:
    w = watcher(last_seq=40)
    w.on_sync({"tasks": [], "agents": [], "seq": 2})
    assert w.on_event("task:t:deleted", {"id": "t", "seq": 3}) == ["03:04:05 #3 t deleted {\"id\": \"t\", \"seq\": 3}"]


def test_json_mode_prints_the_event_name_and_payload() -> None:
    w = watcher(as_json=True)
    [line] = w.on_event("task:t:created", {"id": "t", "seq": 1, "status": "QUEUED"})
    assert json.loads(line) == {"event": "task:t:created", "id": "t", "seq": 1, "status": "QUEUED"}


def test_created_updated_and_agent_events_read_as_sentences() -> None:
    assert describe("task:t:created", {"title": "Fix it", "status": "QUEUED", "priority": "high"}) == (
        "t created  QUEUED  high  Fix it")
    message = {"role": "agent", "content": "Writing the change"}
    assert describe("task:t:updated", {"messages": [message], "title": "New"}) == (
        't agent: "Writing the change" changed: title')
    assert describe("agent:a-1:status", {"status": "PROCESSING", "currentTasks": ["t"]}) == (
        "agent a-1 PROCESSING tasks=t")
    assert describe("agent:a-1:status", {"status": "WAITING", "createdAt": 1, "capabilities": ["x"]}) == (
        "agent a-1 registered WAITING capabilities=x")


def test_generic_event_names_take_the_id_from_the_payload() -> None:
    assert split_name("task:updated", {"id": "t-9"}) == ("task", "t-9", "updated")
    assert split_name("agent:ns:id:status", {}) == ("agent", "ns:id", "status")

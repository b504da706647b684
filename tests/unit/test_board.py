"""The live board: loaded at a seq, moved forward by events, served as compact cards."""

from __future__ import annotations

import json
from typing import Any

from waaah.domain.records import Event
from waaah.realtime.board import Board


def task(task_id: str, status: str = "QUEUED", created: int = 1, **fields: Any) -> dict[str, Any]:
    return {"id": task_id, "status": status, "prompt": f"Do {task_id}\nin detail", "title": None,
            "priority": "normal", "createdAt": created, "assignedTo": None, "dependencies": [],
            "blockedReason": None, "completedAt": None, "messages": [], **fields}


def event(seq: int, name: str, entity: str, **payload: Any) -> Event:
    return Event(seq, name, entity, {"id": entity, **payload}, 0)


def full(board: Board) -> dict[str, Any]:
    return json.loads(board.sync_full()[1])  # type: ignore[no-any-return]


def test_cards_are_compact_and_built_from_the_task_fields() -> None:
    board = Board(finished_limit=10)
    board.load([task("t1", priority="high", assignedTo="a1", dependencies=["t0"]),
                task("t2", title="Named", prompt="x" * 500)], [], seq=4)
    assert full(board)["tasks"] == [
        {"id": "t1", "status": "QUEUED", "title": "Do t1", "priority": "high",
         "assignedTo": "a1", "dependencies": ["t0"]},
        {"id": "t2", "status": "QUEUED", "title": "Named"},
    ]
    assert full(board)["seq"] == 4


def test_events_move_the_board_forward_once_each_in_seq_order() -> None:
    board = Board(finished_limit=10)
    board.load([task("t1")], [], seq=1)
    board.apply(event(3, "task:updated", "t1", status="ASSIGNED", assignedTo="a1"))
    board.apply(event(2, "task:created", "t2", **task("t2", created=2)))  # already past: ignored
    board.apply(event(3, "task:updated", "t1", status="FAILED"))  # a repeat: ignored
    board.apply(event(4, "task:updated", "t1", title="Renamed", assignedTo=None))
    board.apply(event(5, "agent:status", "a1", status="WAITING", displayName="A"))
    board.apply(event(6, "agent:status", "a1", status="PROCESSING", lastSeen=9))
    snapshot = full(board)
    assert snapshot["seq"] == 6
    assert snapshot["tasks"] == [{"id": "t1", "status": "ASSIGNED", "title": "Renamed"}]
    assert snapshot["agents"] == [{"id": "a1", "status": "PROCESSING", "displayName": "A", "lastSeen": 9}]


def test_deleted_tasks_leave_the_board() -> None:
    board = Board(finished_limit=10)
    board.load([task("t1"), task("t2")], [], seq=0)
    board.apply(event(1, "task:deleted", "t1"))
    assert [t["id"] for t in full(board)["tasks"]] == ["t2"]


def test_events_published_while_loading_are_applied_after_the_load() -> None:
    board = Board(finished_limit=10)
    board.apply(event(5, "task:updated", "t1", status="CANCELLED"))  # committed before the read: in it
    board.apply(event(6, "task:updated", "t1", title="After"))
    board.load([task("t1", status="CANCELLED")], [], seq=5)
    assert full(board)["tasks"] == [{"id": "t1", "status": "CANCELLED", "title": "After"}]
    assert board.seq == 6


def test_active_tasks_come_first_then_a_bounded_page_of_the_newest_finished() -> None:
    board = Board(finished_limit=2)
    done = [task(f"d{i}", status="COMPLETED", created=10 + i, completedAt=20 + i) for i in range(4)]
    board.load([task("a1", created=1), task("a2", created=5, status="BLOCKED"), *done], [], seq=0)
    cards = full(board)["tasks"]
    assert [c["id"] for c in cards] == ["a2", "a1", "d3", "d2"]
    assert cards[2]["completedAt"] == 23


def test_a_retried_task_comes_back_whatever_its_age() -> None:
    board = Board(finished_limit=1)
    board.load([task("old", status="FAILED", created=1), task("new", status="FAILED", created=2)], [], seq=0)
    board.apply(event(1, "task:updated", "old", status="QUEUED", completedAt=None))
    assert [c["id"] for c in full(board)["tasks"]] == ["old", "new"]


def test_sync_full_is_encoded_once_per_seq() -> None:
    board = Board(finished_limit=2)
    board.load([task("t1")], [], seq=0)
    first = board.sync_full()
    assert board.sync_full() is first
    board.apply(event(1, "task:updated", "t1", title="x"))
    assert board.sync_full()[0] == 1

"""The live board: loaded at a seq, moved forward by events, served as compact cards (rows or objects)."""

from __future__ import annotations

import json
from typing import Any

from waaah.domain.records import Event
from waaah.domain.views import CARD_FIELDS
from waaah.realtime.board import OBJECTS, ROWS, Board, Refill


def task(task_id: str, status: str = "QUEUED", created: int = 1, **fields: Any) -> dict[str, Any]:
    return {"id": task_id, "status": status, "prompt": f"Do {task_id}\nin detail", "title": None,
            "priority": "normal", "createdAt": created, "assignedTo": None, "dependencies": [],
            "blockedReason": None, "completedAt": None, "messages": [], **fields}


def event(seq: int, name: str, entity: str, **payload: Any) -> Event:
    return Event(seq, name, entity, {"id": entity, **payload}, 0)


def full(board: Board) -> dict[str, Any]:
    """sync:full as the reference's clients get it (no patterns): cards as objects."""
    return json.loads(board.sync_full(OBJECTS)[1])  # type: ignore[no-any-return]


def decoded(board: Board) -> dict[str, Any]:
    """sync:full as clients with patterns get it, each row turned back into a card as docs/realtime.md says."""
    snapshot = json.loads(board.sync_full(ROWS)[1])
    fields = snapshot.pop("taskFields")
    snapshot["tasks"] = [{key: value for key, value in zip(fields, row, strict=False) if value is not None}
                         for row in snapshot["tasks"]]
    return snapshot  # type: ignore[no-any-return]


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
    assert decoded(board) == full(board)


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


def test_a_failure_reason_shows_on_the_card_and_transcripts_leave_the_board_alone() -> None:
    board = Board(finished_limit=10)
    board.load([task("t1", status="IN_PROGRESS")], [], seq=1)
    cached = board.sync_full(ROWS)[1]
    board.apply(event(2, "task:transcript", "t1", entries=[{"n": 1, "kind": "message", "text": "hi"}], total=1))
    assert (board.seq, board.sync_full(ROWS)[1]) == (2, cached.replace('"seq":1', '"seq":2'))
    board.apply(event(3, "task:updated", "t1", status="FAILED", failureReason="agent_exit", completedAt=5))
    assert full(board)["tasks"] == [{"id": "t1", "status": "FAILED", "title": "Do t1", "completedAt": 5,
                                     "failureReason": "agent_exit"}]
    board.apply(event(4, "task:updated", "t1", status="QUEUED", failureReason=None, completedAt=None))
    assert full(board)["tasks"] == [{"id": "t1", "status": "QUEUED", "title": "Do t1"}]


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


def test_rows_carry_the_same_cards_as_objects_in_the_same_order() -> None:
    board = Board(finished_limit=10)
    board.load([task("plain", created=9),
                task("all", created=8, priority="critical", assignedTo="a1", blockedReason="waits",
                     dependencies=["plain"], status="BLOCKED"),
                task("gap", created=7, dependencies=["all"]),  # set after empty ones: those are null
                task("done", created=6, status="COMPLETED", completedAt=16, assignedTo="a2"),
                task("unicode", created=5, title="Réparer le «login» " + "é" * 60)],
               [{"id": "a1", "status": "WAITING"}], seq=3)
    rows = json.loads(board.sync_full(ROWS)[1])
    assert rows["taskFields"] == list(CARD_FIELDS) == ["id", "status", "title", "priority", "assignedTo",
                                                        "blockedReason", "dependencies", "completedAt",
                                                        "failureReason", "requiredCapabilities", "checkState",
                                                        "verification", "approvedAt", "workspaceId", "statusAt",
                                                        "planId", "plan", "progressAt"]
    by_id = {row[0]: row for row in rows["tasks"]}
    assert by_id["plain"] == ["plain", "QUEUED", "Do plain"]  # trailing empty values left out
    assert by_id["all"] == ["all", "BLOCKED", "Do all", "critical", "a1", "waits", ["plain"]]
    assert by_id["gap"] == ["gap", "QUEUED", "Do gap", None, None, None, ["all"]]
    assert by_id["done"] == ["done", "COMPLETED", "Do done", None, "a2", None, None, 16]
    assert decoded(board) == full(board)
    assert [c["id"] for c in full(board)["tasks"]] == ["plain", "all", "gap", "unicode", "done"]
    assert full(board)["tasks"][1] == {"id": "all", "status": "BLOCKED", "title": "Do all", "priority": "critical",
                                       "assignedTo": "a1", "blockedReason": "waits", "dependencies": ["plain"]}


def test_a_card_carries_when_its_status_last_changed_and_its_plan() -> None:
    board = Board(finished_limit=10)
    board.load([task("fresh", created=5, updatedAt=5),
                task("moved", created=4, updatedAt=40, status="IN_PROGRESS",
                     context={"planId": "T1", "plan": "plan.md", "verify": "make test", "notes": "x" * 500}),
                task("done", created=3, updatedAt=30, status="COMPLETED", completedAt=30)], [], seq=1)
    cards = {c["id"]: c for c in full(board)["tasks"]}
    assert "statusAt" not in cards["fresh"] and "statusAt" not in cards["done"]  # createdAt / completedAt say it
    assert cards["moved"]["statusAt"] == 40
    assert (cards["moved"]["planId"], cards["moved"]["plan"]) == ("T1", "plan.md")
    assert board.tasks["moved"]["context"] == {"planId": "T1", "plan": "plan.md"}  # the rest of the context is not held
    board.apply(event(2, "task:updated", "fresh", status="ASSIGNED", updatedAt=50))
    assert full(board)["tasks"][0]["statusAt"] == 50


def test_a_card_carries_its_last_progress_report_only_when_it_came_after_the_last_change() -> None:
    board = Board(finished_limit=10)
    board.load([task("busy", created=1, updatedAt=10, lastProgressAt=90, status="IN_PROGRESS"),
                task("silent", created=2, updatedAt=20, lastProgressAt=20, status="IN_PROGRESS"),
                task("done", created=3, updatedAt=30, lastProgressAt=30, completedAt=30, status="COMPLETED")],
               [], seq=1)
    cards = {c["id"]: c for c in full(board)["tasks"]}
    assert cards["busy"]["progressAt"] == 90 and cards["busy"]["statusAt"] == 10
    assert "progressAt" not in cards["silent"] and "progressAt" not in cards["done"]
    board.apply(event(2, "task:updated", "silent", lastProgressAt=70, messages=[]))  # update_progress
    assert {c["id"]: c for c in decoded(board)["tasks"]}["silent"]["progressAt"] == 70
    board.apply(event(3, "task:updated", "silent", title="Renamed", updatedAt=80))  # a later change says it
    assert "progressAt" not in {c["id"]: c for c in full(board)["tasks"]}["silent"]


def test_cards_are_utf_8_not_escaped() -> None:
    board = Board(finished_limit=10)
    board.load([task("t1", title="Réparer " + "x" * 60)], [], seq=0)
    for form in (ROWS, OBJECTS):
        text = board.sync_full(form)[1]
        assert "Réparer" in text and "…" in text and "\\u" not in text


def test_each_form_is_encoded_once_per_seq_and_only_when_asked_for() -> None:
    board = Board(finished_limit=2)
    board.load([task("t1"), task("t2")], [], seq=0)
    rows = board.sync_full(ROWS)
    assert board.sync_full(ROWS) is rows
    assert board._cards[OBJECTS] == {}  # no client without patterns asked: never built
    objects = board.sync_full(OBJECTS)
    assert board.sync_full(OBJECTS) is objects and board.sync_full(ROWS) is rows
    board.apply(event(1, "task:updated", "t1", title="x"))
    assert sorted(board._cards[ROWS]) == sorted(board._cards[OBJECTS]) == ["t2"]  # t1's cards re-encoded
    assert board.sync_full(ROWS)[0] == board.sync_full(OBJECTS)[0] == 1
    assert decoded(board) == full(board)


def test_a_card_carries_the_required_capabilities_from_the_task_and_its_patches() -> None:
    board = Board(finished_limit=10)
    board.load([task("caps", to={"agentId": None, "requiredCapabilities": ["code-writing"], "workspaceId": None})],
               [], seq=1)
    assert full(board)["tasks"][0]["requiredCapabilities"] == ["code-writing"]
    board.apply(event(2, "task:updated", "caps", to={"requiredCapabilities": ["doc-writing", "test-writing"]}))
    assert full(board)["tasks"][0]["requiredCapabilities"] == ["doc-writing", "test-writing"]


def done(task_id: str, created: int, status: str = "COMPLETED") -> dict[str, Any]:
    return task(task_id, status=status, created=created, completedAt=100 + created)


def ids(board: Board) -> list[str]:
    return [c["id"] for c in full(board)["tasks"]]


def test_the_board_holds_the_active_tasks_and_twice_a_page_of_the_newest_finished() -> None:
    board = Board(finished_limit=2)
    board.load([task("a", created=1), *(done(f"d{i}", 10 + i) for i in range(4))], [], seq=0, more=True)
    for n, new in enumerate(("n1", "n2", "n3"), start=1):
        board.apply(event(2 * n - 1, "task:created", new, **task(new, created=20 + n)))
        board.apply(event(2 * n, "task:updated", new, status="FAILED"))
    assert ids(board) == ["a", "n3", "n2"]
    assert sorted(board.tasks) == ["a", "d3", "n1", "n2", "n3"]  # d0..d2 fell off the held finished set
    assert board.floor == (13, "d3") and board.asked is None
    board.apply(event(7, "task:updated", "a", status="CANCELLED"))  # older than every finished card held
    assert ids(board) == ["n3", "n2"] and "a" not in board.tasks


def test_a_card_leaving_a_full_page_is_held_back_until_the_read_it_asks_for_answers() -> None:
    board = Board(finished_limit=2)
    board.load([done("d5", 15), done("d4", 14)], [], seq=0, more=True)
    before = board.sync_full(OBJECTS)
    board.apply(event(1, "task:deleted", "d5"))
    board.apply(event(2, "task:created", "t", **task("t", created=30)))
    assert board.asked == Refill(before=(14, "d4"), count=3)
    assert board.sync_full(OBJECTS) == before  # still exactly the state after seq 0
    board.answer(board.asked, [done("d3", 13), done("d1", 11)], [], seq=1)  # fewer than asked: the last ones
    assert ids(board) == ["t", "d4", "d3"] and board.seq == 2
    assert board.floor is None and board.asked is None


def test_an_answer_waits_for_the_events_it_already_saw() -> None:
    board = Board(finished_limit=1)
    board.load([done("d2", 12)], [], seq=0, more=True)
    board.apply(event(1, "task:updated", "d2", status="QUEUED", completedAt=None))
    asked = board.asked
    assert asked is not None
    board.answer(asked, [], [], seq=2)  # read after event 2, which has not reached the board yet
    assert board.seq == 0 and board.asked is asked
    board.apply(event(2, "task:deleted", "d1"))
    assert ids(board) == ["d2"] and board.seq == 2 and board.floor is None


def test_a_finished_task_the_board_does_not_hold_is_read_when_it_comes_back() -> None:
    board = Board(finished_limit=1)
    board.load([done("new", 20), done("newer", 21)], [], seq=0, more=True)
    board.apply(event(1, "task:updated", "old", status="QUEUED", completedAt=None))
    assert board.asked == Refill(None, 0, frozenset({"old"}))
    board.apply(event(2, "task:updated", "old", status="ASSIGNED", assignedTo="a1"))
    board.answer(board.asked, [], [task("old", status="ASSIGNED", created=1, assignedTo="a1")], seq=2)
    assert full(board)["tasks"][0] == {"id": "old", "status": "ASSIGNED", "title": "Do old", "assignedTo": "a1"}
    assert ids(board) == ["old", "newer"] and board.asked is None


def test_an_answer_that_falls_short_of_what_left_meanwhile_is_undone_and_asked_again() -> None:
    board = Board(finished_limit=1)
    board.load([done("d9", 19), done("d8", 18)], [], seq=0, more=True)
    board.apply(event(1, "task:updated", "x", status="QUEUED"))  # returns; not held
    board.apply(event(2, "task:updated", "y", status="QUEUED"))  # so does another, while x is read
    before = board.sync_full(OBJECTS)
    first = board.asked
    assert first is not None and first.ids == {"x"}
    board.answer(first, [], [task("x", created=1)], seq=2)
    assert board.asked is not None and board.asked.ids == {"x", "y"}
    assert board.sync_full(OBJECTS) == before and board.seq == 0
    board.answer(board.asked, [], [task("x", created=1), task("y", created=2)], seq=2)
    assert ids(board) == ["y", "x", "d9"] and board.seq == 2


def test_the_page_is_read_again_only_after_a_page_of_cards_left() -> None:
    board = Board(finished_limit=2)
    board.load([done(f"d{i}", 10 + i) for i in range(4)], [], seq=0, more=True)
    asks: list[Refill | None] = []
    for n, gone in enumerate(("d3", "d2", "d1"), start=1):
        board.apply(event(n, "task:deleted", gone))
        asks.append(board.asked)
    assert asks[:2] == [None, None] and asks[2] == Refill((10, "d0"), 3)

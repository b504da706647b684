"""The fan-out's ordering guarantees, driven step by step: no gap and no duplicate around a sync."""

from __future__ import annotations

import json
from typing import Any

from waaah.domain.records import Event
from waaah.realtime.board import Board
from waaah.realtime.fanout import Fanout


class Wire:
    """Stands in for Engine.IO: records what each socket was sent."""

    def __init__(self) -> None:
        self.sent: dict[str, list[Any]] = {}
        self.packets: list[Any] = []

    async def send(self, eio_sid: str, packet: Any) -> None:
        self.packets.append(packet)
        text = packet.packet.encode()
        assert text[:2] == "42"
        self.sent.setdefault(eio_sid, []).append(json.loads(text[2:]))

    def names(self, eio_sid: str) -> list[tuple[str, Any]]:
        return [(name, data.get("seq")) for name, data in self.sent.get(eio_sid, [])]


def created(seq: int, task_id: str) -> Event:
    return Event(seq, "task:created", task_id, {"id": task_id, "status": "QUEUED", "prompt": "p",
                                                "createdAt": seq}, 0)


class Setup:
    def __init__(self, stored: int = 0) -> None:
        self.board = Board(finished_limit=10)
        self.board.load([], [], seq=0)
        self.wire = Wire()
        self.log: list[Event] = []
        self.during_history: list[Event] = []
        self.fanout = Fanout(self.board, self.wire.send, self.history)
        for seq in range(1, stored + 1):
            self.board.apply(self.store(created(seq, f"t{seq}")))

    def store(self, event: Event) -> Event:
        self.log.append(event)
        return event

    async def publish(self, event: Event) -> None:
        """What the bus and the delivery task do for one committed event."""
        self.board.apply(self.store(event))
        await self.fanout.deliver(event)

    async def history(self, since: int, until: int, limit: int) -> list[Event] | None:
        for event in self.during_history:  # commits that land while the log is being read
            await self.publish(event)
        found = [e for e in self.log if since < e.seq <= until]
        return found if [e.seq for e in found] == list(range(since + 1, until + 1)) else None  # as the store


async def test_a_replay_then_the_events_held_during_it_then_live_with_no_repeat() -> None:
    s = Setup(stored=5)
    s.during_history = [created(6, "t6"), created(7, "t7")]
    listener = s.fanout.attach("sid", "eio", None)
    await s.fanout.sync(listener, since=2)
    await s.fanout.deliver(s.log[5])  # the delivery task catching up on seq 6: already sent
    await s.publish(created(8, "t8"))
    assert s.wire.names("eio") == [("task:created", seq) for seq in range(3, 9)]


async def test_sync_full_then_only_what_came_after_it() -> None:
    s = Setup(stored=3)
    listener = s.fanout.attach("sid", "eio", ("task:*:*",))
    await s.fanout.deliver(s.log[2])  # held while connecting, and older than the snapshot
    await s.fanout.sync(listener, since=None)
    await s.publish(created(4, "t4"))
    assert s.wire.names("eio") == [("sync:full", 3), ("task:t4:created", 4)]
    assert [row[0] for row in s.wire.sent["eio"][0][1]["tasks"]] == ["t3", "t2", "t1"]


async def test_sync_full_is_rows_for_clients_with_patterns_and_objects_for_the_others() -> None:
    s = Setup(stored=2)
    for sid, patterns in (("scoped", ("agent:*:*",)), ("scoped2", ("task:*:*",)), ("legacy", None),
                          ("emptied", ())):  # unsubscribed from everything: still a client with patterns
        await s.fanout.sync(s.fanout.attach(sid, sid, patterns), since=None)
    [(_, rows)], [(_, objects)] = s.wire.sent["scoped"], s.wire.sent["legacy"]
    assert rows == {"taskFields": ["id", "status", "title", "priority", "assignedTo", "blockedReason",
                                   "dependencies", "completedAt", "failureReason", "requiredCapabilities",
                                   "checkState", "verification", "approvedAt", "workspaceId", "statusAt", "planId",
                                   "plan", "progressAt"],
                    "tasks": [["t2", "QUEUED", "p"], ["t1", "QUEUED", "p"]], "agents": [], "seq": 2}
    assert objects == {"tasks": [{"id": "t2", "status": "QUEUED", "title": "p"},
                                 {"id": "t1", "status": "QUEUED", "title": "p"}], "agents": [], "seq": 2}
    packets = dict(zip(["scoped", "scoped2", "legacy", "emptied"], s.wire.packets, strict=True))
    assert packets["scoped"] is packets["scoped2"] is packets["emptied"]  # one packet per form and seq


async def test_request_sync_is_acknowledged_with_the_seq_it_brings_the_socket_to() -> None:
    s = Setup(stored=2)
    listener = s.fanout.attach("sid", "eio", None)
    await s.fanout.sync(listener, since=None)
    await s.fanout.sync(listener, since=1, ack=True)
    assert s.wire.names("eio") == [("sync:full", 2), ("sync:request_ack", 2), ("task:created", 2)]


async def test_a_pruned_log_or_a_since_from_the_future_means_sync_full() -> None:
    s = Setup(stored=3)
    del s.log[0]  # seq 1 was pruned
    listener = s.fanout.attach("sid", "eio", None)
    await s.fanout.sync(listener, since=0)
    await s.fanout.sync(listener, since=99)
    assert s.wire.names("eio") == [("sync:full", 3), ("sync:full", 3)]


async def test_an_event_is_encoded_once_for_all_sockets_with_the_same_naming() -> None:
    s = Setup()
    for sid in ("a", "b"):
        await s.fanout.sync(s.fanout.attach(sid, sid, ("task:*:*",)), since=None)
    await s.fanout.sync(s.fanout.attach("c", "c", ("agent:*:*",)), since=None)
    await s.fanout.sync(s.fanout.attach("d", "d", None), since=None)
    s.wire.packets.clear()
    await s.publish(created(1, "t1"))
    assert len(s.fanout.groups) == 3
    assert s.wire.packets[0] is s.wire.packets[1]  # a and b share one packet
    assert s.wire.names("a")[-1] == s.wire.names("b")[-1] == ("task:t1:created", 1)
    assert s.wire.names("c")[-1] == ("sync:full", 0)
    assert s.wire.names("d")[-1] == ("task:created", 1)


async def test_resubscribing_moves_a_socket_between_groups() -> None:
    s = Setup()
    listener = s.fanout.attach("a", "a", ("agent:*:*",))
    await s.fanout.sync(listener, since=None)
    s.fanout.resubscribe(listener, ("task:*:created",))
    await s.publish(created(1, "t1"))
    s.fanout.detach("a")
    await s.publish(created(2, "t2"))
    assert s.wire.names("a") == [("sync:full", 0), ("task:t1:created", 1)]
    assert s.fanout.groups == {}

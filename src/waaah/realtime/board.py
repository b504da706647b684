"""The live board: every task's card inputs and every agent, kept at the bus's `seq`. Pure; no I/O.

`sync:full` is served from here rather than from the store: it is exactly the state after event
`seq` (loaded once from a consistent read, then moved forward by each committed event), and it
costs no database work however many dashboards connect at once.
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable
from typing import Any

from waaah.domain.lifecycle import TERMINAL
from waaah.domain.records import Event
from waaah.domain.views import CARD_FIELDS, CARD_INPUTS, CARD_TITLE_LIMIT, JSON, card_row, excerpt, task_card

FINISHED = frozenset(s.value for s in TERMINAL)
ROWS, OBJECTS = True, False  # the two forms of `sync:full`: cards as rows under `taskFields`, or as objects


def card_inputs(fields: JSON) -> JSON:
    """The part of a task's JSON a card is built from (the prompt reduced to its excerpt)."""
    kept = {k: fields[k] for k in CARD_INPUTS if k in fields}
    if "prompt" in kept:
        kept["prompt"] = excerpt(kept["prompt"] or "", CARD_TITLE_LIMIT)
    return kept


class Board:
    """Tasks (card inputs) and agents as of `seq`. `apply` takes events in any order, once each.

    `sync:full` comes in two forms (`ROWS` for clients with patterns, `OBJECTS` for the others),
    each built only when asked for and kept for its `seq`. Each card is encoded once per form and
    kept until its task changes, so a `sync:full` after a write re-encodes one card, not thousands.
    """

    def __init__(self, finished_limit: int) -> None:
        self.finished_limit = finished_limit
        self.seq = 0
        self.tasks: dict[str, JSON] = {}
        self.agents: dict[str, JSON] = {}
        self._early: list[Event] | None = []
        self._cards: dict[bool, dict[str, str]] = {ROWS: {}, OBJECTS: {}}
        self._order: list[str] | None = None
        self._encoded: dict[bool, tuple[int, str]] = {}

    def load(self, tasks: Iterable[JSON], agents: Iterable[JSON], seq: int) -> None:
        """Start from a consistent read at `seq`, then apply what was published meanwhile."""
        self.tasks = {t["id"]: card_inputs(t) for t in tasks}
        self.agents = {a["id"]: dict(a) for a in agents}
        self.seq = seq
        self._cards, self._order = {ROWS: {}, OBJECTS: {}}, None
        early, self._early = self._early or [], None
        for event in sorted(early, key=lambda e: e.seq):
            self.apply(event)

    def apply(self, event: Event) -> None:
        if self._early is not None:
            self._early.append(event)
            return
        if event.seq <= self.seq:
            return
        self.seq = event.seq
        kind, action = event.name.split(":", 1)
        if kind == "agent":
            self.agents[event.entity_id] = {**self.agents.get(event.entity_id, {}), **event.payload}
            return
        if action == "transcript" or kind == "hook":  # a live feed for open task details; no card shows it
            return
        for cards in self._cards.values():
            cards.pop(event.entity_id, None)
        before = self.tasks.get(event.entity_id)
        finished_before = before is not None and before["status"] in FINISHED
        if action == "deleted":
            self.tasks.pop(event.entity_id, None)
        elif action == "created":
            self.tasks[event.entity_id] = card_inputs(event.payload)
        elif before is not None:
            before.update(card_inputs(event.payload))
        after = self.tasks.get(event.entity_id)
        if action != "updated" or (after is not None and (after["status"] in FINISHED) != finished_before):
            self._order = None  # a card came, went, or moved between active and finished

    def shown(self) -> list[JSON]:
        """Active tasks, then the most recent finished ones; each group newest first (ties by id)."""
        if self._order is None:
            active = (t for t in self.tasks.values() if t["status"] not in FINISHED)
            finished = (t for t in self.tasks.values() if t["status"] in FINISHED)
            recent = heapq.nsmallest(self.finished_limit, finished, key=_newest_first)
            self._order = [t["id"] for t in (*sorted(active, key=_newest_first), *recent)]
        return [self.tasks[task_id] for task_id in self._order]

    def sync_full(self, rows: bool) -> tuple[int, str]:
        """`(seq, JSON text of sync:full)`, encoded once per `seq` and form: `{taskFields, tasks, agents,
        seq}` with each card a row of values in `taskFields` order (`rows`), else `{tasks, agents, seq}`
        with each card an object."""
        encoded = self._encoded.get(rows)
        if encoded is None or encoded[0] != self.seq:
            cards = ",".join(self._card(task, rows) for task in self.shown())
            head = f'"taskFields":{_encode(CARD_FIELDS)},' if rows else ""
            agents = _encode(list(self.agents.values()))
            text = f'{{{head}"tasks":[{cards}],"agents":{agents},"seq":{self.seq}}}'
            encoded = self._encoded[rows] = (self.seq, text)
        return encoded

    def _card(self, task: JSON, rows: bool) -> str:
        cards = self._cards[rows]
        text = cards.get(task["id"])
        if text is None:
            text = cards[task["id"]] = _encode(card_row(task) if rows else task_card(task))
        return text


def _encode(value: Any) -> str:
    """Compact JSON, non-ASCII as is: a Socket.IO text frame is UTF-8 ("…" is 3 bytes, not a 6-byte escape)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _newest_first(task: JSON) -> tuple[int, str]:
    return (-int(task.get("createdAt") or 0), str(task["id"]))

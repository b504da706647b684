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
from waaah.domain.views import CARD_INPUTS, CARD_TITLE_LIMIT, JSON, excerpt, task_card

FINISHED = frozenset(s.value for s in TERMINAL)


def card_inputs(fields: JSON) -> JSON:
    """The part of a task's JSON a card is built from (the prompt reduced to its excerpt)."""
    kept = {k: fields[k] for k in CARD_INPUTS if k in fields}
    if "prompt" in kept:
        kept["prompt"] = excerpt(kept["prompt"] or "", CARD_TITLE_LIMIT)
    return kept


class Board:
    """Tasks (card inputs) and agents as of `seq`. `apply` takes events in any order, once each."""

    def __init__(self, finished_limit: int) -> None:
        self.finished_limit = finished_limit
        self.seq = 0
        self.tasks: dict[str, JSON] = {}
        self.agents: dict[str, JSON] = {}
        self._early: list[Event] | None = []
        self._encoded: tuple[int, str] | None = None

    @property
    def loaded(self) -> bool:
        return self._early is None

    def load(self, tasks: Iterable[JSON], agents: Iterable[JSON], seq: int) -> None:
        """Start from a consistent read at `seq`, then apply what was published meanwhile."""
        self.tasks = {t["id"]: card_inputs(t) for t in tasks}
        self.agents = {a["id"]: dict(a) for a in agents}
        self.seq = seq
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
        elif action == "deleted":
            self.tasks.pop(event.entity_id, None)
        elif action == "created":
            self.tasks[event.entity_id] = card_inputs(event.payload)
        elif event.entity_id in self.tasks:
            self.tasks[event.entity_id].update(card_inputs(event.payload))

    def cards(self) -> list[JSON]:
        """Active tasks, then the most recent finished ones; each group newest first."""
        active = [t for t in self.tasks.values() if t["status"] not in FINISHED]
        finished = (t for t in self.tasks.values() if t["status"] in FINISHED)
        recent = heapq.nlargest(self.finished_limit, finished, key=_created)
        return [task_card(t) for t in (*_newest_first(active), *_newest_first(recent))]

    def sync_full(self) -> tuple[int, str]:
        """`(seq, JSON text of {tasks, agents, seq})`, encoded once per `seq`."""
        if self._encoded is None or self._encoded[0] != self.seq:
            body: dict[str, Any] = {"tasks": self.cards(), "agents": list(self.agents.values()),
                                    "seq": self.seq}
            self._encoded = (self.seq, json.dumps(body, separators=(",", ":")))
        return self._encoded


def _created(task: JSON) -> int:
    return int(task.get("createdAt") or 0)


def _newest_first(tasks: list[JSON]) -> list[JSON]:
    """The REST list's order: newest first, ties by id."""
    return sorted(sorted(tasks, key=lambda t: str(t["id"])), key=_created, reverse=True)

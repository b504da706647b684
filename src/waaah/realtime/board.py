"""The live board: the active tasks' cards, the newest finished ones and every agent, at the bus's `seq`.
Pure; no I/O.

`sync:full` is served from here rather than from the store: it is exactly the state after event
`seq` (loaded once from a consistent read, then moved forward by each committed event), and it
costs no database work however many dashboards connect at once.

Memory follows the active set, not the table: of the finished tasks the board holds only the newest
(`keep`, twice the page `sync:full` shows), every finished task at or above `floor`. When cards
leave that set (deleted, retried) so that fewer than a page remain, or a task the board does not hold
comes back to work, the board asks for a read (`asked`) and holds every event from then on. The
answer (`answer(older, tasks, seq)`) is read under the writers' lock, so it is the store at `seq`:
the board applies the held events up to that `seq`, adds the rows, and only if the result is whole
(a full page, every returning task) releases the rest; else it undoes that and asks for more.
`sync:full` therefore never shows a state no fresh load at its `seq` would give.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from waaah.domain.lifecycle import TERMINAL
from waaah.domain.records import Event
from waaah.domain.views import (
    CARD_FIELDS,
    CARD_INPUTS,
    CARD_TITLE_LIMIT,
    JSON,
    card_context,
    card_row,
    excerpt,
    task_card,
)

FINISHED = frozenset(s.value for s in TERMINAL)
ROWS, OBJECTS = True, False  # the two forms of `sync:full`: cards as rows under `taskFields`, or as objects
Key = tuple[int, str]
"""A task's place in a list: `(createdAt, id)`; a larger key is newer (the store's `created_at DESC, id DESC`)."""


def card_inputs(fields: JSON) -> JSON:
    """The part of a task's JSON a card is built from (the prompt reduced to its excerpt)."""
    kept = {k: fields[k] for k in CARD_INPUTS if k in fields}
    if "prompt" in kept:
        kept["prompt"] = excerpt(kept["prompt"] or "", CARD_TITLE_LIMIT)
    if "context" in kept:
        kept["context"] = card_context(kept["context"])
    return kept


def key(task: JSON) -> Key:
    return (int(task.get("createdAt") or 0), str(task["id"]))


@dataclass(frozen=True)
class Refill:
    """A read the board needs: up to `count` finished tasks older than `before` (none when `before` is
    None), newest first, and the tasks `ids` as they are now (deleted ones left out)."""

    before: Key | None
    count: int
    ids: frozenset[str] = frozenset()


@dataclass
class _State:
    """What an answer may have to undo."""

    seq: int
    tasks: dict[str, JSON]
    agents: dict[str, JSON]
    finished: set[str]
    floor: Key | None
    wanted: set[str]


class Board:
    """Tasks (card inputs) and agents as of `seq`. `apply` takes each committed event once, in `seq` order.

    `sync:full` comes in two forms (`ROWS` for clients with patterns, `OBJECTS` for the others),
    each built only when asked for and kept for its `seq`. Each card is encoded once per form and
    kept until its task changes, so a `sync:full` after a write re-encodes one card, not thousands.
    """

    def __init__(self, finished_limit: int, on_ask: Callable[[], None] = lambda: None) -> None:
        self.finished_limit = finished_limit
        self.keep = max(2 * finished_limit, 1)
        self.on_ask = on_ask
        self.seq = 0
        self.tasks: dict[str, JSON] = {}
        self.agents: dict[str, JSON] = {}
        self.finished: set[str] = set()
        self.floor: Key | None = None
        """Every finished task with a key at or above it is in `tasks`; None: every finished task is."""
        self.asked: Refill | None = None
        self._wanted: set[str] = set()  # returning tasks (not held) whose cards must be read
        self._held: list[Event] | None = []  # events waiting for the load or an answer
        self._answer: tuple[list[JSON], list[JSON], int] | None = None  # an answer ahead of the held events
        self._cards: dict[bool, dict[str, str]] = {ROWS: {}, OBJECTS: {}}
        self._order: list[str] | None = None
        self._encoded: dict[bool, tuple[int, str]] = {}

    # --- loading and reads -------------------------------------------------------------------------
    def load(self, tasks: Iterable[JSON], agents: Iterable[JSON], seq: int, more: bool = False) -> None:
        """Start from a consistent read at `seq`: every active task and the newest finished ones (`more`:
        the store may hold finished tasks older than those), then apply what was published meanwhile."""
        self.tasks = {t["id"]: card_inputs(t) for t in tasks}
        self.finished = {i for i, t in self.tasks.items() if t["status"] in FINISHED}
        self.floor = min((key(self.tasks[i]) for i in self.finished), default=None) if more else None
        self.agents = {a["id"]: dict(a) for a in agents}
        self.seq = seq
        self._cards, self._order = {ROWS: {}, OBJECTS: {}}, None
        self._release([e for e in self._held or [] if e.seq > seq])
        self._trim()
        self._ask_if_needed()

    def answer(self, asked: Refill, older: list[JSON], tasks: list[JSON], seq: int) -> None:
        """The read `asked` for, as the store held it after event `seq`."""
        held = self._held
        if asked is not self.asked or held is None:
            return
        if max((e.seq for e in held), default=self.seq) < seq:  # events it saw have not reached the board yet
            self._answer = (older, tasks, seq)
            return
        self._answer = None
        before = _State(self.seq, dict(self.tasks), dict(self.agents), set(self.finished), self.floor,
                        set(self._wanted))
        for event in held:
            if event.seq <= seq:
                self._apply(event)
        self._add(asked, older, tasks)
        if self._short():  # more left meanwhile than the read brought: undo, and read more
            missing = asked.ids | self._wanted
            self._undo(before)
            count = self.keep - len(self.finished) + max(asked.count, self.finished_limit)
            self._hold(Refill(self.floor, count if self.floor is not None else 0, frozenset(missing)), held)
            return
        self.asked = None
        self._release([e for e in held if e.seq > seq])
        self._trim()
        self._ask_if_needed()

    def _add(self, asked: Refill, older: list[JSON], tasks: list[JSON]) -> None:
        if asked.before is not None and asked.before == self.floor:
            self.floor = key(older[-1]) if older and len(older) >= asked.count else None
            for task in older:
                self._put(card_inputs(task))
        self._wanted -= asked.ids
        for task in tasks:
            self._put(card_inputs(task))
        self._order = None

    def _short(self) -> bool:
        """The board is not what a fresh load would give: a returning task is missing, or the page is."""
        return bool(self._wanted) or (self.floor is not None and len(self.finished) < self.finished_limit)

    def _undo(self, state: _State) -> None:
        self.seq, self.tasks, self.agents, self.finished = state.seq, state.tasks, state.agents, state.finished
        self.floor, self._wanted = state.floor, state.wanted
        self._cards, self._order = {ROWS: {}, OBJECTS: {}}, None

    def _release(self, events: list[Event]) -> None:
        self._held = None
        for event in events:
            self.apply(event)

    def _ask_if_needed(self) -> None:
        if self._held is None and self._short():
            self._hold(Refill(self.floor, self.keep - len(self.finished) if self.floor is not None else 0,
                              frozenset(self._wanted)))

    def _hold(self, refill: Refill, held: list[Event] | None = None) -> None:
        self.asked, self._held = refill, [] if held is None else held
        self.on_ask()

    # --- events ------------------------------------------------------------------------------------
    def apply(self, event: Event) -> None:
        if self._held is not None:
            self._held.append(event)
            if self._answer is not None and self.asked is not None and event.seq >= self._answer[2]:
                self.answer(self.asked, *self._answer)
            return
        if event.seq <= self.seq:
            return
        need = self._needs(event)
        if need is not None:
            self._hold(need, [event])
            return
        self._apply(event)
        self._trim()

    def _needs(self, event: Event) -> Refill | None:
        """The read `event` would make necessary, before it is applied: it takes a card off a page
        that has none to spare, or brings back a task the board does not hold."""
        kind, action = event.name.split(":", 1)
        status = event.payload.get("status")
        if kind != "task" or (action != "deleted" and (status is None or status in FINISHED)):
            return None
        task_id = event.entity_id
        if task_id not in self.tasks:
            return Refill(None, 0, frozenset({task_id})) if action == "updated" else None
        if task_id in self.finished and self.floor is not None and len(self.finished) <= self.finished_limit:
            return Refill(self.floor, self.keep - len(self.finished) + 1)
        return None

    def _apply(self, event: Event) -> None:
        if event.seq <= self.seq:
            return
        self.seq = event.seq
        kind, action = event.name.split(":", 1)
        if kind == "agent":
            self.agents[event.entity_id] = {**self.agents.get(event.entity_id, {}), **event.payload}
            return
        if kind != "task" or action == "transcript":  # a live feed for open task details; no card shows it
            return
        task_id = event.entity_id
        before = self.tasks.get(task_id)
        if action == "deleted":
            self._drop(task_id)
        elif action == "created":
            self._put(card_inputs(event.payload))
        elif before is not None:
            self._put({**before, **card_inputs(event.payload)})
        elif event.payload.get("status") not in FINISHED | {None}:
            self._wanted.add(task_id)  # finished and not held until now: its card must be read
        after = self.tasks.get(task_id)
        if action != "updated" or before is None or after is None or \
                (after["status"] in FINISHED) != (before["status"] in FINISHED):
            self._order = None  # a card came, went, or moved between active and finished

    def _put(self, task: JSON) -> None:
        task_id = task["id"]
        for cards in self._cards.values():
            cards.pop(task_id, None)
        if task["status"] not in FINISHED:
            self.tasks[task_id] = task
            self.finished.discard(task_id)
        elif self.floor is None or key(task) >= self.floor:
            self.tasks[task_id] = task
            self.finished.add(task_id)
        else:
            self._drop(task_id)  # finished, and older than every finished task the board holds

    def _drop(self, task_id: str) -> None:
        self.tasks.pop(task_id, None)
        self.finished.discard(task_id)
        self._wanted.discard(task_id)
        for cards in self._cards.values():
            cards.pop(task_id, None)

    def _trim(self) -> None:
        """Keep at most `keep` finished cards, the newest; the floor rises to the oldest kept."""
        if len(self.finished) > self.keep:
            ranked = sorted((key(self.tasks[i]) for i in self.finished), reverse=True)
            self.floor = ranked[self.keep - 1]
            for _, task_id in ranked[self.keep:]:
                self._drop(task_id)
            self._order = None

    # --- sync:full -----------------------------------------------------------------------------------
    def shown(self) -> list[JSON]:
        """Active tasks, then the most recent finished ones; each group newest first (ties by id)."""
        if self._order is None:
            active = sorted((t for t in self.tasks.values() if t["status"] not in FINISHED), key=_shown_order)
            newest = sorted((self.tasks[i] for i in self.finished), key=key, reverse=True)[: self.finished_limit]
            self._order = [t["id"] for t in (*active, *sorted(newest, key=_shown_order))]
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


def _shown_order(task: JSON) -> tuple[int, str]:
    return (-int(task.get("createdAt") or 0), str(task["id"]))


def _encode(value: Any) -> str:
    """Compact JSON, non-ASCII as is: a Socket.IO text frame is UTF-8 ("…" is 3 bytes, not a 6-byte escape)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)

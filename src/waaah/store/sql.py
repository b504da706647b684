"""The SQL store, written once against SQLAlchemy Core; backends subclass it for connection details."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from waaah.domain.agents import Agent, AgentStatus
from waaah.domain.lifecycle import Status
from waaah.domain.records import Event, HistoryEntry, Message, ReviewComment, SystemPrompt
from waaah.domain.tasks import Task
from waaah.store import schema as t
from waaah.store.base import TaskQuery

R = TypeVar("R")
_TUPLES = {"required_capabilities", "dependencies", "images", "capabilities"}


def to_row(record: Any) -> dict[str, Any]:
    """A dataclass as a row: the same names, tuples as lists, `extra` dropped."""
    row = {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name != "extra"}
    return {k: list(v) if isinstance(v, tuple) else v for k, v in row.items()}


def from_row(cls: type[R], row: sa.RowMapping) -> R:
    values: dict[str, Any] = {k: (tuple(v or ()) if k in _TUPLES else v) for k, v in row.items()}
    if cls is Task:
        values["status"] = Status(values["status"])
    elif cls is Agent:
        values["status"] = AgentStatus(values["status"])
    return cls(**values)


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlTx:
    """Reads and writes on one connection inside one transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self._seq: int | None = None
        self._seq_dirty = False

    async def _all(self, cls: type[R], query: sa.Select[Any]) -> list[R]:
        result = await self.conn.execute(query)
        return [from_row(cls, row) for row in result.mappings()]

    async def _one(self, cls: type[R], query: sa.Select[Any]) -> R | None:
        found = await self._all(cls, query.limit(1))
        return found[0] if found else None

    # --- tasks -------------------------------------------------------------------------------
    async def get_task(self, task_id: str) -> Task | None:
        return await self._one(Task, sa.select(t.tasks).where(t.tasks.c.id == task_id))

    async def get_tasks(self, task_ids: Collection[str]) -> dict[str, Task]:
        if not task_ids:
            return {}
        found = await self._all(Task, sa.select(t.tasks).where(t.tasks.c.id.in_(list(task_ids))))
        return {task.id: task for task in found}

    async def find_tasks(self, query: TaskQuery) -> tuple[list[Task], int]:
        where: list[sa.ColumnElement[bool]] = [t.tasks.c.deleted_at.is_(None)]
        if query.statuses is not None:
            where.append(t.tasks.c.status.in_([s.value for s in query.statuses]))
        if query.agent_id:
            where.append(t.tasks.c.assigned_to == query.agent_id)
        if query.search:
            pattern = _like(query.search)
            cols = (t.tasks.c.id, t.tasks.c.title, t.tasks.c.prompt, t.tasks.c.assigned_to)
            where.append(sa.or_(*(sa.func.lower(c).like(pattern, escape="\\") for c in cols)))
        order = t.tasks.c.created_at.desc() if query.newest_first else t.tasks.c.created_at.asc()
        select = sa.select(t.tasks).where(*where).order_by(order, t.tasks.c.id)
        if query.limit is not None:
            select = select.limit(query.limit)
        found = await self._all(Task, select.offset(query.offset))
        total = await self.conn.scalar(sa.select(sa.func.count()).select_from(t.tasks).where(*where))
        return found, int(total or 0)

    async def dependants(self, task_id: str) -> list[Task]:
        ids = sa.select(t.task_dependencies.c.task_id).where(t.task_dependencies.c.depends_on == task_id)
        return await self._all(Task, sa.select(t.tasks).where(t.tasks.c.id.in_(ids)))

    async def tasks_of_agent(self, agent_id: str, statuses: Collection[Status]) -> list[Task]:
        holder = sa.or_(t.tasks.c.assigned_to == agent_id, t.tasks.c.pending_ack_agent_id == agent_id)
        status = t.tasks.c.status.in_([s.value for s in statuses])
        return await self._all(Task, sa.select(t.tasks).where(holder, status).order_by(t.tasks.c.created_at))

    async def insert_task(self, task: Task) -> None:
        await self.conn.execute(sa.insert(t.tasks).values(to_row(task)))
        if task.dependencies:
            rows = [{"task_id": task.id, "depends_on": dep} for dep in task.dependencies]
            await self.conn.execute(sa.insert(t.task_dependencies), rows)

    async def update_task(self, task_id: str, changes: dict[str, Any]) -> None:
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
        await self.conn.execute(sa.update(t.tasks).where(t.tasks.c.id == task_id).values(values))
        if "dependencies" in changes:
            deps = t.task_dependencies
            await self.conn.execute(sa.delete(deps).where(deps.c.task_id == task_id))
            if changes["dependencies"]:
                await self.conn.execute(sa.insert(deps), [{"task_id": task_id, "depends_on": d}
                                                          for d in changes["dependencies"]])

    # --- messages, history, review comments ---------------------------------------------------
    async def _grouped(self, cls: type[R], table: sa.Table, task_ids: Collection[str],
                       order: sa.ColumnElement[Any]) -> dict[str, list[R]]:
        grouped: dict[str, list[R]] = defaultdict(list)
        if task_ids:
            query = sa.select(table).where(table.c.task_id.in_(list(task_ids))).order_by(order)
            for record in await self._all(cls, query):
                grouped[record.task_id].append(record)  # type: ignore[attr-defined]
        return grouped

    async def messages_for(self, task_ids: Collection[str]) -> dict[str, list[Message]]:
        return await self._grouped(Message, t.task_messages, task_ids, t.task_messages.c.timestamp)

    async def history_for(self, task_ids: Collection[str]) -> dict[str, list[HistoryEntry]]:
        grouped = await self._grouped(_HistoryRow, t.task_history, task_ids, t.task_history.c.id)
        return {k: [row.entry() for row in rows] for k, rows in grouped.items()}

    async def insert_message(self, message: Message) -> None:
        await self.conn.execute(sa.insert(t.task_messages).values(to_row(message)))

    async def mark_read(self, message_ids: Sequence[str]) -> None:
        if message_ids:
            query = sa.update(t.task_messages).where(t.task_messages.c.id.in_(list(message_ids)))
            await self.conn.execute(query.values(is_read=True))

    async def insert_history(self, entry: HistoryEntry) -> None:
        await self.conn.execute(sa.insert(t.task_history).values(to_row(entry)))

    async def review_comments(self, task_id: str, unresolved_only: bool = False) -> list[ReviewComment]:
        rc = t.review_comments
        query = sa.select(rc).where(rc.c.task_id == task_id)
        if unresolved_only:
            query = query.where(rc.c.resolved.is_(False), rc.c.thread_id.is_(None))
        return await self._all(ReviewComment, query.order_by(rc.c.created_at, rc.c.id))

    async def get_review_comment(self, comment_id: str) -> ReviewComment | None:
        rc = t.review_comments
        return await self._one(ReviewComment, sa.select(rc).where(rc.c.id == comment_id))

    async def insert_review_comment(self, comment: ReviewComment) -> None:
        await self.conn.execute(sa.insert(t.review_comments).values(to_row(comment)))

    async def update_review_comment(self, comment_id: str, changes: dict[str, Any]) -> None:
        rc = t.review_comments
        await self.conn.execute(sa.update(rc).where(rc.c.id == comment_id).values(changes))

    # --- agents and system prompts -------------------------------------------------------------
    async def get_agent(self, agent_id: str) -> Agent | None:
        return await self._one(Agent, sa.select(t.agents).where(t.agents.c.id == agent_id))

    async def list_agents(self) -> list[Agent]:
        return await self._all(Agent, sa.select(t.agents).order_by(t.agents.c.last_seen.desc()))

    async def insert_agent(self, agent: Agent) -> None:
        await self.conn.execute(sa.insert(t.agents).values(to_row(agent)))

    async def update_agent(self, agent_id: str, changes: dict[str, Any]) -> None:
        values = {k: list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
        await self.conn.execute(sa.update(t.agents).where(t.agents.c.id == agent_id).values(values))

    async def next_system_prompt(self, agent_id: str) -> SystemPrompt | None:
        sp = t.system_prompts
        query = sa.select(sp).where(sp.c.agent_id == agent_id).order_by(sp.c.created_at, sp.c.id)
        return await self._one(SystemPrompt, query)

    async def count_system_prompts(self, agent_id: str) -> int:
        sp = t.system_prompts
        value = await self.conn.scalar(sa.select(sa.func.count()).where(sp.c.agent_id == agent_id))
        return int(value or 0)

    async def insert_system_prompt(self, prompt: SystemPrompt) -> None:
        row = {k: v for k, v in to_row(prompt).items() if k != "id"}
        await self.conn.execute(sa.insert(t.system_prompts).values(row))

    async def delete_system_prompt(self, prompt_id: int) -> None:
        await self.conn.execute(sa.delete(t.system_prompts).where(t.system_prompts.c.id == prompt_id))

    # --- the event log -------------------------------------------------------------------------
    async def last_seq(self) -> int:
        value = await self.conn.scalar(sa.select(t.counters.c.value).where(t.counters.c.name == "event_seq"))
        return int(value or 0)

    async def oldest_seq(self) -> int | None:
        value = await self.conn.scalar(sa.select(sa.func.min(t.events.c.seq)))
        return None if value is None else int(value)

    async def events_after(self, seq: int, limit: int) -> list[Event]:
        query = sa.select(t.events).where(t.events.c.seq > seq).order_by(t.events.c.seq).limit(limit)
        return await self._all(Event, query)

    async def append_event(self, name: str, entity_id: str, payload: dict[str, Any], now: int) -> Event:
        if self._seq is None:
            self._seq = await self.last_seq()
        self._seq += 1
        self._seq_dirty = True
        event = Event(seq=self._seq, name=name, entity_id=entity_id, payload=payload, created_at=now)
        await self.conn.execute(sa.insert(t.events).values(to_row(event)))
        return event

    async def prune_events(self, before: int) -> int:
        """Drop events older than `before` (ms), always keeping the newest one."""
        last = await self.last_seq()
        query = sa.delete(t.events).where(t.events.c.created_at < before, t.events.c.seq < last)
        result = await self.conn.execute(query)
        return int(result.rowcount or 0)

    @property
    def appended(self) -> bool:
        return self._seq_dirty

    async def flush(self) -> None:
        """Persist the sequence counter; called just before commit."""
        if self._seq_dirty:
            counters = t.counters
            query = sa.update(counters).where(counters.c.name == "event_seq").values(value=self._seq)
            await self.conn.execute(query)


@dataclasses.dataclass(frozen=True)
class _HistoryRow:
    id: int
    task_id: str
    timestamp: int
    status: str
    agent_id: str | None
    message: str | None

    def entry(self) -> HistoryEntry:
        return HistoryEntry(self.task_id, self.timestamp, self.status, self.agent_id, self.message)


class SqlStore:
    """Transactions over an async engine. Subclasses decide how writers are serialised."""

    def __init__(self, url: str, engine: AsyncEngine) -> None:
        self.url = url
        self.engine = engine

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqlTx]:
        async with self.engine.connect() as conn:
            yield SqlTx(conn)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqlTx]:
        async with self.engine.begin() as conn:
            await self.lock_writers(conn)
            tx = SqlTx(conn)
            yield tx
            await tx.flush()

    def notifications(self) -> AsyncIterator[None] | None:
        return None

    async def lock_writers(self, conn: AsyncConnection) -> None:
        """Make this transaction the only writer until it ends (backend-specific)."""

    async def close(self) -> None:
        await self.engine.dispose()

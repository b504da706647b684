"""The store's queries, written once as plain SQL over a thin connection seam.

SQLAlchemy Core cost 150 to 1000 µs per statement here; the driver itself costs 10 to 20 µs. The hot path
(every write appends an event) therefore talks to the driver through `Connection`, with `:name`
parameters that each backend adapts to its own style.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Any, Protocol, TypeVar

from waaah.domain.agents import Agent, AgentStatus
from waaah.domain.checks import Check
from waaah.domain.json_limits import decode
from waaah.domain.lifecycle import DISPATCHABLE, Status
from waaah.domain.queue import Queued
from waaah.domain.records import Event, HistoryEntry, Message, ReviewComment, SystemPrompt, stored_fields
from waaah.domain.tasks import Task
from waaah.domain.transcripts import Span, TranscriptEntry
from waaah.jsontext import compact
from waaah.store.base import SEARCH_WINDOW, TaskQuery, chunked
from waaah.store.hooks_sql import HookRows

R = TypeVar("R")
Row = dict[str, Any]
JSON_COLUMNS = frozenset({"required_capabilities", "workspace_context", "context", "response", "dependencies",
                          "images", "capabilities", "meta", "payload", "verify", "approval_override",
                          "check_summary"})
BOOL_COLUMNS = frozenset({"requires_review", "is_read", "resolved", "eviction_requested", "verification",
                          "truncated"})
_TUPLES = frozenset({"required_capabilities", "dependencies", "images", "capabilities", "verify"})
_ENUMS: dict[type, tuple[str, type]] = {Task: ("status", Status), Agent: ("status", AgentStatus),
                                        Queued: ("status", Status)}


class Connection(Protocol):
    """One database connection, inside one transaction or in autocommit reads."""

    async def rows(self, sql: str, params: dict[str, Any]) -> list[Row]: ...
    async def run(self, sql: str, params: dict[str, Any]) -> int: ...


def columns(cls: type) -> list[str]:
    return [f.name for f in stored_fields(cls)]


_LAYOUTS: dict[type, tuple[tuple[str, bool], ...]] = {}


def _layout(cls: type) -> tuple[tuple[str, bool], ...]:
    """A record type's columns, each with whether it holds JSON: worked out once per type."""
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = tuple((name, name in JSON_COLUMNS) for name in columns(cls))
    return layout


def _json(value: Any) -> str:
    # an empty tuple is most list columns of most records; a tuple encodes as a list
    return "[]" if value == () else compact(value)


def encode(name: str, value: Any) -> Any:
    return _json(value) if name in JSON_COLUMNS and value is not None else value


def to_row(record: Any) -> Row:
    row: Row = {}
    for name, is_json in _layout(type(record)):
        value = getattr(record, name)
        row[name] = _json(value) if is_json and value is not None else value
    return row


def from_row(cls: type[R], row: Row) -> R:
    values: dict[str, Any] = {}
    for name, value in row.items():
        if name in JSON_COLUMNS and isinstance(value, str):
            value = decode(value)  # never raises: what an older hub stored reads back safely
        if name in BOOL_COLUMNS and value is not None:
            value = bool(value)
        if name in _TUPLES:
            value = tuple(value or ())
        if name == "payload" and value is None and cls is Event:
            value = {}  # an event payload no parser could decode
        values[name] = value
    if cls in _ENUMS:
        field, enum = _ENUMS[cls]
        values[field] = enum(values[field])
    return cls(**values)


def _insert_sql(table: str, names: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})"


IN_CHUNK = 500
"""At most this many values in one `IN (…)` list: a longer list is read a chunk at a time. SQLite looks
a named parameter up by a linear scan, so one statement of n binds costs O(n²) to prepare (100,000 ids:
tens of seconds), and its build limit on variables may be as low as 32,766 (999 before 3.32)."""


def in_chunks(values: Collection[str]) -> AsyncIterator[list[str]]:
    """The distinct `values` (as one `IN (…)` would take them), IN_CHUNK at a time."""
    return chunked(list(dict.fromkeys(values)), IN_CHUNK)


def _in(prefix: str, values: Collection[Any], params: dict[str, Any]) -> str:
    keys = [f"{prefix}{i}" for i in range(len(values))]
    params.update(zip(keys, values, strict=True))
    return "(" + ", ".join(":" + k for k in keys) + ")"


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search(text: str, clause: str, params: dict[str, Any]) -> str:
    """`text` in id, title, prompt or assignee, among the newest SEARCH_WINDOW tasks `clause` selects:
    a bounded scan however large the table."""
    params["q"] = _like(text)
    like = " OR ".join(f"LOWER({c}) LIKE :q ESCAPE '\\'" for c in ("id", "title", "prompt", "assigned_to"))
    window = (f"SELECT id FROM (SELECT id FROM tasks WHERE {clause} ORDER BY created_at DESC, id DESC "
              f"LIMIT {SEARCH_WINDOW}) AS recent")
    return f"id IN ({window}) AND ({like})"


TASK_INSERT = _insert_sql("tasks", columns(Task))
QUEUED_COLUMNS = ", ".join(columns(Queued))
AGENT_INSERT = _insert_sql("agents", columns(Agent))
MESSAGE_INSERT = _insert_sql("task_messages", columns(Message))
HISTORY_INSERT = _insert_sql("task_history", columns(HistoryEntry))
COMMENT_INSERT = _insert_sql("review_comments", columns(ReviewComment))
PROMPT_INSERT = _insert_sql("system_prompts", [c for c in columns(SystemPrompt) if c != "id"])
EVENT_INSERT = _insert_sql("events", columns(Event))
CHECK_INSERT = _insert_sql("task_checks", columns(Check))
TRANSCRIPT_COLUMNS = columns(TranscriptEntry)
HISTORY_COLUMNS = ", ".join(columns(HistoryEntry))
PRIORITY_ORDER = "CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 ELSE 2 END"


class SqlTx(HookRows):
    """Reads and writes on one connection. Only the service's unit of work calls the writes."""

    NO_LIMIT = "LIMIT -1"  # what lets OFFSET stand alone (SQLite's spelling)
    BY_STATUS = "tasks INDEXED BY ix_tasks_status_live_created"
    """The tasks table read through its status index, for the few tasks in a small set of statuses
    (reserved, held). Given `ANALYZE`'s averages over a table of mostly finished tasks, SQLite's
    planner otherwise reads the whole table in `created_at` order to skip a sort of a few rows."""

    COUNTER = True
    """The newest seq is kept in the `counters` row, which a writer locks first (PostgreSQL: the lock
    orders the writers of every process) and moves at `flush`."""

    def __init__(self, conn: Connection, last_seq: int | None = None) -> None:
        self.conn = conn
        self._seq: int | None = last_seq
        self._seq_dirty = False

    async def _all(self, cls: type[R], sql: str, params: dict[str, Any] | None = None) -> list[R]:
        return [from_row(cls, row) for row in await self.conn.rows(sql, params or {})]

    async def _one(self, cls: type[R], sql: str, params: dict[str, Any]) -> R | None:
        found = await self._all(cls, sql + " LIMIT 1", params)
        return found[0] if found else None

    async def _value(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        rows = await self.conn.rows(sql, params or {})
        return next(iter(rows[0].values())) if rows else None

    async def _update(self, table: str, key: str, key_value: Any, changes: dict[str, Any]) -> None:
        if changes:
            sets = ", ".join(f"{name} = :{name}" for name in changes)
            params = {name: encode(name, value) for name, value in changes.items()}
            await self.conn.run(f"UPDATE {table} SET {sets} WHERE {key} = :key_", {**params, "key_": key_value})

    # --- tasks -------------------------------------------------------------------------------
    async def get_task(self, task_id: str) -> Task | None:
        return await self._one(Task, "SELECT * FROM tasks WHERE id = :id", {"id": task_id})

    async def get_tasks(self, task_ids: Collection[str]) -> dict[str, Task]:
        found: dict[str, Task] = {}
        async for chunk in in_chunks(task_ids):
            params: dict[str, Any] = {}
            sql = f"SELECT * FROM tasks WHERE id IN {_in('i', chunk, params)}"
            found.update((task.id, task) for task in await self._all(Task, sql, params))
        return found

    async def find_tasks(self, query: TaskQuery) -> tuple[list[Task], int]:
        where: list[str] = ["deleted_at IS NULL"]
        params: dict[str, Any] = {}
        if query.statuses is not None:
            where.append("status IN " + _in("s", [s.value for s in query.statuses] or [""], params))
        if query.agent_id:
            where.append("assigned_to = :agent")
            params["agent"] = query.agent_id
        if query.search:
            where.append(_search(query.search, " AND ".join(where), params))
        counted_clause = " AND ".join(where)
        if query.after is not None and not query.dispatch_order:
            params["after_at"], params["after_id"] = query.after
            beyond = "<" if query.newest_first else ">"
            where.append(f"created_at {beyond}= :after_at "  # an index range, not a filter over the status's rows
                         f"AND (created_at {beyond} :after_at OR (created_at = :after_at AND id {beyond} :after_id))")
        clause = " AND ".join(where)
        if query.dispatch_order:
            order = f"{PRIORITY_ORDER}, created_at, id"
        else:
            order = "created_at DESC, id DESC" if query.newest_first else "created_at, id"
        sql = f"SELECT * FROM tasks WHERE {clause} ORDER BY {order}"
        if query.limit is not None:
            sql += f" LIMIT {int(query.limit)}"
        if query.offset:
            sql += ("" if query.limit is not None else f" {self.NO_LIMIT}") + f" OFFSET {int(query.offset)}"
        found = await self._all(Task, sql, params) if query.limit != 0 else []
        if not query.counted:
            return found, len(found)
        total = await self._value(f"SELECT COUNT(*) FROM tasks WHERE {counted_clause}", params)
        return found, int(total or 0)

    async def count_by_status(self) -> dict[str, int]:
        sql = "SELECT status, COUNT(*) AS n FROM tasks WHERE deleted_at IS NULL GROUP BY status"
        rows = await self.conn.rows(sql, {})
        return {row["status"]: int(row["n"]) for row in rows}

    async def dependants(self, task_id: str) -> list[Task]:
        sql = "SELECT * FROM tasks WHERE id IN (SELECT task_id FROM task_dependencies WHERE depends_on = :id)"
        return await self._all(Task, sql, {"id": task_id})

    async def tasks_of_agent(self, agent_id: str, statuses: Collection[Status]) -> list[Task]:
        params: dict[str, Any] = {"agent": agent_id}
        status_in = _in("s", [s.value for s in statuses], params)
        sql = (f"SELECT * FROM {self.BY_STATUS} WHERE status IN {status_in} "
               "AND (assigned_to = :agent OR pending_ack_agent_id = :agent) ORDER BY created_at")
        return await self._all(Task, sql, params)

    async def tasks_in(self, statuses: Collection[Status]) -> list[Task]:
        params: dict[str, Any] = {}
        status_in = _in("s", [s.value for s in statuses], params)
        sql = f"SELECT * FROM {self.BY_STATUS} WHERE status IN {status_in} AND deleted_at IS NULL ORDER BY created_at"
        return await self._all(Task, sql, params)

    async def queued_page(self, status: Status, after: tuple[int, str] | None, limit: int) -> list[Queued]:
        """Live tasks in `status` after `(created_at, id)`, oldest first, as much as matching reads."""
        params: dict[str, Any] = {"status": status.value}
        beyond = ""
        if after is not None:
            params["at"], params["id"] = after
            beyond = "AND created_at >= :at AND (created_at > :at OR id > :id) "
        sql = (f"SELECT {QUEUED_COLUMNS} FROM {self.BY_STATUS} WHERE status = :status AND deleted_at IS NULL "
               f"{beyond}ORDER BY created_at, id LIMIT {int(limit)}")
        return await self._all(Queued, sql, params)

    async def queued_among(self, task_ids: Collection[str]) -> list[Queued]:
        """Those of `task_ids` that are live and dispatchable, as much as matching reads."""
        found: list[Queued] = []
        async for chunk in in_chunks(task_ids):
            params: dict[str, Any] = {}
            # only the ids in SQL: given a status filter too, SQLite may read every queued task's index entry
            sql = f"SELECT {QUEUED_COLUMNS}, deleted_at FROM tasks WHERE id IN {_in('i', chunk, params)}"
            found += [from_row(Queued, row) for row in await self.conn.rows(sql, params)
                      if row.pop("deleted_at") is None and row["status"] in DISPATCHABLE]
        return found

    async def held_tasks(self, statuses: Collection[Status]) -> dict[str, list[str]]:
        """Every agent's tasks in `statuses` (assigned to it or reserved for it), oldest first: the
        bulk form of `tasks_of_agent`, one query for all agents."""
        params: dict[str, Any] = {}
        status_in = _in("s", [s.value for s in statuses], params)
        sql = (f"SELECT id, assigned_to, pending_ack_agent_id FROM {self.BY_STATUS} WHERE status IN {status_in} "
               "AND (assigned_to IS NOT NULL OR pending_ack_agent_id IS NOT NULL) ORDER BY created_at")
        held: dict[str, list[str]] = {}
        for row in await self.conn.rows(sql, params):
            for agent_id in dict.fromkeys(a for a in (row["assigned_to"], row["pending_ack_agent_id"]) if a):
                held.setdefault(agent_id, []).append(row["id"])
        return held

    async def insert_task(self, task: Task) -> None:
        await self.conn.run(TASK_INSERT, to_row(task))
        await self._insert_dependencies(task.id, task.dependencies)

    async def _insert_dependencies(self, task_id: str, deps: Sequence[str]) -> None:
        for dep in deps:
            await self.conn.run("INSERT INTO task_dependencies (task_id, depends_on) VALUES (:t, :d)",
                                {"t": task_id, "d": dep})

    async def update_task(self, task_id: str, changes: dict[str, Any]) -> None:
        await self._update("tasks", "id", task_id, changes)
        if "dependencies" in changes:
            await self.conn.run("DELETE FROM task_dependencies WHERE task_id = :t", {"t": task_id})
            await self._insert_dependencies(task_id, changes["dependencies"] or ())

    # --- messages, history, review comments ---------------------------------------------------
    async def _grouped(self, cls: type[R], sql: str, task_ids: Collection[str], order: str) -> dict[str, list[R]]:
        """Each task's records in `order`; a task's records all come in its chunk's query."""
        grouped: dict[str, list[R]] = defaultdict(list)
        async for chunk in in_chunks(task_ids):
            params: dict[str, Any] = {}
            query = f"{sql} WHERE task_id IN {_in('t', chunk, params)} ORDER BY {order}"
            for record in await self._all(cls, query, params):
                grouped[record.task_id].append(record)  # type: ignore[attr-defined]
        return grouped

    async def messages_for(self, task_ids: Collection[str]) -> dict[str, list[Message]]:
        return await self._grouped(Message, "SELECT * FROM task_messages", task_ids, "timestamp, id")

    async def history_for(self, task_ids: Collection[str]) -> dict[str, list[HistoryEntry]]:
        sql = f"SELECT {HISTORY_COLUMNS} FROM task_history"
        return await self._grouped(HistoryEntry, sql, task_ids, "id")

    async def insert_message(self, message: Message) -> None:
        await self.conn.run(MESSAGE_INSERT, to_row(message))

    async def mark_read(self, message_ids: Sequence[str]) -> None:
        async for chunk in in_chunks(message_ids):
            params: dict[str, Any] = {}
            await self.conn.run(f"UPDATE task_messages SET is_read = :yes WHERE id IN {_in('m', chunk, params)}",
                                {**params, "yes": True})

    async def insert_history(self, entry: HistoryEntry) -> None:
        await self.conn.run(HISTORY_INSERT, to_row(entry))

    async def review_comments(self, task_id: str, unresolved_only: bool = False) -> list[ReviewComment]:
        sql = "SELECT * FROM review_comments WHERE task_id = :t"
        params: dict[str, Any] = {"t": task_id}
        if unresolved_only:
            sql += " AND resolved = :no AND thread_id IS NULL"
            params["no"] = False
        return await self._all(ReviewComment, sql + " ORDER BY created_at, id", params)

    async def get_review_comment(self, comment_id: str) -> ReviewComment | None:
        return await self._one(ReviewComment, "SELECT * FROM review_comments WHERE id = :id", {"id": comment_id})

    async def insert_review_comment(self, comment: ReviewComment) -> None:
        await self.conn.run(COMMENT_INSERT, to_row(comment))

    async def update_review_comment(self, comment_id: str, changes: dict[str, Any]) -> None:
        await self._update("review_comments", "id", comment_id, changes)

    # --- checks (runs of verify commands) --------------------------------------------------------
    async def checks(self, task_id: str) -> list[Check]:
        """A task's checks, oldest first (in the order they were reported)."""
        sql = "SELECT * FROM task_checks WHERE task_id = :t ORDER BY created_at, id"
        return await self._all(Check, sql, {"t": task_id})

    async def insert_check(self, check: Check) -> None:
        await self.conn.run(CHECK_INSERT, to_row(check))

    # --- transcripts ---------------------------------------------------------------------------
    async def transcript_span(self, task_id: str) -> Span:
        sql = "SELECT MIN(n) AS lo, MAX(n) AS hi FROM task_transcripts WHERE task_id = :t"
        row = (await self.conn.rows(sql, {"t": task_id}))[0]
        return Span(int(row["lo"]) - 1, int(row["hi"])) if row["hi"] is not None else Span()

    async def transcript(self, task_id: str, after: int, limit: int) -> list[TranscriptEntry]:
        sql = f"SELECT * FROM task_transcripts WHERE task_id = :t AND n > :after ORDER BY n LIMIT {int(limit)}"
        return await self._all(TranscriptEntry, sql, {"t": task_id, "after": after})

    async def insert_transcript(self, entries: Sequence[TranscriptEntry]) -> None:
        """Every entry in one statement (a call brings up to hundreds)."""
        if entries:
            params: dict[str, Any] = {}
            groups = []
            for i, entry in enumerate(entries):
                params.update({f"{name}{i}": value for name, value in to_row(entry).items()})
                groups.append("(" + ", ".join(f":{name}{i}" for name in TRANSCRIPT_COLUMNS) + ")")
            await self.conn.run(f"INSERT INTO task_transcripts ({', '.join(TRANSCRIPT_COLUMNS)}) "
                                f"VALUES {', '.join(groups)}", params)

    async def drop_transcript(self, task_id: str, before: int) -> int:
        """Drop a task's entries numbered below `before`."""
        return await self.conn.run("DELETE FROM task_transcripts WHERE task_id = :t AND n < :before",
                                   {"t": task_id, "before": before})

    # --- agents and system prompts -------------------------------------------------------------
    async def get_agent(self, agent_id: str) -> Agent | None:
        return await self._one(Agent, "SELECT * FROM agents WHERE id = :id", {"id": agent_id})

    async def list_agents(self) -> list[Agent]:
        return await self._all(Agent, "SELECT * FROM agents ORDER BY last_seen DESC, id")

    async def silent_agents(self, seen_before: int) -> list[Agent]:
        """Agents not OFFLINE that were last seen before `seen_before` (ms), the longest silent first."""
        return await self._all(Agent, "SELECT * FROM agents WHERE last_seen < :before AND status <> 'OFFLINE' "
                                      "ORDER BY last_seen, id", {"before": seen_before})

    async def insert_agent(self, agent: Agent) -> None:
        await self.conn.run(AGENT_INSERT, to_row(agent))

    async def update_agent(self, agent_id: str, changes: dict[str, Any]) -> None:
        await self._update("agents", "id", agent_id, changes)

    async def next_system_prompt(self, agent_id: str) -> SystemPrompt | None:
        sql = "SELECT * FROM system_prompts WHERE agent_id = :a ORDER BY created_at, id"
        return await self._one(SystemPrompt, sql, {"a": agent_id})

    async def count_system_prompts(self, agent_id: str) -> int:
        return int(await self._value("SELECT COUNT(*) FROM system_prompts WHERE agent_id = :a", {"a": agent_id}))

    async def system_prompt_counts(self) -> dict[str, int]:
        rows = await self.conn.rows("SELECT agent_id, COUNT(*) AS n FROM system_prompts GROUP BY agent_id", {})
        return {row["agent_id"]: int(row["n"]) for row in rows}

    async def insert_system_prompt(self, prompt: SystemPrompt) -> None:
        row = to_row(prompt)
        del row["id"]
        await self.conn.run(PROMPT_INSERT, row)

    async def delete_system_prompt(self, prompt_id: int) -> None:
        await self.conn.run("DELETE FROM system_prompts WHERE id = :id", {"id": prompt_id})

    # --- the event log -------------------------------------------------------------------------
    async def last_seq(self) -> int:
        return int(await self._value("SELECT value FROM counters WHERE name = 'event_seq'") or 0)

    async def oldest_seq(self) -> int | None:
        value = await self._value("SELECT MIN(seq) FROM events")
        return None if value is None else int(value)

    async def events_after(self, seq: int, limit: int) -> list[Event]:
        sql = f"SELECT * FROM events WHERE seq > :seq ORDER BY seq LIMIT {int(limit)}"
        return await self._all(Event, sql, {"seq": seq})

    async def append_event(self, name: str, entity_id: str, payload: dict[str, Any], now: int) -> Event:
        if self._seq is None:  # a transaction that did not start from `last_seq`
            self._seq = await self.last_seq()
        self._seq += 1
        self._seq_dirty = True
        body = _json(payload)
        await self.conn.run(EVENT_INSERT, {"seq": self._seq, "name": name, "entity_id": entity_id,
                                           "payload": body, "created_at": now})
        return Event(seq=self._seq, name=name, entity_id=entity_id, payload=payload, created_at=now, body=body)

    async def prune_events(self, before: int) -> int:
        """Drop events older than `before` (ms), always keeping the newest one and every event a
        webhook has not delivered yet."""
        last = await self.last_seq()
        floor = await self.hooks_floor()
        last = last if floor is None else min(last, floor + 1)
        return await self.conn.run("DELETE FROM events WHERE created_at < :before AND seq < :last",
                                   {"before": before, "last": last})

    @property
    def newest_seq(self) -> int | None:
        """The seq of the last event this transaction appended (None when it appended none)."""
        return self._seq if self._seq_dirty else None

    async def flush(self) -> None:
        """Persist the sequence counter (where the counter row keeps it); called just before commit."""
        if self.COUNTER and self._seq_dirty:
            await self.conn.run("UPDATE counters SET value = :v WHERE name = 'event_seq'", {"v": self._seq})

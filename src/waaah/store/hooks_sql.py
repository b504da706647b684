"""The store's queries for webhook subscriptions (the `hooks` table), mixed into each backend's
transaction. The lease is a conditional update, so on a shared database one process at a time
delivers a hook's events."""

from __future__ import annotations

import dataclasses
import json
from typing import Any, Protocol

from waaah.hooks.model import Hook

Row = dict[str, Any]
HOOK_COLUMNS = [f.name for f in dataclasses.fields(Hook)]
HOOK_INSERT = (f"INSERT INTO hooks ({', '.join(HOOK_COLUMNS)}) "
               f"VALUES ({', '.join(':' + c for c in HOOK_COLUMNS)})")


class _Connection(Protocol):
    async def rows(self, sql: str, params: dict[str, Any]) -> list[Row]: ...
    async def run(self, sql: str, params: dict[str, Any]) -> int: ...


def hook_row(hook: Hook) -> Row:
    row = dataclasses.asdict(hook)
    row["patterns"] = json.dumps(list(hook.patterns))
    return row


def hook_from_row(row: Row) -> Hook:
    values = dict(row)
    values["patterns"] = tuple(json.loads(values["patterns"]))
    values["paused"] = bool(values["paused"])
    return Hook(**values)


def _encoded(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: json.dumps(list(v)) if k == "patterns" else v for k, v in changes.items()}


class HookReader(Protocol):
    async def get_hook(self, hook_id: str) -> Hook | None: ...
    async def list_hooks(self) -> list[Hook]: ...


class HookWriter(HookReader, Protocol):
    async def insert_hook(self, hook: Hook) -> None: ...
    async def update_hook(self, hook_id: str, changes: dict[str, Any], owner: str | None = None) -> bool: ...
    async def delete_hook(self, hook_id: str) -> None: ...
    async def lease_hook(self, hook_id: str, owner: str, now: int, until: int) -> bool: ...


class HookRows:
    """`HookWriter` over a `Connection` (the backends' `SqlTx` inherits it)."""

    conn: _Connection

    async def get_hook(self, hook_id: str) -> Hook | None:
        rows = await self.conn.rows("SELECT * FROM hooks WHERE id = :id", {"id": hook_id})
        return hook_from_row(rows[0]) if rows else None

    async def list_hooks(self) -> list[Hook]:
        return [hook_from_row(r) for r in await self.conn.rows("SELECT * FROM hooks ORDER BY created_at, id", {})]

    async def insert_hook(self, hook: Hook) -> None:
        await self.conn.run(HOOK_INSERT, hook_row(hook))

    async def update_hook(self, hook_id: str, changes: dict[str, Any], owner: str | None = None) -> bool:
        """Apply `changes`; with `owner`, only while that worker holds the lease. True if a row changed."""
        if not changes:
            return True
        sets = ", ".join(f"{name} = :{name}" for name in changes)
        sql = f"UPDATE hooks SET {sets} WHERE id = :key_"
        params = {**_encoded(changes), "key_": hook_id}
        if owner is not None:
            sql += " AND lease_owner = :owner_"
            params["owner_"] = owner
        return await self.conn.run(sql, params) > 0

    async def delete_hook(self, hook_id: str) -> None:
        await self.conn.run("DELETE FROM hooks WHERE id = :id", {"id": hook_id})

    async def lease_hook(self, hook_id: str, owner: str, now: int, until: int) -> bool:
        """Take the hook's lease until `until` (ms) if nobody holds it now: a conditional update, atomic
        across processes. False when another worker holds it, or it is paused or not due."""
        sql = ("UPDATE hooks SET leased_until = :until, lease_owner = :owner WHERE id = :id "
               "AND leased_until < :now AND paused = :no AND next_attempt_at <= :now")
        return await self.conn.run(sql, {"id": hook_id, "owner": owner, "now": now, "until": until,
                                         "no": False}) > 0

    async def hooks_floor(self) -> int | None:
        """The smallest cursor of any hook: events after it are not delivered everywhere yet."""
        rows = await self.conn.rows("SELECT MIN(cursor) AS floor FROM hooks", {})
        value = rows[0]["floor"] if rows else None
        return None if value is None else int(value)

"""Webhook subscriptions through the one write path: adding, removing and resuming a hook append its
event; the delivery worker's bookkeeping (lease, cursor, failures) goes through here too.

A cursor advance appends no event: an event per delivery would itself be delivered, for ever. A hook's
`hook:{id}:status` event marks what a person acts on: added, paused after failing, resumed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from waaah.errors import NotFound
from waaah.hooks.model import Hook, backoff, check_patterns, check_secret, check_url, status_payload
from waaah.service.core import Core
from waaah.service.unit import UnitOfWork
from waaah.store.base import Reader, Store

HOOK_STATUS, HOOK_DELETED = "hook:status", "hook:deleted"
ERROR_LIMIT = 500


@dataclasses.dataclass(frozen=True)
class NewHook:
    url: str
    events: object
    secret: str | None = None
    description: str | None = None


async def need_hook(tx: Reader, hook_id: str) -> Hook:
    hook = await tx.get_hook(hook_id)
    if hook is None:
        raise NotFound(f"Hook {hook_id} not found", hookId=hook_id)
    return hook


async def _status_event(uow: UnitOfWork, hook: Hook) -> None:
    await uow.hook_event(HOOK_STATUS, hook.id, status_payload(hook))


class HookOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def create(self, new: NewHook) -> Hook:
        """A hook that receives what is appended from now on. One `hook:status` event."""
        url, patterns, secret = check_url(new.url), check_patterns(new.events), check_secret(new.secret)

        async def op(uow: UnitOfWork) -> Hook:
            hook = Hook(Hook.new_id(uow.now), url, secret, patterns, uow.now, cursor=await uow.tx.last_seq(),
                        description=new.description)
            await uow.tx.insert_hook(hook)
            await _status_event(uow, hook)
            return hook

        return await self.core.write(op)

    async def remove(self, hook_id: str) -> None:
        async def op(uow: UnitOfWork) -> None:
            await need_hook(uow.tx, hook_id)
            await uow.tx.delete_hook(hook_id)
            await uow.hook_event(HOOK_DELETED, hook_id, {"id": hook_id})

        await self.core.write(op)

    async def resume(self, hook_id: str) -> Hook:
        """Deliver again from where the hook stopped (its cursor), failures forgotten."""
        async def op(uow: UnitOfWork) -> Hook:
            hook = await need_hook(uow.tx, hook_id)
            changes: dict[str, Any] = {"paused": False, "failures": 0, "next_attempt_at": 0}
            await uow.tx.update_hook(hook_id, changes)
            resumed = dataclasses.replace(hook, **changes)
            await _status_event(uow, resumed)
            return resumed

        return await self.core.write(op)

    # --- the delivery worker's bookkeeping (no event: see the module's docstring) ------------------
    async def lease(self, hook_id: str, owner: str) -> Hook | None:
        """The hook, leased to `owner` for `WAAAH_HOOK_LEASE`; None when paused, not due, or held."""
        lease_ms = int(self.core.settings.hook_lease * 1000)

        async def op(uow: UnitOfWork) -> Hook | None:
            if not await uow.tx.lease_hook(hook_id, owner, uow.now, uow.now + lease_ms):
                return None
            return await uow.tx.get_hook(hook_id)

        return await self.core.write(op)

    async def advance(self, hook_id: str, owner: str, seq: int, delivered: bool) -> bool:
        """Move the cursor to `seq` (delivered, or passed over) and renew the lease; False when
        `owner` no longer holds it (then it must stop)."""
        lease_ms = int(self.core.settings.hook_lease * 1000)

        async def op(uow: UnitOfWork) -> bool:
            changes: dict[str, Any] = {"cursor": seq, "leased_until": uow.now + lease_ms}
            if delivered:
                changes.update(failures=0, last_success_at=uow.now, last_error=None)
            return await uow.tx.update_hook(hook_id, changes, owner)

        return await self.core.write(op)

    async def failed(self, hook_id: str, owner: str, error: str) -> Hook | None:
        """Count a failed delivery and release the lease: the next attempt waits out the backoff; after
        `WAAAH_HOOK_MAX_FAILURES` in a row the hook pauses (one `hook:status` event)."""
        settings = self.core.settings

        async def op(uow: UnitOfWork) -> Hook | None:
            hook = await uow.tx.get_hook(hook_id)
            if hook is None or hook.lease_owner != owner:
                return None
            failures = hook.failures + 1
            delay_ms = int(backoff(failures, settings.hook_retry_base, settings.hook_retry_max) * 1000)
            changes: dict[str, Any] = {
                "failures": failures, "last_failure_at": uow.now, "last_error": error[:ERROR_LIMIT],
                "next_attempt_at": uow.now + delay_ms, "leased_until": 0, "lease_owner": None,
                "paused": failures >= settings.hook_max_failures}
            await uow.tx.update_hook(hook_id, changes, owner)
            new = dataclasses.replace(hook, **changes)
            if new.paused:
                await _status_event(uow, new)
            return new

        return await self.core.write(op)

    async def release(self, hook_id: str, owner: str) -> None:
        async def op(uow: UnitOfWork) -> None:
            await uow.tx.update_hook(hook_id, {"leased_until": 0, "lease_owner": None}, owner)

        await self.core.write(op)


async def list_hooks(store: Store) -> tuple[list[Hook], int]:
    """Every hook, oldest first, and the event log's last seq (for each hook's backlog)."""
    async with store.read() as tx:
        return await tx.list_hooks(), await tx.last_seq()


async def read_hook(store: Store, hook_id: str) -> tuple[Hook, int]:
    async with store.read() as tx:
        return await need_hook(tx, hook_id), await tx.last_seq()

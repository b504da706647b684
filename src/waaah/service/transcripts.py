"""Transcripts: the one write path for what an agent's coding CLI streams about a task, and its reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from waaah.domain.lifecycle import TERMINAL
from waaah.domain.transcripts import BATCH_LIMIT, KINDS, Appended, entry_json, first_kept, numbered
from waaah.domain.views import JSON
from waaah.errors import BadRequest, Conflict
from waaah.service.core import Core, need_task
from waaah.service.unit import UnitOfWork
from waaah.service.work import check_holder
from waaah.store.base import Store


@dataclass(frozen=True)
class NewEntry:
    """One entry as a caller sends it; `at` None means now."""

    kind: str
    text: str
    at: int | None = None


def check_entries(entries: Sequence[NewEntry]) -> None:
    if not 1 <= len(entries) <= BATCH_LIMIT:
        raise BadRequest(f"entries: send 1 to {BATCH_LIMIT} entries per call", field="entries")
    for i, entry in enumerate(entries):
        if entry.kind not in KINDS:
            raise BadRequest(f"entries.{i}.kind: must be one of {', '.join(KINDS)}", field=f"entries.{i}.kind")
        if entry.at is not None and entry.at < 0:
            raise BadRequest(f"entries.{i}.at: must be epoch milliseconds", field=f"entries.{i}.at")


class TranscriptOps:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def append(self, task_id: str, agent_id: str | None, entries: Sequence[NewEntry]) -> Appended:
        """Append to a live task's transcript (as its holder when `agent_id` is given); the oldest
        entries beyond the limit are dropped. One `task:transcript` event."""
        check_entries(entries)
        limit = max(1, self.core.settings.transcript_limit)

        async def op(uow: UnitOfWork) -> Appended:
            task = await need_task(uow.tx, task_id)
            if task.status in TERMINAL:
                raise Conflict(f"Task {task_id} is {task.status.value}: its transcript is closed",
                               currentStatus=task.status.value)
            if agent_id is not None:
                check_holder(task, agent_id)
            span = await uow.tx.transcript_span(task_id)
            items = [(e.kind, e.text, uow.now if e.at is None else e.at) for e in entries]
            added, was_cut = numbered(task_id, span.total, items, agent_id)
            keep_from = first_kept(added[-1].n, limit)
            await uow.append_transcript(task, added, keep_from)
            return Appended(len(added), added[-1].n, was_cut or keep_from > span.dropped + 1)

        return await self.core.write(op)


async def read_transcript(store: Store, task_id: str, after: int, limit: int) -> JSON:
    """`{entries, total, dropped}`: up to `limit` kept entries numbered after `after`, oldest first;
    `total` appended so far, `dropped` (the oldest) no longer kept."""
    async with store.read() as tx:
        await need_task(tx, task_id)
        span = await tx.transcript_span(task_id)
        entries = await tx.transcript(task_id, after, limit)
    return {"entries": [entry_json(e) for e in entries], "total": span.total, "dropped": span.dropped}

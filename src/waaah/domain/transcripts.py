"""Transcripts: what an agent's coding CLI said and did on a task, as numbered entries. Pure; no I/O.

Entries are numbered per task from 1, without gaps. A task keeps at most a configured number of
them: beyond it the oldest are dropped, so the kept entries are always the numbers `dropped + 1`
to `total`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

Kind = Literal["message", "tool_call", "tool_result", "error", "system"]
KINDS: tuple[str, ...] = get_args(Kind)
TEXT_LIMIT = 8000
BATCH_LIMIT = 500
PAGE_DEFAULT = 500
PAGE_MAX = 2000


@dataclass(frozen=True)
class TranscriptEntry:
    """One line of a task's transcript, as stored (`n` is its number within the task)."""

    task_id: str
    n: int
    kind: str
    text: str
    at: int
    agent_id: str | None = None


@dataclass(frozen=True)
class Span:
    """Which entries a task has kept: numbers `dropped + 1` to `total` (`total` 0: none yet)."""

    dropped: int = 0
    total: int = 0


@dataclass(frozen=True)
class Appended:
    """What one append did: `stored` entries added, `total` appended so far, `truncated` when a
    text was cut or older entries were dropped to stay within the limit."""

    stored: int
    total: int
    truncated: bool


def cut(text: str, limit: int = TEXT_LIMIT) -> tuple[str, bool]:
    """`text`, cut to `limit` characters with a note saying how much was left out."""
    if len(text) <= limit:
        return text, False
    return text[:limit] + f"\n[… {len(text) - limit} more characters cut]", True


def numbered(task_id: str, after: int, items: list[tuple[str, str, int]],
             agent_id: str | None) -> tuple[list[TranscriptEntry], bool]:
    """`(kind, text, at)` items as entries numbered from `after + 1`; and whether a text was cut."""
    entries, any_cut = [], False
    for offset, (kind, text, at) in enumerate(items, start=1):
        kept, was_cut = cut(text)
        any_cut = any_cut or was_cut
        entries.append(TranscriptEntry(task_id, after + offset, kind, kept, at, agent_id))
    return entries, any_cut


def first_kept(total: int, limit: int) -> int:
    """The number of the oldest entry kept when `total` have been appended and `limit` are kept."""
    return max(1, total - limit + 1)


def entry_json(entry: TranscriptEntry) -> dict[str, Any]:
    return {"n": entry.n, "kind": entry.kind, "text": entry.text, "at": entry.at, "agentId": entry.agent_id}

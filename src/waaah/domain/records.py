"""Records that hang off tasks and agents: messages, history, review comments, system prompts, events."""

from __future__ import annotations

import dataclasses
import secrets
import string
from dataclasses import dataclass, field
from typing import Any

from waaah.jsontext import compact

JSON = dict[str, Any]
NOT_STORED = {"stored": False}
"""A record field's metadata when the field is no column: the store neither writes nor reads it."""


def stored_fields(record: Any) -> list[dataclasses.Field[Any]]:
    """The fields of a record type (or record) that are columns: all but those marked NOT_STORED."""
    return [f for f in dataclasses.fields(record) if f.metadata.get("stored", True)]
_BASE36 = string.digits + string.ascii_lowercase


def random_suffix(length: int) -> str:
    """`length` base36 characters from one read of the system's random source (`secrets.choice`
    per character read it ~10 times for six). The 64 bits drawn beyond 36**length keep the
    modulo's bias under 2**-64."""
    n = int.from_bytes(secrets.token_bytes(length + 8), "big") % 36**length
    chars = []
    for _ in range(length):
        n, digit = divmod(n, 36)
        chars.append(_BASE36[digit])
    return "".join(chars)


@dataclass(frozen=True)
class Message:
    """A line in a task's conversation: a comment, a progress report, an answer, a review verdict."""

    id: str
    task_id: str
    role: str
    content: str
    timestamp: int
    is_read: bool = True
    reply_to: str | None = None
    meta: JSON | None = None

    @staticmethod
    def new_id(now: int) -> str:
        return f"msg-{now}-{random_suffix(6)}"

    @property
    def is_unread_comment(self) -> bool:
        return (self.role == "user" and not self.is_read
                and (self.meta or {}).get("messageType") == "comment")


@dataclass(frozen=True)
class HistoryEntry:
    task_id: str
    timestamp: int
    status: str
    agent_id: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class ReviewComment:
    id: str
    task_id: str
    file_path: str
    content: str
    author_role: str
    created_at: int
    line_number: int | None = None
    author_id: str | None = None
    thread_id: str | None = None
    resolved: bool = False
    resolved_by: str | None = None

    @staticmethod
    def new_id(now: int) -> str:
        return f"rc_{now}_{random_suffix(9)}"


@dataclass(frozen=True)
class SystemPrompt:
    agent_id: str
    prompt_type: str
    message: str
    created_at: int
    payload: JSON | None = None
    priority: str = "normal"
    id: int | None = None


@dataclass(frozen=True)
class Event:
    """One entry of the durable event log. `name` is generic (`task:updated`); `entity_id` names the subject."""

    seq: int
    name: str
    entity_id: str
    payload: JSON
    created_at: int
    body: str | None = field(default=None, compare=False, repr=False, metadata=NOT_STORED)
    """The payload as the store encoded it (compact JSON), when this process wrote the event."""
    task: Any = field(default=None, compare=False, repr=False, metadata=NOT_STORED)
    """For a task event this process wrote: the `Task` as the event's transaction left it, so a
    subscriber need not read it back. Neither stored nor sent."""

    @property
    def scoped_name(self) -> str:
        """The name with the subject's id in it: `task:{id}:updated`, `agent:{id}:status`."""
        kind, _, action = self.name.partition(":")
        return f"{kind}:{self.entity_id}:{action}"

    def wire_payload(self) -> JSON:
        """What clients receive: the payload with its `seq`."""
        return {**self.payload, "seq": self.seq}

    def wire_body(self) -> str:
        """`wire_payload()` as compact JSON; from `body` when the store kept it."""
        if self.body is None or "seq" in self.payload:
            return compact(self.wire_payload())
        return ("{" if self.body == "{}" else self.body[:-1] + ",") + f'"seq":{self.seq}}}'


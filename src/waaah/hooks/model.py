"""A webhook subscription and the pure rules about it: which events it wants, its backoff, its view.
No I/O here."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from waaah.domain.records import Event, random_suffix
from waaah.errors import BadRequest
from waaah.realtime.subscriptions import matcher, parse_patterns

NEEDS_YOU = "needs-you"
"""The named set: a task that needs a person (blocked on a question, in review, or failed)."""
NEEDS_YOU_STATUSES = frozenset({"IN_REVIEW", "FAILED"})
MAX_URL = 2000
MIN_SECRET = 16


@dataclass(frozen=True)
class Hook:
    """One subscription and its delivery state; `cursor` is the seq of the last event it is done with."""

    id: str
    url: str
    secret: str
    patterns: tuple[str, ...]
    created_at: int
    cursor: int = 0
    description: str | None = None
    paused: bool = False
    failures: int = 0
    last_success_at: int | None = None
    last_failure_at: int | None = None
    last_error: str | None = None
    next_attempt_at: int = 0
    leased_until: int = 0
    lease_owner: str | None = None

    @staticmethod
    def new_id(now: int) -> str:
        return f"hook-{now}-{random_suffix(6)}"


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(24)


def needs_you(event: Event) -> bool:
    """A task that just became BLOCKED on a question, IN_REVIEW or FAILED."""
    if event.name != "task:updated":
        return False
    status = event.payload.get("status")
    if status in NEEDS_YOU_STATUSES:
        return True
    return status == "BLOCKED" and event.payload.get("blockedReason") == "question"


def wants(patterns: Iterable[str], event: Event) -> bool:
    """Whether a hook with `patterns` is sent `event` (glob patterns over scoped names, or `needs-you`)."""
    given = tuple(patterns)
    if NEEDS_YOU in given and needs_you(event):
        return True
    return matcher(p for p in given if p != NEEDS_YOU)(event.scoped_name)


def check_patterns(raw: object) -> tuple[str, ...]:
    """The patterns of a new hook: glob patterns (as socket subscriptions) and/or `needs-you`."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        raise BadRequest(f"events: list at least one pattern, e.g. [\"task:*:updated\"] or [\"{NEEDS_YOU}\"]",
                         field="events")
    globs = parse_patterns([p for p in items if p != NEEDS_YOU], "events")
    return (NEEDS_YOU, *globs) if NEEDS_YOU in items else globs


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest("url: must be an http:// or https:// URL with a host", field="url")
    return url


def check_secret(secret: str | None) -> str:
    if secret is None:
        return new_secret()
    if len(secret) < MIN_SECRET or not secret.isprintable() or secret.strip() != secret:
        raise BadRequest(f"secret: must be at least {MIN_SECRET} printable characters, no surrounding spaces",
                         field="secret")
    return secret


def backoff(failures: int, base: float, ceiling: float) -> float:
    """Seconds before the next attempt after `failures` failures in a row: doubling from `base`."""
    return float(min(ceiling, base * 2 ** min(max(failures - 1, 0), 30)))


def secret_hint(secret: str) -> str:
    return "…" + secret[-4:]


def hook_json(hook: Hook, last_seq: int) -> dict[str, Any]:
    """The public view: never the secret, only a hint of it. `backlog` is last seq - cursor."""
    return {
        "id": hook.id, "url": hook.url, "events": list(hook.patterns), "description": hook.description,
        "secretHint": secret_hint(hook.secret), "createdAt": hook.created_at, "cursor": hook.cursor,
        "backlog": max(0, last_seq - hook.cursor), "paused": hook.paused, "failures": hook.failures,
        "lastSuccessAt": hook.last_success_at, "lastFailureAt": hook.last_failure_at, "lastError": hook.last_error,
        "nextAttemptAt": hook.next_attempt_at or None,
    }


def status_payload(hook: Hook) -> dict[str, Any]:
    """The `hook:{id}:status` event's payload: what a board of hooks shows (no secret, no backlog)."""
    return {"id": hook.id, "url": hook.url, "events": list(hook.patterns), "description": hook.description,
            "paused": hook.paused, "failures": hook.failures, "lastError": hook.last_error,
            "cursor": hook.cursor}

"""Which events a socket receives: glob patterns over scoped event names. Pure; no I/O.

Scoped names are `task:{id}:created|updated|deleted|transcript`, `agent:{id}:status` and
`hook:{id}:status|deleted`. In a pattern, `*`
matches any run of characters (`:` included, so agent ids with colons still match) and `?` one
character; everything else is literal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from waaah.errors import BadRequest

Matcher = Callable[[str], bool]
ACTIONS = {"task": ("created", "updated", "deleted", "transcript"), "agent": ("status",),
           "hook": ("status", "deleted")}
ALL_ACTIONS = frozenset(a for actions in ACTIONS.values() for a in actions)
MAX_PATTERNS = 100
MAX_PATTERN_LENGTH = 200
EXAMPLE = 'e.g. ["task:*:*", "agent:*:status", "task:task-123-abc:*"]'


def _has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` can never be a useful subscription, or None when it is fine."""
    if not pattern or len(pattern) > MAX_PATTERN_LENGTH:
        return f"must be 1 to {MAX_PATTERN_LENGTH} characters"
    if any(c.isspace() or not c.isprintable() for c in pattern):
        return "must not contain spaces or control characters"
    kind, colon, rest = pattern.partition(":")
    if not _has_wildcard(kind) and (kind not in ACTIONS or not colon):
        return "must start with task:, agent: or hook: (or a wildcard)"
    action = rest.rpartition(":")[2] if colon else ""
    if colon and not _has_wildcard(action):
        allowed = ACTIONS.get(kind, tuple(sorted(ALL_ACTIONS)))
        if action not in allowed:
            return f"must end with :{' or :'.join(allowed)} or a wildcard"
        if ":" not in rest:
            return f"must name the id too, e.g. {kind}:*:{action}"
    return None


def parse_patterns(raw: object, field: str) -> tuple[str, ...]:
    """`raw` (a pattern or a list of them) as distinct valid patterns; BadRequest says what is wrong."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(p, str) for p in items):
        raise BadRequest(f"{field} must be a list of pattern strings, {EXAMPLE}", field=field)
    if len(items) > MAX_PATTERNS:
        raise BadRequest(f"{field} lists more than {MAX_PATTERNS} patterns", field=field)
    for pattern in items:
        problem = pattern_problem(pattern)
        if problem:
            raise BadRequest(f"Invalid pattern {pattern!r}: it {problem}; {EXAMPLE}",
                             field=field, pattern=pattern)
    return tuple(dict.fromkeys(items))


def _regex(pattern: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


@lru_cache(maxsize=1024)
def _compiled(patterns: frozenset[str]) -> Matcher:
    if not patterns:
        return lambda name: False
    regex = re.compile("|".join(f"(?:{_regex(p)})" for p in sorted(patterns)), re.DOTALL)
    return lambda name: regex.fullmatch(name) is not None


def matcher(patterns: Iterable[str]) -> Matcher:
    """One predicate over scoped event names for a whole set of patterns (compiled once per set)."""
    return _compiled(frozenset(patterns))

"""What JSON the hub accepts from clients, and how it reads back JSON it may once have stored. Pure.

Every surface (REST bodies, both MCP transports, Socket.IO payloads) calls `check_input` on what it
parsed, so hostile input is refused with one message wherever it arrives: nesting deeper than
`MAX_DEPTH`, strings that cannot be encoded as UTF-8 (lone surrogates such as `"\\ud800"`), NUL
characters (PostgreSQL cannot store them in text) and the non-standard `NaN` / `Infinity`. (Integer
fields bound their own range, `MAX_INT` at most; numbers inside free-form objects are kept as JSON.)
`decode` is the read side: a column an older hub stored before these rules decodes to something
every encoder can write (never an exception).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from waaah.errors import BadRequest

MAX_DEPTH = 32
"""Containers (objects, arrays) a value may nest, the outermost one counting as 1."""
MAX_INT = 2**63 - 1
"""The largest integer the store holds (a signed 64-bit column)."""
PATH_PARTS = 6
"""How many steps of a too-deep value's path a message shows before eliding the rest."""
CUT = f"[nested deeper than {MAX_DEPTH} levels: not shown]"
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def dotted(path: list[str | int], limit: int = PATH_PARTS) -> str:
    """`context.a.b`, `images[0].name`; paths longer than `limit` steps end in `…`."""
    out = ""
    for part in path[:limit]:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out + ("…" if len(path) > limit else "")


def string_problem(text: str) -> str | None:
    """Why a string cannot be stored, or None."""
    if _SURROGATE.search(text):
        return "contains a lone surrogate (\\ud800-\\udfff), which cannot be encoded as UTF-8"
    if "\x00" in text:
        return "contains a NUL character (\\u0000), which the hub does not store"
    return None


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, str):
        return string_problem(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number (NaN and Infinity are not JSON)"
    return None


def input_problem(value: Any, field: str) -> tuple[str, str] | None:
    """(field path, what is wrong) for the first thing `check_input` refuses in `value`, or None.

    Walks the value without recursion, so any depth the parser produced is safe to inspect.
    """
    root: list[str | int] = [field] if field else []
    stack: list[tuple[Any, list[str | int], int]] = [(value, root, 1)]
    while stack:
        item, path, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return dotted(path), f"is nested deeper than {MAX_DEPTH} levels"
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            for key, child in pairs:
                if isinstance(key, str) and (problem := string_problem(key)):
                    return dotted([*path, key]), "has a key that " + problem
                stack.append((child, [*path, key], depth + 1))
        elif problem := _scalar_problem(item):
            return dotted(path) or "body", problem
    return None


def check_input(value: Any, field: str = "") -> None:
    """Raise `BadRequest` naming the field if `value` (parsed JSON from a client) is refused."""
    found = input_problem(value, field)
    if found is not None:
        name, problem = found
        raise BadRequest(f"{name or 'body'}: {problem}", field=name or "body")


def readable(value: Any, depth: int = 1) -> Any:
    """A copy of stored JSON that any encoder can write: containers nested past `MAX_DEPTH` are
    replaced by a note, lone surrogates by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict | list) and depth > MAX_DEPTH:
        return CUT
    if isinstance(value, dict):
        return {readable(k): readable(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [readable(v, depth + 1) for v in value]
    return value


def _maybe_unreadable(text: str) -> bool:
    """Cheap test that `text` might need `readable`: enough brackets to nest too deep, or an escaped
    surrogate (how `json.dumps` writes one)."""
    return text.count("{") + text.count("[") > MAX_DEPTH or bool(_ESCAPED_SURROGATE.search(text))


def decode(stored: str | bytes) -> Any:
    """A stored JSON column's value; None when it cannot be decoded at all (nested past the parser's
    recursion limit, or not JSON)."""
    text = stored.decode("utf-8", "replace") if isinstance(stored, bytes) else stored
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return readable(value) if _maybe_unreadable(text) else value

"""Plain-text tables and short renderings of tasks and agents for people. Pure; no I/O."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from waaah.commands.plan import PlanRow

JSON = dict[str, Any]
TITLE_WIDTH = 48


def short(text: str | None, width: int) -> str:
    """One line, at most `width` characters (an ellipsis marks a cut)."""
    line = " ".join((text or "").split())
    return line if len(line) <= width else line[: width - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces; the last column is not padded."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells[:-1], widths[:-1], strict=True)]
        return "  ".join([*padded, cells[-1]]).rstrip()

    return "\n".join([line(headers), *(line(r) for r in rows)])


def ago(ms: int | None, now_ms: int | None = None) -> str:
    """`12s`, `5m`, `3h`, `2d` since the epoch-millisecond time `ms`; `-` when unknown."""
    if not ms:
        return "-"
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    seconds = max(0, (now_ms - ms) // 1000)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def task_title(task: JSON) -> str:
    return str(task.get("title") or task.get("prompt") or "")


def tasks_table(tasks: Sequence[JSON], now_ms: int | None = None) -> str:
    rows = [[t["id"], t["status"], t.get("priority") or "normal", t.get("assignedTo") or "-",
             ago(t.get("createdAt"), now_ms), short(task_title(t), TITLE_WIDTH)] for t in tasks]
    return table(["ID", "STATUS", "PRIORITY", "AGENT", "AGE", "TITLE"], rows)


def agents_table(agents: Sequence[JSON], now_ms: int | None = None) -> str:
    rows = [[a["id"], a.get("status") or "-", ago(a.get("lastSeen"), now_ms),
             ",".join(a.get("capabilities") or []) or "-", ",".join(a.get("currentTasks") or []) or "-"]
            for a in agents]
    return table(["AGENT", "STATUS", "SEEN", "CAPABILITIES", "TASKS"], rows)


def counts_table(counts: dict[str, int]) -> str:
    return table(["STATUS", "TASKS"], [[status, str(n)] for status, n in counts.items()])


def plan_table(rows: Sequence[PlanRow], created: dict[str, tuple[str, str]] | None = None) -> str:
    """A plan in dependency order; with `created`, the task (id, status) each row became."""
    headers = ["#", "ID", "DEPS", "TITLE", "VERIFY"]
    body = [[str(n), r.id, ",".join(r.deps) or "\u2014", short(r.title, TITLE_WIDTH), short(r.verify or "\u2014", 40)]
            for n, r in enumerate(rows, 1)]
    if created is not None:
        headers[2:2] = ["TASK", "STATUS"]
        for cells, row in zip(body, rows, strict=True):
            cells[2:2] = list(created.get(row.id, ("-", "-")))
    return table(headers, body)


def task_detail(task: JSON, dependencies: dict[str, str]) -> str:
    """Everything a person wants to see about one task, as `label: value` lines."""
    context = task.get("context") or {}
    given = task.get("response")
    response: JSON = given if isinstance(given, dict) else {}
    lines = [
        ("task", task["id"]), ("title", task_title(task)), ("status", task["status"]),
        ("priority", task.get("priority") or "normal"), ("agent", task.get("assignedTo") or "-"),
        ("capabilities", ", ".join((task.get("to") or {}).get("requiredCapabilities") or []) or "-"),
        ("workspace", (task.get("to") or {}).get("workspaceId") or "-"),
        ("dependencies", ", ".join(f"{d} ({s})" for d, s in dependencies.items()) or "-"),
        ("blocked", task.get("blockedReason") or ""),
        ("question", response.get("blockedReason") if task["status"] == "BLOCKED" else ""),
        ("plan", context.get("planId") or ""),
        ("verify", context.get("verify") or ""), ("created", f"{ago(task.get('createdAt'))} ago"),
        ("response", short(response.get("message"), 200)),
    ]
    out = [f"{label + ':':<14}{value}" for label, value in lines if value]
    out += ["", "prompt:", *("  " + line for line in str(task.get("prompt") or "").splitlines())]
    messages = task.get("messages") or []
    if messages:
        out += ["", "messages:"]
        out += [f"  [{m.get('role')}] {short(m.get('content'), 100)}" for m in messages[-10:]]
    return "\n".join(out)

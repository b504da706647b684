"""The prompt a CLI receives for a task: the task, its context, what its dependencies produced,
what people said since the last run (feedback, answers, review comments), and the protocol."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from waaah.mcp.texts import without_setup_block

JSON = dict[str, Any]
PROMPTS = ("task", "resume", "loop")
DEP_OUTPUT_LIMIT = 4000


def packaged(name: str) -> str:
    """A prompt that ships with the package (`src/waaah/runner/prompts/<name>.md`)."""
    return resources.files("waaah.runner").joinpath("prompts", f"{name}.md").read_text()


@dataclass(frozen=True)
class PromptInput:
    task: JSON
    """The task as GET /admin/tasks/{id} answers (id, title, prompt, context, messages, …)."""
    agent_id: str
    worktree: Path
    base: str
    dependencies: list[JSON] = field(default_factory=list)
    review_comments: list[JSON] = field(default_factory=list)
    since: int | None = None
    """The start of the previous run (ms): a resume shows what people said after it."""
    note: str | None = None
    """What the runner itself has to say (a merge conflict, the last attempt's failure)."""


def build(spec: PromptInput) -> str:
    task = spec.task
    values = {"task_id": task["id"], "agent_id": spec.agent_id, "worktree": str(spec.worktree),
              "branch": f"waaah/{task['id']}", "base": spec.base}
    prompt = without_setup_block(str(task.get("prompt", ""))).strip()
    parts = [f"# Task {task['id']}: {task.get('title') or 'untitled'}", "", prompt]
    if task.get("context"):
        parts += ["", "## Context", "", "```json", json.dumps(task["context"], indent=2, default=str), "```"]
    parts += _dependencies(spec.dependencies)
    parts += ["", packaged("task").format(**values).strip()]
    if spec.since is not None or spec.note:
        parts += ["", packaged("resume").format(**values).strip()]
        parts += _said_since(task, spec.since) + _comments(spec.review_comments)
        if spec.note:
            parts += ["", "### From the runner", "", spec.note]
    return "\n".join(parts).rstrip() + "\n"


def _dependencies(deps: list[JSON]) -> list[str]:
    if not deps:
        return []
    lines = ["", "## What the tasks this one depends on produced"]
    for dep in deps:
        response = dep.get("response") or {}
        message = str(response.get("message") or "(no message)")[:DEP_OUTPUT_LIMIT]
        lines += ["", f"### {dep.get('id')}: {dep.get('title') or ''} — {dep.get('status')}", "", message]
    return lines


def _said_since(task: JSON, since: int | None) -> list[str]:
    """People's messages (feedback, answers, comments) newer than the previous run."""
    said = [m for m in task.get("messages") or []
            if m.get("role") == "user" and (since is None or int(m.get("timestamp", 0)) >= since)]
    if not said:
        return []
    return ["", "### What people said", ""] + [f"- {m.get('content')}" for m in said]


def _comments(comments: list[JSON]) -> list[str]:
    open_ones = [c for c in comments if not c.get("resolved") and not c.get("threadId")]
    if not open_ones:
        return []
    lines = ["", "### Review comments", ""]
    for c in open_ones:
        where = str(c.get("filePath") or "")
        if c.get("lineNumber") is not None:
            where += f":{c['lineNumber']}"
        lines.append(f"- {where} — {c.get('content')}")
    return lines


SHOWN = {"task_id": "<task-id>", "agent_id": "<agent-id>", "worktree": "<repo>/.worktrees/<task-id>",
         "branch": "waaah/<task-id>", "base": "<base>"}
"""How `waaah agent prompts` shows the values the runner fills in."""


def all_prompts() -> str:
    """`waaah agent prompts`: every prompt that ships with the package."""
    shown = [packaged(n).format(**SHOWN) if n != "loop" else packaged(n) for n in PROMPTS]
    return "\n\n".join(f"===== {n}.md =====\n{text.rstrip()}" for n, text in zip(PROMPTS, shown, strict=True)) + "\n"

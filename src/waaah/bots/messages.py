"""What needs a person, and what the chat post about it says: pure, shared by every platform.

A task needs a person when it is BLOCKED on a question (Answer), IN_REVIEW (Approve / Reject) or
FAILED. Its post names the task with a link to it in the dashboard, says what is asked, offers the
actions while they make sense, and once the task has moved on says what happened (and who did it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import quote

JSON = dict[str, Any]
TEXT_LIMIT = 1500
"""Longest question, summary or failure text quoted in a post (the rest is behind the link)."""


class Kind(StrEnum):
    QUESTION = "question"
    REVIEW = "review"
    FAILURE = "failure"


class Action(StrEnum):
    ANSWER = "answer"
    APPROVE = "approve"
    REJECT = "reject"


HEADINGS = {Kind.QUESTION: "An agent asks", Kind.REVIEW: "Ready for review", Kind.FAILURE: "Failed"}
WAITING_STATUS = {Kind.QUESTION: "BLOCKED", Kind.REVIEW: "IN_REVIEW", Kind.FAILURE: "FAILED"}
ACTIONS = {Kind.QUESTION: (Action.ANSWER,), Kind.REVIEW: (Action.APPROVE, Action.REJECT), Kind.FAILURE: ()}
LABELS = {Action.ANSWER: "Answer", Action.APPROVE: "Approve", Action.REJECT: "Reject"}
DONE = {Action.ANSWER: "Answered", Action.APPROVE: "Approved", Action.REJECT: "Rejected"}
NEEDS_TEXT = frozenset({Action.ANSWER, Action.REJECT})
"""The actions that ask the person for text: the answer, the reviewer's feedback."""
FORMS = {Action.ANSWER: ("Answer the agent", "Your answer"),
         Action.REJECT: ("Reject the work", "What should change (sent to the agent)")}
"""The title and the field label of the form that asks for that text."""
PHRASES = {
    "QUEUED": "back in the queue", "PENDING_ACK": "being picked up", "ASSIGNED": "picked up",
    "IN_PROGRESS": "being worked on", "BLOCKED": "blocked", "IN_REVIEW": "in review", "REJECTED": "rejected",
    "APPROVED_QUEUED": "approved, waiting to merge", "APPROVED_PENDING_ACK": "approved, being picked up",
    "COMPLETED": "done", "FAILED": "failed", "CANCELLED": "cancelled",
}
FINISHED = frozenset({"COMPLETED", "CANCELLED"})
"""A post about a task in one of these is final: the bridge forgets it."""


@dataclass(frozen=True)
class Post:
    """A platform-neutral chat post: each platform renders it as its own message."""

    task_id: str
    kind: Kind
    title: str
    link: str
    text: str
    outcome: str | None
    """None while the task waits for a person; then the line saying what happened."""
    actions: tuple[Action, ...]

    @property
    def heading(self) -> str:
        return HEADINGS[self.kind]

    @property
    def summary(self) -> str:
        """One line for notifications and clients that show no formatting."""
        state = f" — {self.outcome}" if self.outcome else ""
        return f"{self.heading}: {self.title}{state}"


def task_url(dashboard_url: str, task_id: str) -> str:
    """The task's page in the dashboard: `<dashboard>/admin/task/<id>`."""
    return f"{dashboard_url.rstrip('/')}/admin/task/{quote(task_id, safe='')}"


def need_of(task: JSON) -> Kind | None:
    """What the task asks of a person right now, if anything."""
    status = task.get("status")
    if status == "BLOCKED":
        return Kind.QUESTION if task.get("blockedReason") == "question" else None
    if status == "IN_REVIEW":
        return Kind.REVIEW
    return Kind.FAILURE if status == "FAILED" else None


def title_of(task: JSON) -> str:
    title = str(task.get("title") or task.get("prompt") or task.get("id") or "")
    first = title.strip().splitlines()[0] if title.strip() else str(task.get("id"))
    return clip(first, 120)


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def asked_text(task: JSON, kind: Kind) -> str:
    """The question, the agent's summary of its work, or why it failed."""
    given = task.get("response")
    response: JSON = given if isinstance(given, dict) else {}
    message = str(response.get("message") or "")
    if kind is Kind.QUESTION:
        return clip(str(response.get("blockedReason") or message or "(no question text)"))
    if kind is Kind.REVIEW:
        return clip(message or "(no summary)")
    reason = task.get("failureReason")
    return clip(" — ".join(part for part in (str(reason or ""), message) if part) or "(no reason given)")


def outcome(kind: Kind, status: str, decision: str | None) -> str | None:
    """None while the task still waits for the person; else what happened, e.g. `Approved by X · done`."""
    if decision is None and status == WAITING_STATUS[kind]:
        return None
    phrase = PHRASES.get(status, status.lower())
    return f"{decision} · {phrase}" if decision else phrase.capitalize()


def decision_text(action: Action, by: str, text: str | None = None) -> str:
    """`Approved by X`, `Answered by X: the answer`, `Rejected by X: the feedback`."""
    said = f": {clip(text, 300)}" if text else ""
    return f"{DONE[action]} by {by}{said}"


def post_for(task: JSON, kind: Kind, dashboard_url: str, decision: str | None = None) -> Post:
    """The post about `task` needing a person for `kind`, as things stand now."""
    state = outcome(kind, str(task.get("status")), decision)
    return Post(task_id=str(task["id"]), kind=kind, title=title_of(task),
                link=task_url(dashboard_url, str(task["id"])), text=asked_text(task, kind),
                outcome=state, actions=ACTIONS[kind] if state is None else ())


def action_id(action: Action, task_id: str) -> str:
    """The id a button carries: `waaah:<action>:<task id>`."""
    return f"waaah:{action.value}:{task_id}"


def parse_action_id(value: str) -> tuple[Action, str] | None:
    """The action and task of a button id made by `action_id`; None for anything else."""
    prefix, _, rest = value.partition(":")
    name, _, task_id = rest.partition(":")
    if prefix != "waaah" or not task_id or name not in {a.value for a in Action}:
        return None
    return Action(name), task_id

"""Operator commands on tasks: send, assign, list, status, approve, reject, answer, cancel, retry.

Each one parses its arguments, makes REST calls to the running server and prints a table for people
or JSON (`--json`) for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from waaah.commands import tables
from waaah.commands.client import JSON, ApiClient, Connection, UsageError
from waaah.commands.plan import PlanError, PlanRow, load_plan
from waaah.domain.lifecycle import ACTIVE, Status
from waaah.domain.tasks import PRIORITIES
from waaah.domain.views import excerpt

CAPABILITY_COLUMNS = ("capabilities", "caps")
TITLE_LIMIT = 80
"""A title taken from the prompt is its first line, cut to this many characters."""


def emit_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def capabilities(values: list[str] | None) -> list[str]:
    """`-c a -c b,c` → [a, b, c]."""
    return [c.strip() for v in values or [] for c in v.split(",") if c.strip()]


def read_prompt(prompt: str) -> str:
    text = sys.stdin.read() if prompt == "-" else prompt
    if not text.strip():
        raise UsageError("the prompt is empty")
    return text


def send(args: argparse.Namespace, conn: Connection) -> int:
    prompt = read_prompt(args.prompt)
    body: JSON = {"prompt": prompt, "priority": args.priority, "source": "CLI",
                  "title": args.title or excerpt(prompt, TITLE_LIMIT),
                  "requiredCapabilities": capabilities(args.capability)}
    optional = {"workspaceId": args.workspace, "agentId": args.agent, "requiresReview": args.review,
                "verify": args.verify}
    body.update({k: v for k, v in optional.items() if v is not None})
    with ApiClient(conn) as api:
        check_capabilities(api, body["requiredCapabilities"])
        body["dependencies"] = [api.task_id(d) for d in args.depends_on or []]
        created = api.enqueue(body)
    if args.json:
        emit_json(created)
    else:
        print(f"{created['taskId']}  {created.get('status', 'QUEUED')}")
    return 0


def check_capabilities(api: ApiClient, wanted: list[str]) -> None:
    """Refuse a capability no agent can register with: such a task would never be picked up."""
    known = api.capabilities()
    unknown = [c for c in dict.fromkeys(wanted) if c not in known]
    if unknown:
        raise UsageError(f"no agent can have the capability {', '.join(unknown)} (nothing was created); "
                         f"choose from: {', '.join(known)}")


def after_text(deps: tuple[str, ...]) -> str:
    """`It starts after T1 is done.` / `… after T1 and T2 are done.`"""
    names = deps[0] if len(deps) == 1 else f"{', '.join(deps[:-1])} and {deps[-1]}"
    return f"It starts after {names} {'is' if len(deps) == 1 else 'are'} done."


def plan_task(row: PlanRow, task_ids: dict[str, str], args: argparse.Namespace) -> JSON:
    """The enqueue body for one plan row, its dependencies mapped to the tasks already created."""
    lines = [f"{row.id}: {row.title}", "", f"Task {row.id} of the plan {Path(args.plan).name}."]
    if row.deps:
        lines.append(after_text(row.deps))
    if row.verify:
        lines += ["", f"Verify: {row.verify}"]
    context: JSON = {"planId": row.id, "plan": Path(args.plan).name, "verify": row.verify}
    if row.extra:
        context["planColumns"] = row.extra
    body: JSON = {"prompt": "\n".join(lines), "title": row.title, "priority": args.priority, "source": "CLI",
                  "requiredCapabilities": row_capabilities(row, args),
                  "dependencies": [task_ids[d] for d in row.deps], "context": context}
    if args.workspace:
        body["workspaceId"] = args.workspace
    if row.verify:
        body["verify"] = [row.verify]
    if row.id.upper().startswith("V"):
        body["verification"] = True
    if args.review:
        body["requiresReview"] = True
    return body


def row_capabilities(row: PlanRow, args: argparse.Namespace) -> list[str]:
    """`-c` for every task, plus the row's own Capabilities column."""
    row_caps = next((v for k, v in row.extra.items() if k.lower() in CAPABILITY_COLUMNS), "")
    return capabilities([*(args.capability or []), row_caps])


def read_plan(path: str) -> list[PlanRow]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    try:
        return load_plan(text)
    except PlanError as exc:
        listed = "\n".join(f"  - {p}" for p in exc.problems)
        raise UsageError(f"{path} is not a valid plan; nothing was created:\n{listed}") from None


def assign(args: argparse.Namespace, conn: Connection) -> int:
    rows = read_plan(args.plan)
    if args.dry_run:
        if args.json:
            emit_json([{"id": r.id, "title": r.title, "deps": list(r.deps), "verify": r.verify} for r in rows])
        else:
            print(tables.plan_table(rows))
            print(f"\n{len(rows)} tasks in dependency order (dry run: nothing created)")
        return 0
    task_ids: dict[str, str] = {}
    statuses: dict[str, str] = {}
    with ApiClient(conn) as api:
        check_capabilities(api, [c for r in rows for c in row_capabilities(r, args)])
        for row in rows:
            try:
                created = api.enqueue(plan_task(row, task_ids, args))
            except UsageError as exc:
                exc.message = f"{row.where}: {exc.message}{_created_so_far(task_ids)}"
                raise
            task_ids[row.id] = created["taskId"]
            statuses[row.id] = created.get("status", "QUEUED")
    if args.json:
        emit_json([{"id": r.id, "taskId": task_ids[r.id], "status": statuses[r.id],
                    "dependencies": [task_ids[d] for d in r.deps]} for r in rows])
    else:
        print(tables.plan_table(rows, {r.id: (task_ids[r.id], statuses[r.id]) for r in rows}))
        print(f"\ncreated {len(rows)} tasks")
    return 0


def _created_so_far(task_ids: dict[str, str]) -> str:
    if not task_ids:
        return " (nothing was created)"
    return " (already created: " + ", ".join(f"{k}={v}" for k, v in task_ids.items()) + ")"


def list_tasks(args: argparse.Namespace, conn: Connection) -> int:
    params: dict[str, str | int] = {"limit": args.limit}
    if args.status:
        params["status"] = ",".join(statuses(args.status))
    elif args.active:
        params["status"] = ",".join(s.value for s in Status if s in ACTIVE)
    if args.agent:
        params["agentId"] = args.agent
    if args.search:
        params["q"] = args.search
    with ApiClient(conn) as api:
        tasks, total = api.tasks(**params)
    if args.json:
        emit_json(tasks)
        return 0
    print(tables.tasks_table(tasks) if tasks else "no tasks")
    if total > len(tasks):
        print(f"\nshowing {len(tasks)} of {total} tasks (use --limit)")
    return 0


def statuses(text: str) -> list[str]:
    """`queued,blocked` → [QUEUED, BLOCKED]; an unknown status is a usage error."""
    given = [s.strip().upper() for s in text.split(",") if s.strip()]
    known = [s.value for s in Status]
    unknown = [s for s in given if s not in known]
    if unknown or not given:
        raise UsageError(f"unknown status {', '.join(unknown) or repr(text)}; choose from: {', '.join(known)}")
    return given


def hub_status(api: ApiClient) -> JSON:
    counts = {}
    for status in Status:
        _, total = api.tasks(status=status.value, limit=1)
        if total:
            counts[status.value] = total
    return {"server": api.conn.url, "tasks": counts, "total": sum(counts.values()), "agents": api.agents()}


def status(args: argparse.Namespace, conn: Connection) -> int:
    with ApiClient(conn) as api:
        if args.task_id is None:
            summary = hub_status(api)
        else:
            task = api.task(api.task_id(args.task_id))
            deps = {d: api.task(d)["status"] for d in task.get("dependencies") or []}
    if args.task_id is not None:
        if args.json:
            emit_json(task)
        else:
            print(tables.task_detail(task, deps))
        return 0
    if args.json:
        emit_json(summary)
        return 0
    print(f"server  {summary['server']}  ({summary['total']} tasks, {len(summary['agents'])} agents)\n")
    print(tables.counts_table(summary["tasks"]) if summary["tasks"] else "no tasks")
    print()
    print(tables.agents_table(summary["agents"]) if summary["agents"] else "no agents registered")
    return 0


ACTIONS: dict[str, tuple[str, str]] = {
    "approve": ("approve", "approved"), "reject": ("reject", "rejected"), "answer": ("answer", "answered"),
    "cancel": ("cancel", "cancelled"), "retry": ("retry", "retried"),
}


def act(args: argparse.Namespace, conn: Connection) -> int:
    route, done = ACTIONS[args.command]
    body: JSON | None = None
    if args.command == "reject":
        body = {"feedback": args.feedback}
    elif args.command == "answer":
        body = {"answer": args.answer}
    elif args.command == "approve" and args.override is not None:
        body = {"override": args.override}
    with ApiClient(conn) as api:
        task_id = api.task_id(args.task_id)
        result = api.post(f"/admin/tasks/{task_id}/{route}", body)
        now = api.task(task_id)["status"]
    if args.json:
        emit_json({**result, "taskId": task_id, "status": now})
    else:
        print(f"{done} {task_id}: now {now}")
    return 0


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    p = commands.add_parser("send", help="create one task", description="Create one task on the server.")
    p.add_argument("prompt", metavar="PROMPT", help="what to do ('-' reads it from stdin)")
    p.add_argument("--title", help="short title (default: the prompt's first line, at most 80 characters)")
    p.add_argument("--priority", choices=PRIORITIES, default="normal", help="default: normal")
    p.add_argument("-c", "--capability", action="append", metavar="CAP",
                   help="required capability; repeat or comma-separate (e.g. code-writing)")
    p.add_argument("--workspace", metavar="REPO", help="repository id the agent must work in")
    p.add_argument("--agent", metavar="AGENT_ID", help="preferred agent")
    p.add_argument("-d", "--depends-on", action="append", metavar="TASK_ID",
                   help="task that must be COMPLETED first (its id, or a unique part as the dashboard shows it); "
                        "repeatable")
    review = p.add_mutually_exclusive_group()
    review.add_argument("--review", action="store_true", default=None, help="require review before COMPLETED")
    review.add_argument("--no-review", dest="review", action="store_false", help="skip the review gate")
    p.add_argument("--verify", action="append", metavar="CMD",
                   help="shell command that checks the work (run by the agent's runner); repeatable")
    p.add_argument("--json", action="store_true", help="print the server's JSON answer")
    p.set_defaults(run=wrap(send))

    p = commands.add_parser(
        "assign", help="create every task of a Markdown plan",
        description="Create the tasks of a Markdown plan: a table with the columns ID | Title | Deps | Verify "
                    "(more columns allowed; '—' or empty Deps means none). Dependencies become real task "
                    "dependencies and each Verify cell becomes the task's verify command; a row whose ID "
                    "starts with V (V1) is a plan verification task, with no review. A plan with a cycle, "
                    "an unknown or a duplicate id is refused before anything is created.")
    p.add_argument("plan", metavar="PLAN.md", help="the plan file")
    p.add_argument("--dry-run", action="store_true", help="print the tasks in dependency order; create nothing")
    p.add_argument("--workspace", metavar="REPO", help="repository id for every task")
    p.add_argument("--priority", choices=PRIORITIES, default="normal", help="priority of every task")
    p.add_argument("-c", "--capability", action="append", metavar="CAP",
                   help="capability every task requires; repeatable (a Capabilities column adds per row)")
    p.add_argument("--review", action="store_true", help="every task needs review before COMPLETED")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=wrap(assign))

    p = commands.add_parser("list", help="list tasks, newest first", description="List tasks, newest first.")
    p.add_argument("--status", help="one status or a comma-separated list (e.g. QUEUED,BLOCKED)")
    p.add_argument("--active", action="store_true", help="only unfinished tasks")
    p.add_argument("--agent", metavar="AGENT_ID", help="only tasks assigned to this agent")
    p.add_argument("-q", "--search", metavar="TEXT", help="text in the id, title, prompt or agent")
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most this many (default 50, 0 = all)")
    p.add_argument("--json", action="store_true", help="print the tasks as JSON")
    p.set_defaults(run=wrap(list_tasks))

    p = commands.add_parser("status", help="the hub at a glance, or one task in detail",
                            description="Without TASK_ID: task counts per status and the agents. "
                                        "With TASK_ID: that task in detail.")
    p.add_argument("task_id", metavar="TASK_ID", nargs="?", help="a task id, or a unique part (e.g. x48iqi)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=wrap(status))

    helps = {"approve": "approve a task in review", "reject": "reject a task in review, with feedback",
             "answer": "answer a blocked task's question", "cancel": "cancel an unfinished task",
             "retry": "queue a failed, cancelled or stuck task again"}
    for name, text in helps.items():
        p = commands.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        p.add_argument("task_id", metavar="TASK_ID", help="the task id, or a unique part (e.g. x48iqi)")
        if name == "answer":
            p.add_argument("answer", metavar="ANSWER", help="the answer to the agent's question")
        if name == "reject":
            p.add_argument("--feedback", required=True, help="what the agent should change")
        if name == "approve":
            p.add_argument("--override", metavar="REASON",
                           help="approve over a failing or missing verification check, for this reason")
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(run=wrap(act))

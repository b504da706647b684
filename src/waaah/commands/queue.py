"""`waaah queue`: the merge queue's state, per workspace: approved tasks waiting to merge or merging."""

from __future__ import annotations

import argparse
from typing import Any

from waaah.commands import tables
from waaah.commands.client import JSON, ApiClient, Connection
from waaah.commands.tasks import emit_json


def check_text(check: JSON | None) -> str:
    """`passed` / `failed (exit 2)` for the latest merge check; `-` when none ran yet."""
    if not check:
        return "-"
    return "passed" if check.get("passed") else f"failed (exit {check.get('exitCode')})"


def queue_table(queue: JSON) -> str:
    rows = [[str(t["position"]), t["taskId"], t["state"], t["status"], t.get("assignedTo") or "-",
             check_text(t.get("lastMergeCheck")), tables.short(t.get("title"), tables.TITLE_WIDTH)]
            for t in queue["tasks"]]
    head = f"{queue['workspace'] or '(no workspace)'}  ({len(rows)} approved)"
    return head + "\n" + tables.table(["#", "TASK", "STATE", "STATUS", "AGENT", "MERGE CHECK", "TITLE"], rows)


def show_queue(args: argparse.Namespace, conn: Connection) -> int:
    params = {"workspace": args.workspace} if args.workspace else {}
    with ApiClient(conn) as api:
        queues = api.get("/admin/merge-queue", **params)["queues"]
    if args.json:
        emit_json(queues)
    elif not queues:
        print("the merge queue is empty" + (f" for {args.workspace}" if args.workspace else ""))
    else:
        print("\n\n".join(queue_table(q) for q in queues))
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    p = commands.add_parser(
        "queue", help="the merge queue: approved tasks waiting to merge or merging",
        description="Show the merge queue of each workspace: the approved tasks that are not finished yet, "
                    "in approval order. A task is merging while its agent holds it after approval, else "
                    "waiting; its latest merge check is shown once one ran.")
    p.add_argument("--workspace", metavar="REPO", help="only this repository's queue")
    p.add_argument("--json", action="store_true", help="print the queues as JSON")
    p.set_defaults(run=wrap(show_queue))

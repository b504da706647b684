"""`waaah hooks add|list|test|remove|resume`: webhook subscriptions of a running server, over REST."""

from __future__ import annotations

import argparse
from typing import Any

from waaah.commands import tables
from waaah.commands.client import JSON, ApiClient, Connection
from waaah.commands.tasks import emit_json


def add(args: argparse.Namespace, conn: Connection) -> int:
    body: JSON = {"url": args.url, "events": args.event or ["needs-you"]}
    body.update({k: v for k, v in (("secret", args.secret), ("description", args.description)) if v is not None})
    with ApiClient(conn) as api:
        hook = api.post("/admin/hooks", body)
    if args.json:
        emit_json(hook)
    else:
        print(f"{hook['id']}  {hook['url']}  {','.join(hook['events'])}")
        print(f"secret: {hook['secret']}  (shown this once: verify Waaah-Signature with it)")
    return 0


def hooks_table(hooks: list[JSON]) -> str:
    def state(hook: JSON) -> str:
        return "PAUSED" if hook["paused"] else ("FAILING" if hook["failures"] else "ok")

    rows = [[h["id"], tables.short(h["url"], 40), ",".join(h["events"]), state(h), str(h["failures"]),
             str(h["backlog"]), tables.ago(h["lastSuccessAt"]) if h["lastSuccessAt"] else "never"] for h in hooks]
    return tables.table(["ID", "URL", "EVENTS", "STATE", "FAILURES", "BACKLOG", "LAST SUCCESS"], rows)


def list_hooks(args: argparse.Namespace, conn: Connection) -> int:
    with ApiClient(conn) as api:
        found = api.get("/admin/hooks")
    if args.json:
        emit_json(found["hooks"])
    elif found["hooks"]:
        print(hooks_table(found["hooks"]))
        for hook in found["hooks"]:
            if hook["lastError"]:
                print(f"{hook['id']}: last error: {hook['lastError']}")
    else:
        print("no webhooks")
    return 0


def test(args: argparse.Namespace, conn: Connection) -> int:
    with ApiClient(conn) as api:
        result = api.post(f"/admin/hooks/{args.hook_id}/test")
    if args.json:
        emit_json(result)
    elif result["delivered"]:
        print(f"delivered: the receiver answered {result['status']}")
    else:
        print(f"not delivered: {result['error']}")
    return 0 if result["delivered"] else 1


def _one(method: str, suffix: str, done: str) -> Any:
    def run(args: argparse.Namespace, conn: Connection) -> int:
        with ApiClient(conn) as api:
            result = api.call(method, f"/admin/hooks/{args.hook_id}{suffix}").json()
        emit_json(result) if args.json else print(f"{args.hook_id}  {done}")
        return 0
    return run


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    p = commands.add_parser(
        "hooks", help="manage webhooks: signed POSTs of the hub's events",
        description="Add, list, test, remove and resume the webhooks of the server: each gets the events "
                    "its patterns match, signed, once each, in seq order (docs/notifications.md).")
    sub = p.add_subparsers(dest="hooks_command", required=True, metavar="{add,list,test,remove,resume}")
    a = sub.add_parser("add", help="subscribe a URL", description="Subscribe a URL to events. The secret "
                       "(given or generated) is printed once.")
    a.add_argument("url", help="where to POST, http:// or https://")
    a.add_argument("-e", "--event", action="append", metavar="PATTERN",
                   help="an event pattern such as task:*:updated, or needs-you (the default); repeatable")
    a.add_argument("--secret", help="the signing secret (default: a new random one)")
    a.add_argument("--description", help="a note shown in lists")
    a.set_defaults(run=wrap(add))
    ls = sub.add_parser("list", help="every webhook with its delivery state",
                        description="Every webhook: state, failures in a row, backlog, last success.")
    ls.set_defaults(run=wrap(list_hooks))
    for name, text, run in (("test", "send a signed test delivery now", test),
                            ("remove", "remove a webhook", _one("DELETE", "", "removed")),
                            ("resume", "resume a paused webhook where it stopped", _one("POST", "/resume", "resumed"))):
        one = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ".")
        one.add_argument("hook_id", metavar="HOOK_ID")
        one.set_defaults(run=wrap(run))
    for parser in (a, ls, *sub.choices.values()):
        if not any(action.dest == "json" for action in parser._actions):
            parser.add_argument("--json", action="store_true", help="print JSON")

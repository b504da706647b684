"""The operator CLI, run as a subprocess against a real `waaah serve`, checked over REST."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx

from tests.integration.cli.cli_runner import waaah
from tests.live import ServerProcess, free_port


def task_count(rest: httpx.Client) -> int:
    return int(rest.get("/admin/tasks", params={"limit": 1}).headers["x-total-count"])


def write_plan(tmp_path: Path, *rows: str, extra: str = "") -> Path:
    path = tmp_path / "plan.md"
    header = ["# Plan", "", "| ID | Title | Deps | Verify |" + (f" {extra} |" if extra else ""),
              "|---|---|---|---|" + ("---|" if extra else "")]
    path.write_text("\n".join([*header, *rows, ""]))
    return path


def test_a_plan_with_a_chain_and_a_fan_in_creates_that_dependency_graph(
        hub: ServerProcess, rest: httpx.Client, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:6]
    plan = write_plan(tmp_path,
                      f"| E | fan-in {tag} | C, D | `make smoke \\| tee log` | L |",
                      f"| C | chain end {tag} | B | pytest -k c | S |",
                      f"| A | root {tag} | — | pytest -k a | S |",
                      f"| B | chain middle {tag} | A | pytest -k b | M |",
                      f"| D | branch {tag} | A |  | M |", extra="Size")
    done = waaah(hub.url, "assign", str(plan), "--json")
    assert done.returncode == 0, done.stderr
    created = {row["id"]: row["taskId"] for row in json.loads(done.stdout)}
    tasks = {plan_id: rest.get(f"/admin/tasks/{task_id}").json() for plan_id, task_id in created.items()}

    expected = {"A": [], "B": ["A"], "C": ["B"], "D": ["A"], "E": ["C", "D"]}
    assert {k: t["dependencies"] for k, t in tasks.items()} == {k: [created[d] for d in v] for k, v in expected.items()}
    assert {k: t["status"] for k, t in tasks.items()} == {"A": "QUEUED", "B": "BLOCKED", "C": "BLOCKED",
                                                          "D": "BLOCKED", "E": "BLOCKED"}
    assert tasks["E"]["context"]["verify"] == "make smoke | tee log"
    assert tasks["D"]["context"]["verify"] is None
    assert {k: t["context"]["planId"] for k, t in tasks.items()} == {k: k for k in expected}
    assert tasks["A"]["context"]["planColumns"] == {"Size": "S"}
    assert tasks["B"]["title"] == f"chain middle {tag}"


def test_a_plan_with_a_cycle_creates_nothing_and_names_the_cycle(
        hub: ServerProcess, rest: httpx.Client, tmp_path: Path) -> None:
    plan = write_plan(tmp_path, "| A | first | — | x |", "| B | second | C | x |", "| C | third | B, A | x |")
    before = task_count(rest)
    refused = waaah(hub.url, "assign", str(plan))
    assert refused.returncode == 2
    assert "dependency cycle: B → C → B (lines 6, 7)" in refused.stderr
    assert "nothing was created" in refused.stderr
    assert task_count(rest) == before


def test_unknown_and_duplicate_ids_are_named_and_nothing_is_created(
        hub: ServerProcess, rest: httpx.Client, tmp_path: Path) -> None:
    plan = write_plan(tmp_path, "| A | first | — | x |", "| B | second | Z | x |", "| A | again | — | x |")
    before = task_count(rest)
    refused = waaah(hub.url, "assign", str(plan))
    assert refused.returncode == 2
    assert "duplicate id A: lines 5 and 7" in refused.stderr
    assert "B (line 6) depends on unknown id Z" in refused.stderr
    assert task_count(rest) == before


def test_a_dry_run_prints_the_plan_in_dependency_order_and_creates_nothing(
        hub: ServerProcess, rest: httpx.Client, tmp_path: Path) -> None:
    plan = write_plan(tmp_path, "| C | last | B | x |", "| B | middle | A | x |", "| A | first | — | x |")
    before = task_count(rest)
    shown = waaah(hub.url, "assign", str(plan), "--dry-run", "--json")
    assert shown.returncode == 0, shown.stderr
    assert [row["id"] for row in json.loads(shown.stdout)] == ["A", "B", "C"]
    assert task_count(rest) == before


def test_send_creates_one_task_that_list_and_status_show(hub: ServerProcess, rest: httpx.Client) -> None:
    tag = uuid.uuid4().hex[:6]
    first = waaah(hub.url, "send", f"Write the parser {tag}", "--json")
    first_id = json.loads(first.stdout)["taskId"]
    sent = waaah(hub.url, "send", "-", "--title", f"Tests {tag}", "--priority", "high", "-c", "test-writing",
                 "--depends-on", first_id, "--workspace", "org/repo", stdin=f"Test the parser {tag}\n")
    assert sent.returncode == 0, sent.stderr
    task_id, status = sent.stdout.split()
    assert status == "BLOCKED"
    task = rest.get(f"/admin/tasks/{task_id}").json()
    assert (task["prompt"], task["priority"], task["dependencies"]) == (f"Test the parser {tag}\n", "high", [first_id])
    assert (task["to"]["requiredCapabilities"], task["to"]["workspaceId"]) == (["test-writing"], "org/repo")

    listed = waaah(hub.url, "list", "--search", tag, "--json")
    assert [t["id"] for t in json.loads(listed.stdout)] == [task_id, first_id]
    table = waaah(hub.url, "list", "--search", tag).stdout
    assert table.splitlines()[0].split() == ["ID", "STATUS", "PRIORITY", "AGENT", "AGE", "TITLE"]
    assert f"Tests {tag}" in table

    detail = waaah(hub.url, "status", task_id).stdout
    assert f"{first_id} (QUEUED)" in detail
    summary: dict[str, Any] = json.loads(waaah(hub.url, "status", "--json").stdout)
    assert summary["tasks"]["BLOCKED"] >= 1 and summary["server"] == hub.url


def test_actions_report_the_new_status_and_refused_moves_exit_1(hub: ServerProcess, rest: httpx.Client) -> None:
    task_id = json.loads(waaah(hub.url, "send", "Something to steer", "--json").stdout)["taskId"]
    refused = waaah(hub.url, "approve", task_id)
    assert refused.returncode == 1
    assert "QUEUED" in refused.stderr and refused.stderr.startswith("waaah approve: ")

    cancelled = waaah(hub.url, "cancel", task_id)
    assert (cancelled.returncode, cancelled.stdout.strip()) == (0, f"cancelled {task_id}: now CANCELLED")
    retried = waaah(hub.url, "retry", task_id, "--json")
    assert json.loads(retried.stdout)["status"] == "QUEUED"
    assert rest.get(f"/admin/tasks/{task_id}").json()["status"] == "QUEUED"

    assert waaah(hub.url, "reject", task_id).returncode == 2  # --feedback is required
    missing = waaah(hub.url, "answer", "task-0-nosuch", "yes")
    assert missing.returncode == 1 and "not found" in missing.stderr


def test_a_wrong_key_or_a_server_that_is_down_exits_1_with_a_clear_message(hub: ServerProcess) -> None:
    wrong = waaah(hub.url, "list", key="not-the-key")
    assert wrong.returncode == 1
    assert "refused the API key from WAAAH_API_KEY" in wrong.stderr

    nobody = f"http://127.0.0.1:{free_port()}"
    down = waaah(nobody, "status")
    assert down.returncode == 1
    assert f"cannot reach the waaah server at {nobody}" in down.stderr


def test_bad_input_exits_2_before_anything_is_sent(hub: ServerProcess, tmp_path: Path) -> None:
    assert waaah(hub.url, "send", "x", "--priority", "urgent").returncode == 2
    assert waaah(hub.url, "send", "   ").returncode == 2
    missing = waaah(hub.url, "assign", str(tmp_path / "nope.md"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    unknown_dep = waaah(hub.url, "send", "x", "-d", "task-0-nosuch")
    assert unknown_dep.returncode == 2 and "unknown task id" in unknown_dep.stderr

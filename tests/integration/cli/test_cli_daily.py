"""The operator CLI for daily use: short ids, titles from the prompt, review for a plan, bad input refused."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx

from tests.integration.cli.cli_runner import waaah
from tests.integration.cli.test_cli import task_count, write_plan
from tests.live import ServerProcess


def created_id(done: object) -> str:
    return str(json.loads(done.stdout)["taskId"])  # type: ignore[attr-defined]


def test_send_takes_the_title_from_the_prompts_first_line_bounded(hub: ServerProcess, rest: httpx.Client) -> None:
    long_line = "Make the upload client retry with backoff " * 5
    done = waaah(hub.url, "send", f"{long_line}\nthe details", "--json")
    assert done.returncode == 0, done.stderr
    title = rest.get(f"/admin/tasks/{created_id(done)}").json()["title"]
    assert title.startswith("Make the upload client retry") and title.endswith("…") and len(title) == 80


def test_a_command_takes_the_short_id_the_dashboard_shows(hub: ServerProcess, rest: httpx.Client) -> None:
    task_id = created_id(waaah(hub.url, "send", f"short id {uuid.uuid4().hex}", "--json"))
    short = task_id.rsplit("-", 1)[1]
    shown = waaah(hub.url, "status", short, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == task_id
    cancelled = waaah(hub.url, "cancel", f"#{short}")
    assert cancelled.returncode == 0, cancelled.stderr
    assert rest.get(f"/admin/tasks/{task_id}").json()["status"] == "CANCELLED"


def test_an_ambiguous_short_id_is_refused_with_the_matches(hub: ServerProcess, rest: httpx.Client) -> None:
    ids = [created_id(waaah(hub.url, "send", f"ambiguous {n}", "--json")) for n in range(2)]
    prefix = ids[0][: len("task-")]
    refused = waaah(hub.url, "cancel", prefix)
    assert refused.returncode == 2
    assert "give more of the id" in refused.stderr
    assert all(rest.get(f"/admin/tasks/{i}").json()["status"] == "QUEUED" for i in ids)


def test_an_unknown_short_id_is_not_found(hub: ServerProcess) -> None:
    missing = waaah(hub.url, "answer", "zz9zz9", "yes")
    assert missing.returncode == 1
    assert "no task id starts or ends with 'zz9zz9'" in missing.stderr


def test_assign_review_asks_every_task_for_review_in_plain_words(
        hub: ServerProcess, rest: httpx.Client, tmp_path: Path) -> None:
    plan = write_plan(tmp_path, "| A | root | — | x |", "| B | next | A | x |", "| C | last | A, B | x |")
    done = waaah(hub.url, "assign", str(plan), "--review", "--json")
    assert done.returncode == 0, done.stderr
    tasks = {row["id"]: rest.get(f"/admin/tasks/{row['taskId']}").json() for row in json.loads(done.stdout)}
    assert all(t["requiresReview"] is True for t in tasks.values())
    assert "It starts after A is done." in tasks["B"]["prompt"]
    assert "It starts after A and B are done." in tasks["C"]["prompt"]


def test_a_capability_no_agent_can_have_creates_nothing(hub: ServerProcess, rest: httpx.Client, tmp_path: Path) -> None:
    before = task_count(rest)
    refused = waaah(hub.url, "send", "do it", "-c", "telepathy")
    assert refused.returncode == 2
    assert "no agent can have the capability telepathy" in refused.stderr
    plan = write_plan(tmp_path, "| A | root | — | x | telepathy |", extra="Capabilities")
    assert waaah(hub.url, "assign", str(plan)).returncode == 2
    assert task_count(rest) == before


def test_list_with_an_unknown_status_is_an_error(hub: ServerProcess) -> None:
    refused = waaah(hub.url, "list", "--status", "BOGUS")
    assert refused.returncode == 2
    assert "unknown status BOGUS" in refused.stderr

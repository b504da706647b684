"""The chat posts, without a platform: what needs a person, what a post says and offers, what it says
once the task moved; the button ids; the chat commands' parsing; the bridge's documented settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from waaah.bots.commands import Command, parse
from waaah.bots.messages import (
    Action,
    Kind,
    action_id,
    decision_text,
    need_of,
    parse_action_id,
    post_for,
    task_url,
)
from waaah.bots.settings import BOT_SETTINGS
from waaah.bots.slack_bot import blocks

TASK = "task-1718000000000-abc123"
DOCS = Path(__file__).parents[2] / "docs" / "configuration.md"


def a_task(status: str, **fields: object) -> dict[str, object]:
    return {"id": TASK, "status": status, "title": "Pick a database", "prompt": "p", **fields}


@pytest.mark.parametrize(("task", "kind"), [
    (a_task("BLOCKED", blockedReason="question"), Kind.QUESTION),
    (a_task("BLOCKED", blockedReason="dependencies"), None),
    (a_task("IN_REVIEW"), Kind.REVIEW),
    (a_task("FAILED"), Kind.FAILURE),
    (a_task("QUEUED"), None),
    (a_task("COMPLETED"), None),
])
def test_what_needs_a_person(task: dict[str, object], kind: Kind | None) -> None:
    assert need_of(task) is kind


def test_the_link_is_the_dashboards_task_page() -> None:
    assert task_url("https://hub.example/", TASK) == f"https://hub.example/admin/task/{TASK}"


def test_a_question_quotes_the_question_and_offers_answer() -> None:
    post = post_for(a_task("BLOCKED", blockedReason="question", response={"blockedReason": "Postgres?"}),
                    Kind.QUESTION, "http://h")
    assert (post.text, post.actions, post.outcome) == ("Postgres?", (Action.ANSWER,), None)
    assert post.link == f"http://h/admin/task/{TASK}" and post.title == "Pick a database"


def test_a_review_offers_approve_and_reject_and_a_failure_nothing() -> None:
    review = post_for(a_task("IN_REVIEW", response={"message": "done it"}), Kind.REVIEW, "http://h")
    assert (review.text, review.actions) == ("done it", (Action.APPROVE, Action.REJECT))
    failure = post_for(a_task("FAILED", failureReason="timeout", response={"message": "gave up"}), Kind.FAILURE,
                       "http://h")
    assert (failure.text, failure.actions, failure.outcome) == ("timeout — gave up", (), None)


def test_once_acted_on_the_post_says_who_did_what_and_loses_its_buttons() -> None:
    approved = post_for(a_task("APPROVED_QUEUED"), Kind.REVIEW, "http://h", decision_text(Action.APPROVE, "@al"))
    assert (approved.outcome, approved.actions) == ("Approved by @al · approved, waiting to merge", ())
    done = post_for(a_task("COMPLETED"), Kind.REVIEW, "http://h", decision_text(Action.APPROVE, "@al"))
    assert done.outcome == "Approved by @al · done"
    elsewhere = post_for(a_task("QUEUED"), Kind.QUESTION, "http://h")
    assert (elsewhere.outcome, elsewhere.actions) == ("Back in the queue", ())
    assert decision_text(Action.REJECT, "@al", "a must be 3") == "Rejected by @al: a must be 3"


def test_long_texts_are_cut() -> None:
    post = post_for(a_task("IN_REVIEW", response={"message": "x" * 5000}), Kind.REVIEW, "http://h")
    assert len(post.text) == 1500 and post.text.endswith("…")


def test_button_ids_round_trip_and_others_are_ignored() -> None:
    assert parse_action_id(action_id(Action.REJECT, TASK)) == (Action.REJECT, TASK)
    assert [parse_action_id(v) for v in ("waaah:merge:t", "other:approve:t", "waaah:approve:", "")] == [None] * 4


def test_slack_blocks_show_buttons_then_the_outcome_escaped_with_mentions_kept() -> None:
    open_post = post_for(a_task("IN_REVIEW", response={"message": "a < b & c"}), Kind.REVIEW, "http://h")
    shown = blocks(open_post)
    assert "a &lt; b &amp; c" in shown[0]["text"]["text"]
    assert [e["action_id"] for e in shown[1]["elements"]] == [f"waaah:approve:{TASK}", f"waaah:reject:{TASK}"]
    closed = blocks(post_for(a_task("QUEUED"), Kind.REVIEW, "http://h",
                             decision_text(Action.REJECT, "<@U1>", "<!channel> no")))
    assert [b["type"] for b in closed] == ["section", "context"]
    assert closed[1]["elements"][0]["text"] == "Rejected by <@U1>: &lt;!channel&gt; no · back in the queue"


@pytest.mark.parametrize(("text", "command"), [
    ("submit fix the login test", Command("submit", "fix the login test")),
    ("  STATUS  ", Command("status")),
    ("answer abc123 use SQLite", Command("answer", "abc123 use SQLite")),
    ("agents", Command("agents")),
    ("dance", Command("help")),
    ("", Command("help")),
])
def test_commands_are_parsed_from_text(text: str, command: Command) -> None:
    assert parse(text) == command


def test_every_bridge_setting_is_documented_with_its_default() -> None:
    text = DOCS.read_text()
    assert [s.env for s in BOT_SETTINGS if f"| `{s.env}` | `{s.default}` |" not in text] == []


def test_discord_messages_show_buttons_then_the_outcome_without_pinging_anyone() -> None:
    from waaah.bots.discord_bot import command_text, message

    shown = message(post_for(a_task("BLOCKED", blockedReason="question", response={"blockedReason": "**why**?"}),
                             Kind.QUESTION, "http://h"))
    assert f"[Pick a database](http://h/admin/task/{TASK})" in shown["content"]
    assert "\\*\\*why\\*\\*?" in shown["content"]
    assert [b["custom_id"] for b in shown["components"][0]["components"]] == [f"waaah:answer:{TASK}"]
    closed = message(post_for(a_task("QUEUED"), Kind.QUESTION, "http://h", decision_text(Action.ANSWER, "<@1>", "x")))
    assert closed["components"] == [] and "Answered by <@1>: x · back in the queue" in closed["content"]
    assert closed["allowed_mentions"] == {"parse": []}
    given = [{"name": "id", "value": "abc"}, {"name": "text", "value": "yes"}]
    options = {"options": [{"name": "answer", "options": given}]}
    assert parse(command_text(options)) == Command("answer", "abc yes")

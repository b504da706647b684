"""The prompt a CLI gets: the task, its context and dependencies, what people said since the last run,
open review comments, and the protocol."""

from __future__ import annotations

from pathlib import Path

from waaah.runner.prompt import PromptInput, all_prompts, build

TASK = {"id": "task-1-abc", "title": "Add /version", "prompt": "Add a /version endpoint.",
        "context": {"ticket": "OPS-7"}, "dependencies": ["task-0-dep"],
        "messages": [{"role": "user", "content": "old remark", "timestamp": 100},
                     {"role": "system", "content": "Task approved.", "timestamp": 250},
                     {"role": "user", "content": "Task Rejected: add a test", "timestamp": 300}]}
DEP = {"id": "task-0-dep", "title": "Build info", "status": "COMPLETED", "response": {"message": "BUILD=42 in env"}}
COMMENTS = [{"filePath": "app.py", "lineNumber": 3, "content": "use the config", "resolved": 0},
            {"filePath": "app.py", "lineNumber": 3, "content": "a reply", "resolved": 0, "threadId": "rc-1"},
            {"filePath": "old.py", "content": "done already", "resolved": 1}]


def test_a_first_run_has_the_task_its_context_dependencies_and_the_protocol() -> None:
    text = build(PromptInput(TASK, "bot-1", Path("/r/.worktrees/task-1-abc"), "main", [DEP]))
    assert text.startswith("# Task task-1-abc: Add /version\n\nAdd a /version endpoint.\n")
    assert '"ticket": "OPS-7"' in text
    assert "### task-0-dep: Build info — COMPLETED\n\nBUILD=42 in env" in text
    assert "You are agent `bot-1`, working on task `task-1-abc`" in text and "branch `waaah/task-1-abc`" in text
    assert "Do **not** call `send_response`" in text and "block_task" in text
    assert "## You are resumed" not in text and "old remark" not in text


def test_a_resume_shows_what_people_said_since_and_the_open_review_comments() -> None:
    text = build(PromptInput(TASK, "bot-1", Path("/wt"), "main", [], COMMENTS, since=200))
    assert "## You are resumed" in text
    assert "- Task Rejected: add a test" in text and "old remark" not in text and "Task approved." not in text
    assert "- app.py:3 — use the config" in text
    assert "a reply" not in text and "done already" not in text


def test_the_runner_s_own_note_is_included() -> None:
    text = build(PromptInput(TASK, "bot-1", Path("/wt"), "main", note="conflicts in: a.py"))
    assert text.rstrip().endswith("### From the runner\n\nconflicts in: a.py")


def test_the_shipped_prompts_are_printed_with_placeholders_shown() -> None:
    text = all_prompts()
    assert [line for line in text.splitlines() if line.startswith("=====")] == [
        "===== task.md =====", "===== resume.md =====", "===== loop.md ====="]
    assert "task `<task-id>`" in text and "{task_id}" not in text and '"taskId": "<task-id>"' in text


def test_a_delegated_task_s_setup_block_is_left_out_the_runner_made_the_worktree() -> None:
    from waaah.mcp.texts import setup_block

    delegated = {**TASK, "prompt": "Add a /version endpoint." + setup_block("task-1-abc")}
    text = build(PromptInput(delegated, "bot-1", Path("/r/.worktrees/task-1-abc"), "main"))
    assert text.startswith("# Task task-1-abc: Add /version\n\nAdd a /version endpoint.\n")
    assert "SETUP" not in text and "git worktree add" not in text and "feature-task-1-abc" not in text

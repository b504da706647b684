"""Texts agents read in tool results (docs/mcp.md). Pure functions of a task id."""

from __future__ import annotations

SETUP_HEADING = "## SETUP (MANDATORY)"
"""Heads the block `assign_task` appends to a delegated prompt; the runner, which makes the worktree
itself, leaves the block out of what its CLI reads."""


def worktree(task_id: str) -> str:
    return f".worktrees/feature-{task_id}"


def setup_block(task_id: str) -> str:
    """Appended to a delegated prompt: how to start work in the task's own git worktree."""
    path = worktree(task_id)
    return "\n".join([
        "",
        SETUP_HEADING,
        "Run these commands to start work:",
        "```bash",
        "# Check if worktree already exists",
        f'if [ -d "{path}" ]; then',
        f'  echo "Resuming on existing worktree: {path}"',
        f"  cd {path}",
        "else",
        f"  git worktree add {path} -b feature-{task_id}",
        f"  cd {path}",
        "fi",
        "```",
        "",
    ])


def without_setup_block(prompt: str) -> str:
    """A delegated prompt without the SETUP block `setup_block` appended to it."""
    head, found, _ = prompt.rpartition("\n" + SETUP_HEADING + "\n")
    return head.rstrip() if found else prompt


def completed_prompt(task_id: str) -> str:
    """What an agent is told to do after reporting COMPLETED."""
    return "\n".join([
        "## REQUIRED ACTION",
        "1. Verify merged: git log origin/main --oneline | head -1",
        f"2. If not merged: git push origin feature-{task_id}",
        f"3. Cleanup: git worktree remove {worktree(task_id)} --force",
    ])


def implementation_plan(task_id: str) -> str:
    """The scaffold_plan template."""
    return "\n".join([
        f"# Implementation Plan - {task_id}",
        "",
        "## Goal Description",
        "[Describe the goal of this task and the problem it solves]",
        "",
        "## User Review Required",
        "> [!IMPORTANT]",
        "> [List decisions or breaking changes that need a person's review]",
        "",
        "## Proposed Changes",
        "",
        "### [Component Name]",
        "#### [MODIFY] [filename]",
        "- [What changes and why]",
        "",
        "## Verification Plan",
        "",
        "### Automated Tests",
        "- [ ] Command: `pnpm test`",
        "- [ ] Unit Test: [test name]",
        "",
        "### Manual Verification",
        "- [ ] Scenario: [steps and expected result]",
        "",
    ])

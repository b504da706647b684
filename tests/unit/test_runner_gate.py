"""The verification gate's pure parts: the merge queue's order, how a merge candidate is made, the
fix prompt a red check sends back, the output tail a check keeps, and a verification row's summary."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from waaah.runner.checks import CUT_NOTE, OUTPUT_LIMIT, TIMEOUT_CODE, Check, run_check, tail, verify_commands
from waaah.runner.gate import failure_detail, fence, fix_note
from waaah.runner.merge import plan_candidate
from waaah.runner.prompt import PromptInput, build
from waaah.runner.queue import MergeQueue, Ticket, next_in_line, ticket
from waaah.runner.smoke import summary

SHA = "0123456789abcdef0123456789abcdef01234567"
RED = Check("make test", 2, 1500, "FAILED test_price\nAssertionError: 1 != 2\n", SHA, 1000)
KEY = ("/repo/.git", "main")
WAIT = 5.0


def test_the_earliest_approval_merges_next_and_a_task_without_an_approval_time_goes_last() -> None:
    waiting = [ticket("task-b", 300), ticket("task-a", 100), ticket("task-c", None), ticket("task-d", 100)]
    assert next_in_line(waiting) == Ticket(100, "task-a")
    assert sorted(waiting)[-1].task_id == "task-c"
    assert next_in_line([]) is None


async def test_the_queue_lets_one_task_merge_at_a_time_in_approval_order() -> None:
    queue, order, release = MergeQueue(), list[str](), asyncio.Event()

    async def merge(task_id: str, approved_at: int) -> None:
        async with queue.turn(KEY, Ticket(approved_at, task_id)):
            order.append(task_id)
            await release.wait()

    first = asyncio.create_task(merge("task-first", 500))
    await asyncio.wait_for(_until(lambda: order == ["task-first"]), WAIT)
    later = [asyncio.create_task(merge("task-late", 300)), asyncio.create_task(merge("task-early", 200))]
    await asyncio.wait_for(_until(lambda: len(queue.ahead(KEY, Ticket(400, "x"))) == 3), WAIT)
    assert queue.ahead(KEY, Ticket(400, "x")) == ["task-first", "task-early", "task-late"]
    assert order == ["task-first"]  # the others wait while it merges
    release.set()
    await asyncio.wait_for(asyncio.gather(first, *later), WAIT)
    assert order == ["task-first", "task-early", "task-late"]


async def test_a_waiter_that_gives_up_lets_the_next_one_go() -> None:
    queue, holding, done = MergeQueue(), asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with queue.turn(KEY, Ticket(1, "task-holder")):
            holding.set()
            await done.wait()

    holder = asyncio.create_task(hold())
    await asyncio.wait_for(holding.wait(), WAIT)
    quitter = asyncio.create_task(_turn(queue, Ticket(2, "task-quitter")))
    patient = asyncio.create_task(_turn(queue, Ticket(3, "task-patient")))
    await asyncio.wait_for(_until(lambda: len(queue.ahead(KEY, Ticket(9, "z"))) == 3), WAIT)
    quitter.cancel()
    done.set()
    assert await asyncio.wait_for(patient, WAIT) == "task-patient"
    await holder
    assert quitter.cancelled()


async def _turn(queue: MergeQueue, mine: Ticket) -> str:
    async with queue.turn(KEY, mine):
        return mine.task_id


async def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0)


@pytest.mark.parametrize(("in_base", "fast", "mode", "how"), [
    (True, True, "merge", "in-base"), (True, False, "squash", "in-base"),
    (False, True, "merge", "fast-forward"), (False, True, "ff", "fast-forward"),
    (False, True, "squash", "merge"), (False, False, "merge", "merge"),
    (False, False, "squash", "merge"), (False, False, "ff", "refuse"),
])
def test_a_candidate_is_the_branch_itself_a_merge_or_refused_by_mode(in_base: bool, fast: bool, mode: str,
                                                                      how: str) -> None:
    assert plan_candidate(in_base, fast, mode) == how


def test_the_fix_prompt_names_the_command_its_exit_the_commit_and_carries_the_output() -> None:
    note = fix_note(RED, "pre-review", "main", 1, 2)
    assert note.startswith("A verify command failed on your commit 0123456789, before review: `make test` "
                           "exited with 2.")
    assert "```\nFAILED test_price\nAssertionError: 1 != 2\n```" in note
    assert "fix attempt 1 of 2" in note and "do not weaken or skip the check" in note
    text = build(PromptInput({"id": "task-1-x", "title": "t", "prompt": "p"}, "bot-1", Path("/w"), "main",
                             since=5, note=note))
    assert "## You are resumed" in text and "### From the runner" in text and "AssertionError: 1 != 2" in text


def test_a_merge_fix_prompt_says_the_base_is_merged_into_the_branch() -> None:
    note = fix_note(RED, "merge", "trunk", 1, 1)
    assert "merged onto the newest `trunk` (0123456789); `trunk` is now merged into your branch" in note


def test_output_with_backticks_gets_a_longer_fence_and_a_timeout_is_named() -> None:
    assert fence("a ``` b") == "````" and fence("plain") == "```"
    slow = Check("sleep 9", TIMEOUT_CODE, 1000, "[killed: still running after 1 s (--verify-timeout)]\n", SHA, 1)
    assert failure_detail(slow) == "`sleep 9` ran out of time on 0123456789"
    assert failure_detail(RED) == "`make test` exited with 2 on 0123456789"


def test_a_check_keeps_the_tail_of_its_output_and_says_it_was_cut() -> None:
    assert tail("short") == "short"
    long = "".join(f"line {n}\n" for n in range(5000))
    kept = tail(long)
    assert len(kept) == OUTPUT_LIMIT and kept.startswith(CUT_NOTE) and kept.endswith("line 4999\n")


def test_verify_commands_are_the_non_blank_strings_of_the_task() -> None:
    assert verify_commands({"verify": ["make test", " ", 3, "ruff check ."]}) == ["make test", "ruff check ."]
    assert verify_commands({"verify": None}) == [] and verify_commands({}) == []
    assert verify_commands({"verify": "make test"}) == []


async def test_a_check_runs_in_bash_with_stderr_kept_and_a_time_limit(tmp_path: Path) -> None:
    ok = await run_check("echo out; echo err >&2; test -n \"$WAAAH_TASK_ID\"", tmp_path, {"WAAAH_TASK_ID": "t",
                         "PATH": "/usr/bin:/bin"}, 30, SHA)
    assert ok.passed and ok.output == "out\nerr\n" and ok.commit == SHA
    slow = await run_check("echo started; exec sleep 60", tmp_path, {"PATH": "/usr/bin:/bin"}, 0.5, SHA)
    assert not slow.passed and slow.exit_code == TIMEOUT_CODE
    assert slow.output.startswith("started\n") and "--verify-timeout" in slow.output


def test_a_verification_rows_summary_lists_what_passed() -> None:
    assert summary(["make test", "make e2e"], "main", SHA) == \
        "All 2 verify command(s) passed on main at 0123456789:\n- `make test`\n- `make e2e`"
    assert summary([], "main", SHA).startswith("Nothing to verify")


def test_a_merge_commit_is_named_after_the_title_or_else_the_prompts_first_line() -> None:
    from waaah.runner.landing import merge_subject

    assert merge_subject({"title": "Add /version", "prompt": "x"}) == "Add /version"
    prompt = "\n  Write the changelog\nwith every release"
    assert merge_subject({"title": None, "prompt": prompt}) == "Write the changelog"
    assert merge_subject({"prompt": "y" * 100}) == "y" * 71 + "…"
    assert merge_subject({}) == "task"

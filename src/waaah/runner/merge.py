"""Approved work into the base branch without disturbing the user's checkout.

The candidate (the base's tip with the task's branch merged in) is built in a scratch worktree and,
when the task has verify commands, checked there; only then does the base ref move, with a
compare-and-swap (`git update-ref <ref> <new> <old>`): if the base moved meanwhile (another runner,
a push), the candidate is rebuilt on the new tip and checked again. When the base is checked out in a
clean worktree, that worktree is fast-forwarded instead, so its files follow; a dirty one is left
alone and reported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from waaah.runner.checks import Check
from waaah.runner.git import GitError, git, identity, succeeds
from waaah.runner.worktrees import BRANCH_PREFIX, Repo

MODES = ("ff", "merge", "squash", "none")
CAS_TRIES = 3


@dataclass(frozen=True)
class MergeResult:
    outcome: str
    """`merged`, `left` (mode none), `conflict` (files in `conflicts`), `red` (a verify command failed on
    the candidate: `check`) or `dirty` (the base's checkout)."""
    detail: str
    commit: str | None = None
    conflicts: tuple[str, ...] = ()
    check: Check | None = None


Verify = Callable[[Path, str], Awaitable[Check | None]]
"""Runs the verify commands in a checkout of the candidate (its commit given): the failing check or None."""


async def rev(repo: Repo, ref: str) -> str:
    return (await git(repo.root, "rev-parse", "--verify", ref)).strip()


async def checkout_of(repo: Repo, base: str) -> Path | None:
    """The worktree that has `base` checked out, if any."""
    listing = await git(repo.root, "worktree", "list", "--porcelain")
    path: Path | None = None
    for line in listing.splitlines():
        if line.startswith("worktree "):
            path = Path(line.removeprefix("worktree "))
        elif line == f"branch refs/heads/{base}" and path is not None:
            return path
    return None


def plan_candidate(in_base: bool, fast_forward: bool, mode: str) -> str:
    """How the candidate for the base is made: `in-base` (nothing to merge), `fast-forward` (the branch's
    tip itself), `refuse` (`ff` mode, but the base moved on) or `merge` (a merge or squash commit)."""
    if in_base:
        return "in-base"
    if fast_forward and mode in ("ff", "merge"):
        return "fast-forward"
    return "refuse" if mode == "ff" else "merge"


async def merge_task(repo: Repo, task_id: str, base: str, mode: str, title: str,
                     verify: Verify | None = None) -> MergeResult:
    """Merge the task's branch into `base` by `mode`, checked by `verify` on the candidate first;
    rebuilt on the new tip when another writer moved `base` meanwhile."""
    branch = BRANCH_PREFIX + task_id
    if mode == "none":
        return MergeResult("left", f"left on branch {branch} (--merge none)")
    for _ in range(CAS_TRIES):
        async with repo.lock:
            old, tip = await rev(repo, f"refs/heads/{base}"), await rev(repo, f"refs/heads/{branch}")
        built = await candidate(repo, task_id, (old, tip), mode, f"{title} ({task_id})", verify)
        if built.outcome != "merged" or built.commit is None:
            return built
        async with repo.lock:
            moved = await _advance(repo, base, old, built.commit)
        if moved is not None:
            return moved
    return MergeResult("conflict", f"{base} kept moving while merging; try again")


async def candidate(repo: Repo, task_id: str, old_tip: tuple[str, str], mode: str, message: str,
                    verify: Verify | None) -> MergeResult:
    """The commit the base would move to (built in a scratch worktree) and, with `verify`, its checks."""
    old, tip = old_tip
    how = plan_candidate(await succeeds(repo.root, "merge-base", "--is-ancestor", tip, old),
                         await succeeds(repo.root, "merge-base", "--is-ancestor", old, tip), mode)
    if how == "in-base":
        return MergeResult("merged", "already in the base", old)
    if how == "refuse":
        return MergeResult("conflict", "cannot fast-forward: the base moved on since the branch was made")
    if how == "fast-forward" and verify is None:
        return MergeResult("merged", "fast-forward", tip)
    async with repo.scratch(task_id, "merge", old if how == "merge" else tip) as tree:
        built = await _merge_in(tree, tip, mode, message) if how == "merge" else \
            MergeResult("merged", "fast-forward", tip)
        if built.outcome != "merged" or built.commit is None or verify is None:
            return built
        red = await verify(tree, built.commit)
    if red is None:
        return built
    return MergeResult("red", f"{red.command} failed on the candidate {built.commit[:10]}", built.commit,
                       check=red)


async def _merge_in(scratch: Path, tip: str, mode: str, message: str) -> MergeResult:
    args = ("merge", "--squash", tip) if mode == "squash" else ("merge", "--no-ff", "-m", message, tip)
    author = await identity(scratch)
    try:
        await git(scratch, *author, *args)
        if mode == "squash":
            await git(scratch, *author, "commit", "--no-verify", "-q", "-m", message)
    except GitError as exc:
        files = (await git(scratch, "diff", "--name-only", "--diff-filter=U", check=False)).split()
        return MergeResult("conflict", exc.output.strip()[-400:], conflicts=tuple(files))
    return MergeResult("merged", mode, (await git(scratch, "rev-parse", "HEAD")).strip())


async def _advance(repo: Repo, base: str, old: str, new: str) -> MergeResult | None:
    """Move `base` from `old` to `new`; None when it had moved (the caller tries again)."""
    if new == old:
        return MergeResult("merged", "already in the base", new)
    checkout = await checkout_of(repo, base)
    if checkout is None:
        if not await succeeds(repo.root, "update-ref", f"refs/heads/{base}", new, old):
            return None
        return MergeResult("merged", f"{base} moved to {new[:10]}", new)
    if (await git(checkout, "status", "--porcelain", "--untracked-files=no")).strip():
        return MergeResult("dirty", f"{base} is checked out in {checkout} with uncommitted changes; "
                                    "commit or stash them and the merge is tried again")
    if await rev(repo, f"refs/heads/{base}") != old:
        return None
    try:
        await git(checkout, "merge", "--ff-only", "-q", new)
    except GitError as exc:
        return MergeResult("dirty", f"could not bring {checkout} along: {exc.output.strip()[-300:]}")
    return MergeResult("merged", f"{base} moved to {new[:10]} (and {checkout} with it)", new)

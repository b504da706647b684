"""Approved work into the base branch without disturbing the user's checkout.

The merge is built in a scratch worktree, then the base ref moves with a compare-and-swap
(`git update-ref <ref> <new> <old>`). When the base is checked out in a clean worktree, that
worktree is fast-forwarded instead, so its files follow; a dirty one is left alone and reported.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from waaah.runner.git import GitError, git, identity, succeeds
from waaah.runner.worktrees import BRANCH_PREFIX, Repo

MODES = ("ff", "merge", "squash", "none")
CAS_TRIES = 3


@dataclass(frozen=True)
class MergeResult:
    outcome: str
    """`merged`, `left` (mode none), `conflict` (files in `conflicts`) or `dirty` (the base's checkout)."""
    detail: str
    commit: str | None = None
    conflicts: tuple[str, ...] = ()


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


async def merge_task(repo: Repo, task_id: str, base: str, mode: str, title: str) -> MergeResult:
    """Merge the task's branch into `base` by `mode`; retried when another writer moved `base` meanwhile."""
    branch = BRANCH_PREFIX + task_id
    if mode == "none":
        return MergeResult("left", f"left on branch {branch} (--merge none)")
    for _ in range(CAS_TRIES):
        async with repo.lock:
            old, tip = await rev(repo, f"refs/heads/{base}"), await rev(repo, f"refs/heads/{branch}")
            built = await _build(repo, task_id, old, tip, mode, f"{title} ({task_id})")
            if built.outcome != "merged" or built.commit is None:
                return built
            moved = await _advance(repo, base, old, built.commit)
        if moved is not None:
            return moved
    return MergeResult("conflict", f"{base} kept moving while merging; try again")


async def _build(repo: Repo, task_id: str, old: str, tip: str, mode: str, message: str) -> MergeResult:
    if await succeeds(repo.root, "merge-base", "--is-ancestor", tip, old):
        return MergeResult("merged", "already in the base", old)
    fast = await succeeds(repo.root, "merge-base", "--is-ancestor", old, tip)
    if fast and mode in ("ff", "merge"):
        return MergeResult("merged", "fast-forward", tip)
    if mode == "ff":
        return MergeResult("conflict", "cannot fast-forward: the base moved on since the branch was made",
                           conflicts=())
    scratch = repo.state_dir(task_id) / "merge"
    shutil.rmtree(scratch, ignore_errors=True)
    await git(repo.root, "worktree", "add", "--detach", str(scratch), old)
    try:
        return await _merge_in(scratch, tip, mode, message)
    finally:
        await git(repo.root, "worktree", "remove", "--force", str(scratch), check=False)
        shutil.rmtree(scratch, ignore_errors=True)


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

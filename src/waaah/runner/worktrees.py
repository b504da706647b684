"""The repository a runner serves: one worktree per task under `.worktrees/`, a state folder per task
under `.git/waaah/`, the diff for review, and what the agent left uncommitted."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from waaah.runner.git import GitError, git, identity, succeeds

WORKTREES = ".worktrees"
BRANCH_PREFIX = "waaah/"


class RepoError(Exception):
    """The workspace cannot be used: not a git repository, no such branch, …"""


class Repo:
    def __init__(self, root: Path, git_dir: Path, common_dir: Path) -> None:
        self.root = root
        self.git_dir = git_dir
        self.common_dir = common_dir
        self.lock = asyncio.Lock()
        """Held while worktrees are added or removed and while a merge moves the base."""

    @classmethod
    async def open(cls, path: Path) -> Repo:
        if not path.is_dir():
            raise RepoError(f"--workspace {path} is not a folder")
        try:
            root = Path((await git(path, "rev-parse", "--show-toplevel")).strip())
            common = (await git(path, "rev-parse", "--path-format=absolute", "--git-common-dir")).strip()
        except GitError as exc:
            raise RepoError(f"--workspace {path} is not a git repository ({exc})") from None
        return cls(root, Path(common), Path(common))

    @property
    def state_root(self) -> Path:
        return self.common_dir / "waaah"

    def state_dir(self, task_id: str) -> Path:
        """Where the runner keeps a task's prompt, MCP config and session: outside every worktree."""
        folder = self.state_root / task_id
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return folder

    def worktree_path(self, task_id: str) -> Path:
        return self.root / WORKTREES / task_id

    async def name(self) -> str:
        """The repository's id for the hub: its origin URL's last two parts, else the folder's name."""
        origin = (await git(self.root, "config", "--get", "remote.origin.url", check=False)).strip()
        if origin:
            tail = origin.rstrip("/").removesuffix(".git").replace(":", "/").split("/")
            return "/".join(tail[-2:])
        return self.root.name

    async def current_branch(self) -> str:
        branch = (await git(self.root, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)).strip()
        if not branch:
            raise RepoError(f"{self.root} has no branch checked out; pass --base BRANCH")
        return branch

    async def has_branch(self, branch: str) -> bool:
        return await succeeds(self.root, "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")

    def exclude_worktrees(self) -> None:
        """Keep `.worktrees/` out of the user's `git status` without touching their .gitignore."""
        exclude = self.common_dir / "info" / "exclude"
        exclude.parent.mkdir(parents=True, exist_ok=True)
        text = exclude.read_text() if exclude.exists() else ""
        if f"/{WORKTREES}/" not in text.split("\n"):
            exclude.write_text(text + ("" if text.endswith("\n") or not text else "\n") + f"/{WORKTREES}/\n")

    async def worktree(self, task_id: str, base: str) -> Path:
        """The task's worktree: reused when it exists, else on its branch, else a new branch from `base`."""
        path = self.worktree_path(task_id)
        branch = BRANCH_PREFIX + task_id
        async with self.lock:
            if (path / ".git").exists():
                return path
            await git(self.root, "worktree", "prune")
            if await self.has_branch(branch):
                await git(self.root, "worktree", "add", str(path), branch)
            else:
                await git(self.root, "worktree", "add", str(path), "-b", branch, base)
        return path

    @asynccontextmanager
    async def scratch(self, task_id: str, name: str, commit: str) -> AsyncIterator[Path]:
        """A throw-away detached checkout of `commit` in the task's state folder (for merges and checks)."""
        path = self.state_dir(task_id) / name
        async with self.lock:
            shutil.rmtree(path, ignore_errors=True)
            await git(self.root, "worktree", "prune")
            await git(self.root, "worktree", "add", "--detach", str(path), commit)
        try:
            yield path
        finally:
            async with self.lock:
                await git(self.root, "worktree", "remove", "--force", str(path), check=False)
            shutil.rmtree(path, ignore_errors=True)

    async def remove(self, task_id: str, delete_branch: bool) -> None:
        path = self.worktree_path(task_id)
        async with self.lock:
            if path.exists():
                await git(self.root, "worktree", "remove", "--force", str(path), check=False)
                shutil.rmtree(path, ignore_errors=True)
            await git(self.root, "worktree", "prune", check=False)
            if delete_branch:
                await git(self.root, "branch", "-D", BRANCH_PREFIX + task_id, check=False)
        shutil.rmtree(self.state_root / task_id, ignore_errors=True)

    def task_ids(self) -> list[str]:
        folder = self.root / WORKTREES
        return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


async def commit_all(worktree: Path, message: str) -> bool:
    """Commit whatever the agent left uncommitted (a merge in progress is concluded). True if it did."""
    await git(worktree, "add", "-A")
    merging = await succeeds(worktree, "rev-parse", "--verify", "--quiet", "MERGE_HEAD")
    if not merging and await succeeds(worktree, "diff", "--cached", "--quiet"):
        return False
    await git(worktree, *await identity(worktree), "commit", "--no-verify", "-q", "-m", message)
    return True


async def diff(worktree: Path, base: str) -> str:
    """What the task's branch changes, against where it left `base`."""
    return await git(worktree, "diff", "--no-color", f"{base}...HEAD")


async def head(worktree: Path) -> str:
    """The commit checked out in `worktree` (40 hex)."""
    return (await git(worktree, "rev-parse", "HEAD")).strip()

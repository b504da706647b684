"""`waaah agent doctor`: one line per check, `ok` or `FAIL <what> — <fix>`; exit 1 if any failed."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from waaah.commands.client import Connection
from waaah.runner.adapters import adapter_for
from waaah.runner.git import GitError, git
from waaah.runner.worktrees import Repo, RepoError

LOGINS = {
    "claude": (("ANTHROPIC_API_KEY",), ("~/.claude/.credentials.json", "~/.claude.json"),
               "run `claude` once and log in"),
    "codex": (("OPENAI_API_KEY", "CODEX_API_KEY"), ("~/.codex/auth.json",), "run `codex login`"),
    "gemini": (("GEMINI_API_KEY", "GOOGLE_API_KEY"), ("~/.gemini/oauth_creds.json",),
               "run `gemini` once and log in"),
}
"""Where each CLI keeps its login, checked without the network: an API key variable or a credentials file."""


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str
    fix: str = ""

    def line(self) -> str:
        return f"ok   {self.what}" if self.ok else f"FAIL {self.what} — {self.fix}"


async def check_cli(args: argparse.Namespace) -> list[Check]:
    try:
        adapter = adapter_for(args.cli, args.cmd)
    except ValueError as exc:
        return [Check(False, "CLI chosen", f"{exc}")]
    path = shutil.which(adapter.binary)
    if path is None:
        where = adapter.docs or "see its docs"
        return [Check(False, f"{adapter.binary} installed", f"install it or put it on PATH ({where})")]
    checks = [Check(True, f"{adapter.binary} installed at {path}{await _version(path) if args.cli else ''}")]
    if args.cli in LOGINS:
        envs, files, fix = LOGINS[args.cli]
        found = [e for e in envs if os.environ.get(e)] + [f for f in files if Path(f).expanduser().exists()]
        checks.append(Check(bool(found), f"{args.cli} logged in" + (f" ({found[0]})" if found else ""),
                            f"{fix}, or set {' / '.join(envs)}"))
    return checks


async def _version(path: str) -> str:
    try:
        process = await asyncio.create_subprocess_exec(path, "--version", stdout=asyncio.subprocess.PIPE,
                                                       stderr=asyncio.subprocess.STDOUT)
        out, _ = await asyncio.wait_for(process.communicate(), 20)
    except (OSError, TimeoutError):
        return " (--version did not answer)"
    return f" ({out.decode(errors='replace').strip().splitlines()[0]})" if out.strip() else ""


async def check_repo(args: argparse.Namespace) -> list[Check]:
    try:
        repo = await Repo.open(Path(args.workspace).resolve())
    except RepoError as exc:
        return [Check(False, f"repository {args.workspace}", f"{exc}: pass --workspace a git checkout")]
    checks = [Check(True, f"repository {repo.root}")]
    try:
        base = args.base or await repo.current_branch()
    except RepoError as exc:
        return [*checks, Check(False, "base branch", str(exc))]
    if not await repo.has_branch(base):
        return [*checks, Check(False, f"base branch {base}", "pass --base an existing branch")]
    checks.append(Check(True, f"base branch {base}"))
    return [*checks, await _worktree_works(repo, base)]


async def _worktree_works(repo: Repo, base: str) -> Check:
    scratch = Path(tempfile.mkdtemp(prefix="waaah-doctor-")) / "wt"
    try:
        await git(repo.root, "worktree", "add", "--detach", str(scratch), base)
        await git(repo.root, "worktree", "remove", "--force", str(scratch))
    except GitError as exc:
        return Check(False, "git worktree add", f"{exc}")
    finally:
        shutil.rmtree(scratch.parent, ignore_errors=True)
    return Check(True, "git worktree add works")


async def check_hub(conn: Connection) -> list[Check]:
    async with httpx.AsyncClient(base_url=conn.url, timeout=10.0) as http:
        try:
            health = await http.get("/health")
        except httpx.HTTPError as exc:
            return [Check(False, f"hub {conn.url} reachable", f"start `waaah serve` or pass --url ({exc})")]
        if health.status_code != 200:
            return [Check(False, f"hub {conn.url} reachable", f"/health answered {health.status_code}")]
        checks = [Check(True, f"hub {conn.url} reachable")]
        if not conn.api_key:
            return [*checks, Check(False, "API key", "set WAAAH_API_KEY or pass --key")]
        stats = await http.get("/admin/stats", headers={"X-API-Key": conn.api_key})
        accepted = stats.status_code == 200
        return [*checks, Check(accepted, f"API key from {conn.key_source} accepted",
                               f"the hub answered {stats.status_code}; use the key `waaah serve` printed")]


async def diagnose(args: argparse.Namespace, conn: Connection) -> int:
    checks = [*await check_cli(args), *await check_repo(args), *await check_hub(conn)]
    for check in checks:
        print(check.line(), flush=True)
    return 0 if all(c.ok for c in checks) else 1

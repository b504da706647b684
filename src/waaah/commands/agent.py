"""`waaah agent run|doctor|prompts`: the runner that puts coding-agent CLIs to work next to a repository."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import socket
from pathlib import Path
from typing import Any

from waaah.commands.client import Connection, UsageError
from waaah.domain.capabilities import STANDARD_CAPABILITIES
from waaah.runner.adapters import ADAPTERS, adapter_for
from waaah.runner.config import MAX_FIX_ATTEMPTS, VERIFY_TIMEOUT, RunnerConfig
from waaah.runner.merge import MODES
from waaah.runner.process import Limits
from waaah.runner.worktrees import Repo, RepoError

DEFAULT_CAPABILITIES = "code-writing,test-writing"


def with_overrides(conn: Connection, args: argparse.Namespace) -> Connection:
    """--url and --key win over WAAAH_SERVER_URL / WAAAH_API_KEY / the credentials file."""
    if args.url and not args.url.startswith(("http://", "https://")):
        raise UsageError(f"--url must start with http:// or https://, got {args.url!r}")
    url = (args.url or conn.url).rstrip("/")
    if args.key:
        return Connection(url, args.key, "--key")
    return dataclasses.replace(conn, url=url)


def capabilities(text: str) -> tuple[str, ...]:
    caps = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = [c for c in caps if c not in STANDARD_CAPABILITIES]
    if not caps or unknown:
        raise UsageError(f"--capabilities takes a comma-separated list of: {', '.join(STANDARD_CAPABILITIES)}"
                         + (f" (unknown: {', '.join(unknown)})" if unknown else ""))
    return caps


async def build_config(args: argparse.Namespace, conn: Connection) -> RunnerConfig:
    if args.slots < 1 or args.max_attempts < 1 or args.stall_timeout <= 0 or args.max_runtime <= 0:
        raise UsageError("--slots and --max-attempts must be at least 1, --stall-timeout and --max-runtime > 0")
    if args.verify_timeout <= 0 or args.max_fix_attempts < 0:
        raise UsageError("--verify-timeout must be > 0 and --max-fix-attempts at least 0")
    try:
        adapter = adapter_for(args.cli, args.cmd)
        repo = await Repo.open(Path(args.workspace).resolve())
        base = args.base or await repo.current_branch()
        if not await repo.has_branch(base):
            raise RepoError(f"--base {base}: no such branch in {repo.root}")
        repo_id = await repo.name()
    except (ValueError, RepoError) as exc:
        raise UsageError(str(exc)) from None
    conn.need_key()
    runner_id = args.id or f"{socket.gethostname().split('.')[0]}-{repo.root.name}"
    return RunnerConfig(conn, repo, repo_id, adapter, runner_id, args.slots, capabilities(args.capabilities),
                        base, args.merge, args.max_attempts, Limits(args.stall_timeout, args.max_runtime),
                        args.verify_timeout, args.max_fix_attempts)


def run_command(args: argparse.Namespace, conn: Connection) -> int:
    from waaah.runner.supervisor import serve

    async def main() -> int:
        return await serve(await build_config(args, with_overrides(conn, args)))

    return asyncio.run(main())


def doctor_command(args: argparse.Namespace, conn: Connection) -> int:
    from waaah.runner.doctor import diagnose

    return asyncio.run(diagnose(args, with_overrides(conn, args)))


def prompts_command(args: argparse.Namespace, conn: Connection) -> int:
    from waaah.runner.prompt import all_prompts

    print(all_prompts(), end="")
    return 0


def _hub_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", help="the hub (default: WAAAH_SERVER_URL, else http://localhost:3000)")
    p.add_argument("--key", help="the API key (default: WAAAH_API_KEY, else ~/.waaah/credentials.json)")


def _cli_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", default=os.curdir, metavar="DIR",
                   help="the git repository to work in (default: the current folder)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--cli", choices=sorted(ADAPTERS), help="the coding-agent CLI to run")
    which.add_argument("--cmd", metavar="TEMPLATE",
                       help="any other command; placeholders {prompt_file} {worktree} {task_id} {mcp_config} "
                            "{agent_id} {session_id}")
    p.add_argument("--base", metavar="BRANCH", help="branch to start from and merge into (default: the current "
                                                    "branch)")


def add_run_parser(sub: Any, wrap: Any) -> None:
    p = sub.add_parser("run", help="run coding-agent CLIs on the hub's tasks in this repository",
                       description="Register --slots agents on the hub, take tasks, run the CLI headless in "
                                   "one git worktree per task, run the task's verify commands, submit the diff "
                                   "for review and merge approved work into --base through a queue that checks "
                                   "each candidate first. Ctrl-C signs the agents off and requeues their tasks.")
    _cli_options(p)
    p.add_argument("--slots", type=int, default=1, metavar="N", help="tasks worked on at once (default 1)")
    p.add_argument("--capabilities", default=DEFAULT_CAPABILITIES, metavar="A,B",
                   help=f"what the agents can do (default {DEFAULT_CAPABILITIES})")
    p.add_argument("--id", metavar="NAME", help="agent id prefix; slot n is NAME-n (default: host-repository)")
    p.add_argument("--merge", choices=MODES, default="merge",
                   help="how approved work lands in --base (default merge; none = leave the branch)")
    p.add_argument("--max-attempts", type=int, default=3, metavar="N",
                   help="CLI runs per task before it fails (default 3)")
    p.add_argument("--stall-timeout", type=float, default=600.0, metavar="S",
                   help="kill a CLI silent for this long, reason stalled (default 600)")
    p.add_argument("--max-runtime", type=float, default=3600.0, metavar="S",
                   help="kill a CLI running longer, reason timeout (default 3600)")
    p.add_argument("--verify-timeout", type=float, default=VERIFY_TIMEOUT, metavar="S",
                   help=f"kill a verify command running longer; it fails (default {VERIFY_TIMEOUT:g})")
    p.add_argument("--max-fix-attempts", type=int, default=MAX_FIX_ATTEMPTS, metavar="N",
                   help="times a failing verify command goes back to the CLI before the task fails, "
                        f"reason verify_failed (default {MAX_FIX_ATTEMPTS})")
    _hub_options(p)
    p.set_defaults(run=wrap(run_command))


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    agent = commands.add_parser("agent", help="run coding-agent CLIs on the hub's tasks",
                                description="The runner: coding-agent CLIs (Claude Code, Codex, Gemini CLI or "
                                            "any command) working on the hub's tasks in git worktrees.")
    sub = agent.add_subparsers(dest="agent_command", metavar="COMMAND", required=True)
    add_run_parser(sub, wrap)
    d = sub.add_parser("doctor", help="check the CLI, the repository and the hub before running",
                       description="Check that the CLI is installed and logged in, the repository is usable and "
                                   "the hub is reachable with the key. One line per check; exit 1 if any fails.")
    _cli_options(d)
    _hub_options(d)
    d.set_defaults(run=wrap(doctor_command))
    pr = sub.add_parser("prompts", help="print the prompts that ship with the runner",
                        description="Print the prompts the runner gives agents (and the loop prompt for an agent "
                                    "that drives the hub itself).")
    pr.set_defaults(run=wrap(prompts_command))

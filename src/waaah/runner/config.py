"""A runner's settings, parsed once from the command line."""

from __future__ import annotations

from dataclasses import dataclass, field

from waaah.commands.client import Connection
from waaah.runner.adapters import Adapter
from waaah.runner.process import Limits
from waaah.runner.queue import MergeQueue
from waaah.runner.worktrees import Repo

POLL_SECONDS = 30
"""How long one wait_for_prompt waits before it is asked again (the hub answers IDLE)."""
WATCH_SECONDS = 1.0
"""While a CLI runs, how often the runner looks at its task (blocked? cancelled?)."""
HEARTBEAT_SECONDS = 60.0
BACKOFF_SECONDS = 0.5
"""The first retry's delay; it doubles with each attempt, up to BACKOFF_CAP."""
BACKOFF_CAP = 30.0
DIRTY_RETRY_SECONDS = 10.0
VERIFY_TIMEOUT = 600.0
"""--verify-timeout: a verify command running longer is killed and fails."""
MAX_FIX_ATTEMPTS = 2
"""--max-fix-attempts: how often a red check goes back to the agent before the task fails."""


@dataclass(frozen=True)
class RunnerConfig:
    conn: Connection
    repo: Repo
    repo_id: str
    adapter: Adapter
    runner_id: str
    slots: int
    capabilities: tuple[str, ...]
    base: str
    merge: str
    max_attempts: int
    limits: Limits
    verify_timeout: float = VERIFY_TIMEOUT
    max_fix_attempts: int = MAX_FIX_ATTEMPTS
    queue: MergeQueue = field(default_factory=MergeQueue, compare=False)
    """Approved tasks of this runner land one at a time per (repository, base)."""

    @property
    def mcp_url(self) -> str:
        return f"{self.conn.url}/mcp"

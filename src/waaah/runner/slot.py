"""One slot: an agent registered on the hub that long-polls for work and does one task at a time."""

from __future__ import annotations

import logging
from typing import Any

from waaah.commands.client import CliError
from waaah.runner.config import POLL_SECONDS, RunnerConfig
from waaah.runner.hub import HubClient, ToolFailed
from waaah.runner.job import Job
from waaah.runner.landing import land
from waaah.runner.smoke import smoke

JSON = dict[str, Any]
log = logging.getLogger("waaah.runner")


class Slot:
    def __init__(self, cfg: RunnerConfig, hub: HubClient, number: int) -> None:
        self.cfg, self.hub = cfg, hub
        self.agent_id = f"{cfg.runner_id}-{number}"
        self.current: str | None = None

    def say(self, text: str) -> None:
        print(f"{self.agent_id}: {text}", flush=True)

    async def register(self) -> None:
        workspace = {"type": "local", "repoId": self.cfg.repo_id, "path": str(self.cfg.repo.root),
                     "branch": self.cfg.base}
        await self.hub.register(self.agent_id, list(self.cfg.capabilities), workspace,
                                f"{self.agent_id} ({self.cfg.adapter.name})")

    async def run(self) -> None:
        """Register, then serve until cancelled (or evicted with SHUTDOWN)."""
        await self.register()
        self.say(f"registered ({', '.join(self.cfg.capabilities)}), waiting for work")
        while True:
            offer = await self.hub.wait_for_prompt(self.agent_id, POLL_SECONDS)
            if offer.get("controlSignal") == "EVICT":
                self.say(f"evicted ({offer.get('action')}): {offer.get('reason')}")
                if offer.get("action") == "SHUTDOWN":
                    return
                await self.register()
            elif offer.get("taskId"):
                await self.take(offer)

    async def take(self, offer: JSON) -> None:
        task_id = str(offer["taskId"])
        try:
            await self.hub.ack(task_id, self.agent_id)
        except ToolFailed as exc:
            self.say(f"could not take {task_id}: {exc.message}")
            return
        self.current = task_id
        job = Job(self.cfg, self.hub, self.agent_id, task_id)
        try:
            task = await self.hub.task(task_id)
            if task.get("verification"):
                job.say(f"verifying the plan: “{task.get('title') or task_id}”")
                await smoke(job, task)
            elif offer.get("approved"):
                await land(job, task)
            else:
                job.say(f"took “{offer.get('title') or offer.get('prompt', '')[:60]}”")
                await job.work()
        except CliError as exc:  # the hub refused a step or went away: the task stays with the hub
            job.say(f"stopped working on it: {exc.message}")
        finally:
            self.current = None

"""The chat commands, the same on every platform: `submit PROMPT`, `status [ID]`, `answer ID TEXT`,
`agents`, `help`. Each becomes one reply text; what the hub refused is said in that reply."""

from __future__ import annotations

from dataclasses import dataclass

from waaah.bots.bridge import Bridge
from waaah.bots.messages import Action, decision_text, task_url, title_of
from waaah.commands import tables
from waaah.commands.client import ApiClient, CliError
from waaah.commands.tasks import hub_status

USAGE = ("Commands: `submit PROMPT` (queue a task) · `status [ID]` (the hub, or one task) · "
         "`answer ID TEXT` (answer a blocked task's question) · `agents` (who is connected) · `help`")
NAMES = ("submit", "status", "answer", "agents", "help")


@dataclass(frozen=True)
class Command:
    name: str
    rest: str = ""
    """What follows the command's name, as typed."""


def parse(text: str) -> Command:
    """`submit fix the login test` → Command("submit", "fix the login test"); unknown words → help."""
    name, _, rest = text.strip().partition(" ")
    name = name.lower()
    return Command(name, rest.strip()) if name in NAMES else Command("help")


def fenced(text: str) -> str:
    return f"```\n{text}\n```"


class Commands:
    """Runs commands against the hub for a person (`by`: how the platform names them)."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self.hub = bridge.hub
        self.dashboard_url = bridge.dashboard_url

    async def run(self, command: Command, by: str) -> str:
        try:
            if command.name == "submit":
                return await self.submit(command.rest)
            if command.name == "status":
                return await self.status(command.rest)
            if command.name == "answer":
                return await self.answer(command.rest, by)
            if command.name == "agents":
                return await self.agents()
        except CliError as exc:
            return f"The hub refused: {exc.message}"
        return USAGE

    async def submit(self, prompt: str) -> str:
        if not prompt:
            return "Usage: `submit PROMPT`"
        made = await self.hub.call(lambda api: api.enqueue({"prompt": prompt}))
        task_id = str(made["taskId"])
        return f"Queued {task_id} ({made['status']}): {task_url(self.dashboard_url, task_id)}"

    async def status(self, given: str) -> str:
        if not given:
            summary = await self.hub.call(hub_status)
            counts = tables.counts_table(summary["tasks"]) if summary["tasks"] else "no tasks"
            return f"{summary['total']} tasks, {len(summary['agents'])} agents\n{fenced(counts)}"

        def detail(api: ApiClient) -> tuple[str, str]:
            task = api.task(api.task_id(given))
            deps = {d: api.task(d)["status"] for d in task.get("dependencies") or []}
            return str(task["id"]), f"{title_of(task)}\n{fenced(tables.task_detail(task, deps))}"

        task_id, text = await self.hub.call(detail)
        return f"{text}\n{task_url(self.dashboard_url, task_id)}"

    async def answer(self, rest: str, by: str) -> str:
        given, _, text = rest.partition(" ")
        if not given or not text.strip():
            return "Usage: `answer ID TEXT`"
        task_id = await self.hub.call(lambda api: api.task_id(given))
        await self.bridge.act(Action.ANSWER, task_id, by, text.strip())
        return f"{decision_text(Action.ANSWER, by)}: {task_id} is back in the queue"

    async def agents(self) -> str:
        found = await self.hub.call(lambda api: api.agents())
        return fenced(tables.agents_table(found)) if found else "No agents registered."

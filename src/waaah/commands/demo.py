"""`waaah demo`: simulated agents (real MCP clients) that work through tasks so the board moves.

Each agent registers, waits for work, acknowledges it, reports progress, and submits a fake diff for
review (or completes work that needs no review). Now and then one stops to ask a person a question.
After approval the task comes back to its agent, which finishes it. Optional sample tasks (with a
dependency chain and a fan-in) give an empty hub something to do. On Ctrl-C the agents sign off, so the
board shows them OFFLINE at once and what they held goes back to the queue.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import signal
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from waaah.commands.agent_link import TRANSPORT_NAMES, AgentLink, ToolReply, link_for, resolve_transport
from waaah.commands.client import ApiClient, CliError, Connection, ServerError, UsageError
from waaah.commands.tables import short
from waaah.domain.capabilities import STANDARD_CAPABILITIES

NAMES = ("ada", "linus", "grace", "alan", "margaret", "ken", "barbara", "dennis")
POLL_SECONDS = 60
STEPS = (("planning", 15, "Reading the task and the code around it"),
         ("coding", 50, "Writing the change"),
         ("testing", 85, "Running the tests"))
QUESTIONS = ("Should this keep backwards compatibility with the old API?",
             "Which error message do you prefer when the input is empty?",
             "Is it fine to add a new dependency for this?")
SAMPLE_TASKS: tuple[tuple[str, list[str], list[int]], ...] = (
    ("Add a /version endpoint that returns the build number", ["code-writing"], []),
    ("Write tests for the /version endpoint", ["test-writing"], [0]),
    ("Document the /version endpoint in the API guide", ["doc-writing"], [0]),
    ("Review the /version change and its tests", ["code-doctor"], [1, 2]),
    ("Design a retry policy for outgoing webhooks", ["spec-writing"], []),
    ("Implement webhook retries with exponential backoff", ["code-writing"], [4]),
)


def fake_diff(task_id: str, title: str) -> str:
    """A plausible unified diff for a task (the review gate wants one for code and test work)."""
    slug = "".join(c if c.isalnum() else "_" for c in title.lower())[:40].strip("_") or "change"
    return "\n".join([
        f"diff --git a/src/{slug}.py b/src/{slug}.py", f"--- a/src/{slug}.py", f"+++ b/src/{slug}.py",
        "@@ -1,3 +1,6 @@", " def handler(request):", "-    return None",
        f"+    # {short(title, 60)} ({task_id})", "+    result = do_the_work(request)",
        f"+    log.info('done', extra={{'task': '{task_id}'}})", "+    return result", ""])


@dataclass
class Demo:
    """What all simulated agents share: the options, the output and the questions already asked."""

    conn: Connection
    transport: str
    pace: float
    block_rate: float
    rng: random.Random
    asked: set[str] = field(default_factory=set)
    stop: asyncio.Event = field(default_factory=asyncio.Event)

    def say(self, agent: str, text: str) -> None:
        print(f"{datetime.now():%H:%M:%S} {agent:<14} {text}", flush=True)

    async def pause(self) -> None:
        if self.pace > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), self.pace * self.rng.uniform(0.5, 1.5))


def agent_names(number: int) -> tuple[str, str]:
    """The id and display name of the demo's agent `number`."""
    name = NAMES[number % len(NAMES)] + (f"-{number // len(NAMES) + 1}" if number >= len(NAMES) else "")
    return f"demo-{name}", f"{name.title()} (demo)"


class SimulatedAgent:
    def __init__(self, demo: Demo, number: int, link: AgentLink) -> None:
        self.id, self.display = agent_names(number)
        self.demo, self.link = demo, link

    async def tool(self, name: str, **args: Any) -> ToolReply:
        return await self.link.call(name, {"agentId": self.id, **args})

    async def register(self) -> None:
        reply = await self.tool("register_agent", displayName=self.display, role="developer", source="CLI",
                                capabilities=list(STANDARD_CAPABILITIES), workspaceContext={"repoId": "demo"})
        if reply.is_error:
            raise CliError(f"{self.id} could not register: {reply.text}")
        self.demo.say(self.id, "registered, waiting for work")

    async def run(self) -> None:
        await self.register()
        while not self.demo.stop.is_set():
            offer = (await self.tool("wait_for_prompt", timeout=POLL_SECONDS)).json()
            signal_name = offer.get("controlSignal")
            if signal_name == "EVICT":
                self.demo.say(self.id, f"evicted ({offer.get('action')}): {offer.get('reason')}")
                if offer.get("action") == "SHUTDOWN":
                    return
                await self.register()
            elif signal_name == "SYSTEM_PROMPT":
                self.demo.say(self.id, f"system prompt: {short(str(offer.get('message')), 80)}")
            elif offer.get("taskId"):
                await self.work_on(offer)

    async def work_on(self, offer: dict[str, Any]) -> None:
        task_id, title = str(offer["taskId"]), short(str(offer.get("title") or offer.get("prompt")), 60)
        ack = await self.tool("ack_task", taskId=task_id)
        if ack.is_error:
            self.demo.say(self.id, f"could not take {task_id}: {ack.text}")
            return
        if offer.get("approved"):
            await self.progress(task_id, "merging", 95, "Approved: merging and cleaning up")
            await self.respond(task_id, "COMPLETED", "Merged the approved change.", "completed {}")
            return
        self.demo.say(self.id, f"took {task_id} “{title}”")
        for phase, percent, message in STEPS:
            await self.demo.pause()
            if not await self.progress(task_id, phase, percent, message):
                return
        if task_id not in self.demo.asked and self.demo.rng.random() < self.demo.block_rate:
            await self.ask(task_id)
            return
        await self.demo.pause()
        if offer.get("requiresReview"):
            await self.respond(task_id, "IN_REVIEW", f"Done: {title}", "submitted {} for review",
                               diff=fake_diff(task_id, title))
            self.demo.say(self.id, f"  approve it with: waaah approve {task_id}")
        else:
            await self.respond(task_id, "COMPLETED", f"Done: {title}", "completed {}")

    async def progress(self, task_id: str, phase: str, percent: int, message: str) -> bool:
        reply = await self.tool("update_progress", taskId=task_id, phase=phase, percentage=percent, message=message)
        if reply.is_error:
            self.demo.say(self.id, f"lost {task_id}: {reply.text}")
            return False
        self.demo.say(self.id, f"{task_id} {phase} {percent}%")
        return True

    async def respond(self, task_id: str, status: str, message: str, done: str, **extra: Any) -> None:
        reply = await self.tool("send_response", taskId=task_id, status=status, message=message, **extra)
        self.demo.say(self.id, done.format(task_id) if not reply.is_error else f"{task_id}: {reply.text}")

    async def ask(self, task_id: str) -> None:
        self.demo.asked.add(task_id)
        question = self.demo.rng.choice(QUESTIONS)
        reply = await self.tool("block_task", taskId=task_id, reason="clarification", question=question,
                                summary="Planned the change and wrote a first draft.")
        if reply.is_error:
            self.demo.say(self.id, f"{task_id}: {reply.text}")
            return
        self.demo.say(self.id, f"asked on {task_id}: {question}")
        self.demo.say(self.id, f'  answer it with: waaah answer {task_id} "..."')


def seed_tasks(conn: Connection, count: int) -> list[str]:
    """Create up to `count` sample tasks (dependencies kept within the ones created)."""
    ids: list[str] = []
    with ApiClient(conn) as api:
        api.check()
        for title, caps, deps in SAMPLE_TASKS[:count]:
            created = api.enqueue({"prompt": f"[demo] {title}", "title": title, "requiredCapabilities": caps,
                                   "dependencies": [ids[d] for d in deps], "source": "CLI"})
            ids.append(created["taskId"])
    return ids


async def run_agent(demo: Demo, number: int) -> bool:
    """One agent until the demo stops; False when it died of an error (reported on stdout)."""
    link = link_for(demo.conn, demo.transport)
    agent = SimulatedAgent(demo, number, link)
    try:
        await link.open()
        await agent.run()
    except CliError as exc:
        demo.say(agent.id, f"stopped: {exc.message}")
        return False
    except Exception as exc:  # the top of an agent's task: report why it stopped, keep the others going
        demo.say(agent.id, f"stopped: {type(exc).__name__}: {exc}")
        return False
    except asyncio.CancelledError:
        if not demo.stop.is_set():  # the MCP client cancels its caller when the connection breaks
            demo.say(agent.id, f"stopped: lost the connection to {demo.conn.url}")
        raise
    finally:
        with contextlib.suppress(Exception):  # best effort: the server may already be gone
            await link.close()
    return True


async def sign_off(conn: Connection, agent_ids: list[str]) -> None:
    """Tell the hub the agents are gone (OFFLINE at once, their tasks requeued), best effort."""
    import httpx

    async with httpx.AsyncClient(base_url=conn.url, headers={"X-API-Key": conn.need_key()}, timeout=10) as http:
        for agent_id in agent_ids:
            with contextlib.suppress(httpx.HTTPError):
                await http.post(f"/admin/agents/{agent_id}/offline")


async def run_demo(demo: Demo, agents: int) -> int:
    """Run the agents until Ctrl-C/SIGTERM or until they all stopped; the number that failed."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, demo.stop.set)
    demo.transport = await resolve_transport(demo.conn, demo.transport)
    name = TRANSPORT_NAMES[demo.transport]
    print(f"waaah demo: {agents} agent{'s' if agents > 1 else ''} on {demo.conn.url} over {name}; "
          "Ctrl-C to stop", flush=True)
    workers = [asyncio.create_task(run_agent(demo, n)) for n in range(agents)]
    stopper = asyncio.create_task(demo.stop.wait())
    everyone = asyncio.gather(*workers, return_exceptions=True)
    waiting: list[asyncio.Future[Any]] = [stopper, everyone]
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    asked_to_stop = demo.stop.is_set()
    for task in [stopper, *workers]:
        task.cancel()
    results = await everyone
    await sign_off(demo.conn, [agent_names(n)[0] for n in range(agents)])
    print("waaah demo: stopped", flush=True)
    return sum(1 for r in results if r is False or (not asked_to_stop and isinstance(r, asyncio.CancelledError)))


def start_demo(args: argparse.Namespace, conn: Connection) -> int:
    if args.agents < 1 or not 0 <= args.block_rate <= 1 or args.pace < 0 or args.tasks < 0:
        raise UsageError("--agents must be at least 1, --block-rate within 0..1, --pace and --tasks >= 0")
    created = seed_tasks(conn, args.tasks)
    if created:
        print(f"waaah demo: created {len(created)} sample tasks", flush=True)
    rng = random.Random(args.seed)
    failed = asyncio.run(run_demo(Demo(conn, args.transport, args.pace, args.block_rate, rng), args.agents))
    if failed == args.agents:
        raise ServerError(f"every agent stopped with an error; is the server at {conn.url} still running?")
    return 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    p = commands.add_parser(
        "demo", help="run simulated agents so the board moves",
        description="Start simulated agents (real MCP clients) that take tasks, report progress, submit a "
                    "fake diff for review and sometimes ask a question. Approve or answer from the "
                    "dashboard or with `waaah approve` / `waaah answer`. Ctrl-C stops them.")
    p.add_argument("--agents", type=int, default=3, metavar="N", help="how many agents (default 3)")
    p.add_argument("--tasks", type=int, default=len(SAMPLE_TASKS), metavar="N",
                   help=f"sample tasks to create first (default {len(SAMPLE_TASKS)}, 0 = none)")
    p.add_argument("--pace", type=float, default=2.0, metavar="SECONDS",
                   help="about this long between an agent's steps (default 2, 0 = as fast as possible)")
    p.add_argument("--block-rate", type=float, default=0.2, metavar="P",
                   help="chance that an agent asks a question on a task (default 0.2)")
    p.add_argument("--seed", type=int, help="random seed, for a repeatable run")
    p.add_argument("--transport", choices=("auto", "mcp", "legacy"), default="auto",
                   help="auto (default): MCP streamable HTTP at /mcp, else the legacy /mcp/tools route")
    p.set_defaults(run=wrap(start_demo))

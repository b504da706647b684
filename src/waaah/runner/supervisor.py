"""The runner: its slots, the signals that stop it, and signing its agents off on the way out."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from waaah.commands.client import CliError
from waaah.runner.config import RunnerConfig
from waaah.runner.hub import HubClient
from waaah.runner.slot import Slot

FINISHED = ("COMPLETED", "CANCELLED")


async def tidy(cfg: RunnerConfig, hub: HubClient) -> None:
    """Remove the worktrees of tasks that finished or were cancelled while the runner was away."""
    for task_id in cfg.repo.task_ids():
        try:
            status = (await hub.task(task_id)).get("status")
        except CliError as exc:
            status = "CANCELLED" if exc.status == 404 else None
        if status in FINISHED:
            await cfg.repo.remove(task_id, delete_branch=status == "CANCELLED")


async def serve(cfg: RunnerConfig) -> int:
    """Run the slots until SIGINT/SIGTERM (or until every slot stopped); sign the agents off."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    hub = HubClient(cfg.conn)
    slots = [Slot(cfg, hub, n) for n in range(1, cfg.slots + 1)]
    try:
        cfg.repo.exclude_worktrees()
        await tidy(cfg, hub)
        print(f"waaah agent run: {cfg.slots} slot(s) of {cfg.adapter.name} on {cfg.repo.root} "
              f"(base {cfg.base}, merge {cfg.merge}) for {cfg.conn.url}; Ctrl-C to stop", flush=True)
        failed = await _until_stopped(slots, stop)
    finally:
        await _sign_off(hub, slots)
        await hub.close()
    return 1 if failed == len(slots) and not stop.is_set() else 0


async def _until_stopped(slots: list[Slot], stop: asyncio.Event) -> int:
    workers = [asyncio.create_task(slot.run()) for slot in slots]
    stopper = asyncio.create_task(stop.wait())
    everyone: asyncio.Future[list[object]] = asyncio.gather(*workers, return_exceptions=True)
    waiting: list[asyncio.Future[object]] = [stopper, everyone]  # type: ignore[list-item]
    await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
    for task in [stopper, *workers]:
        task.cancel()  # a running CLI's process group is killed as its slot unwinds
    results = await everyone
    failed = 0
    for slot, result in zip(slots, results, strict=True):
        if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
            failed += 1
            slot.say(f"stopped: {getattr(result, 'message', None) or f'{type(result).__name__}: {result}'}")
    return failed


async def _sign_off(hub: HubClient, slots: list[Slot]) -> None:
    """Tell the hub at once: each agent OFFLINE, what it held back in the queue (worktrees are kept)."""
    for slot in slots:
        with contextlib.suppress(CliError):
            requeued = await hub.sign_off(slot.agent_id)
            slot.say("signed off" + (f"; requeued {', '.join(requeued)}" if requeued else ""))
    print("waaah agent run: stopped", flush=True)

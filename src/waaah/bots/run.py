"""Running one bridge: the hub client, the state file, the follower and the platform's small web
server for its signed requests, until `stop` is set."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from waaah.bots.bridge import Bridge, Platform
from waaah.bots.commands import Commands
from waaah.bots.follow import Follower
from waaah.bots.hub import Hub
from waaah.bots.settings import BotSettings
from waaah.bots.state import State

log = logging.getLogger("waaah.bots")


@dataclass
class Running:
    """A started bridge, as tests and the command see it."""

    bridge: Bridge
    commands: Commands
    follower: Follower
    url: str
    """Where its web server listens, e.g. http://127.0.0.1:3100."""


AppFactory = Callable[[Bridge, Commands], web.Application]


async def serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Serve `app` on host:port (port 0: a free one); answer the runner and the URL it listens on."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0]
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    return runner, f"http://{shown}:{bound[1]}"


async def run_bridge(settings: BotSettings, platform: Platform, make_app: AppFactory, stop: asyncio.Event,
                     started: Callable[[Running], None] | None = None) -> None:
    state = State(settings.state_path)
    bridge = Bridge(Hub(settings.hub), platform, state, settings.dashboard_url)
    commands = Commands(bridge)
    follower = Follower(settings.hub, lambda: state.last_seq, bridge.on_event, state.handled)
    try:
        await platform.start()
        runner, url = await serve(make_app(bridge, commands), settings.listen_host, settings.listen_port)
    except BaseException:
        await platform.close()
        raise
    log.info("waaah bot %s: listening on %s, following %s", settings.platform, url, settings.hub.url)
    try:
        if started is not None:
            started(Running(bridge, commands, follower, url))
        await follower.run(stop)
    finally:
        await runner.cleanup()
        await platform.close()

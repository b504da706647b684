"""`waaah bot slack|discord`: the chat bridge (docs/notifications.md), run until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import os
import signal
from typing import Any

from waaah.commands.client import Connection, ServerError, UsageError

PLATFORMS = ("slack", "discord")


def run(args: argparse.Namespace, conn: Connection) -> int:
    from waaah.bots.settings import load_bot_settings

    settings = load_bot_settings(args.platform, os.environ, conn, args.listen)
    try:
        make_app = importlib.import_module(f"waaah.bots.{args.platform}_bot").make_app
    except ImportError as exc:
        raise UsageError(f"the {args.platform} bridge needs its SDK ({exc.name}): "
                         "pip install 'waaah[bots]'") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    from waaah.bots.bridge import PlatformError

    try:
        asyncio.run(_serve(settings, make_app))
    except PlatformError as exc:
        raise ServerError(f"{args.platform}: {exc}") from None
    return 0


async def _serve(settings: Any, make_app: Any) -> None:
    from waaah.bots.run import run_bridge

    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    platform, app = make_app(settings)
    await run_bridge(settings, platform, app, stop,
                     lambda running: print(f"waaah bot {settings.platform}: listening on {running.url}", flush=True))


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], wrap: Any) -> None:
    p = commands.add_parser(
        "bot", help="the Slack / Discord bridge: post what needs a person, take answers and approvals",
        description="Post what needs a person (a question, a review, a failure) into a Slack or Discord "
                    "channel, edit the post as the task moves, and take answers, approvals, rejections "
                    "and commands back over the hub's REST API. Settings come from the environment "
                    "(docs/configuration.md); the platform's signed requests are served on --listen.")
    p.add_argument("platform", choices=PLATFORMS, help="the chat platform")
    p.add_argument("--listen", metavar="HOST:PORT",
                   help="where to serve the platform's requests (default: WAAAH_BOT_LISTEN, 127.0.0.1:3100)")
    p.set_defaults(run=wrap(run))

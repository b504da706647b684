"""Operator commands that talk to a running server over REST, Socket.IO and MCP (docs/cli.md).

`register(subparsers)` adds them to the `waaah` parser. Each command gets the parsed arguments and the
connection read once from the environment; a `CliError` becomes one line on stderr and its exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from waaah.commands.client import CliError, Connection, connection_from_env

Command = Callable[[argparse.Namespace, Connection], int]
INTERRUPTED = 130


def wrap(command: Command) -> Callable[[argparse.Namespace], int]:
    """The edge of every command: read the environment once, map errors to a message and an exit code."""

    def run(args: argparse.Namespace) -> int:
        try:
            return command(args, connection_from_env(os.environ))
        except CliError as exc:
            print(f"waaah {args.command}: {exc.message}", file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt:
            return INTERRUPTED

    return run


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from waaah.commands import agent, bot, connect, demo, hooks, queue, tasks, watch

    tasks.add_parsers(commands, wrap)
    watch.add_parser(commands, wrap)
    demo.add_parser(commands, wrap)
    agent.add_parser(commands, wrap)
    connect.add_parser(commands, wrap)
    hooks.add_parser(commands, wrap)
    queue.add_parser(commands, wrap)
    bot.add_parser(commands, wrap)

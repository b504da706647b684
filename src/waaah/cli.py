"""The `waaah` command line."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import sys
from collections.abc import Iterator

from waaah import commands as operator_commands
from waaah import heap
from waaah.config import Settings, load_settings
from waaah.errors import WaaahError

SOCKETIO_CLIENT_LIBRARIES = ("aiohttp", "requests", "websocket")
"""What python-socketio imports (if installed) for its clients, which the server never runs: a
fifth of the server's imports."""


def serve(_: argparse.Namespace) -> int:
    from waaah.store import start_migrating

    settings = load_settings()
    start_migrating(settings.database_url)  # a fresh database migrates while the server's modules load
    import uvicorn

    with importing_without(SOCKETIO_CLIENT_LIBRARIES):
        from waaah.web.app import create_app, server_options

    for line in startup_lines(settings, sys.stdout.isatty()):
        print(line, flush=True)
    if not is_loopback(settings.host):
        print(f"waaah: warning: listening on {settings.host}, reachable from other machines; anyone who can "
              "reach it needs only the key (put TLS in front: see docs/deployment.md)", file=sys.stderr, flush=True)
    heap.FREEZE_AFTER_START = True
    try:
        uvicorn.run(create_app(settings), **server_options(settings))
    finally:
        heap.FREEZE_AFTER_START = False
    return 0


@contextlib.contextmanager
def importing_without(modules: tuple[str, ...]) -> Iterator[None]:
    """Imports inside see `modules` as not installed (optional imports fall back); later ones find them.
    For this process only: a library that saw one missing keeps working without it."""
    hidden = [name for name in modules if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        yield
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


def startup_lines(settings: Settings, terminal: bool) -> list[str]:
    """What `serve` prints: the key itself only to a terminal, never into a log file or a pipe."""
    where = f"{settings.api_key_file}, mode 0600" if settings.api_key_file else "the WAAAH_API_KEY you set"
    lines = []
    if settings.api_key_created:
        shown = f": {settings.api_key}" if terminal else ""
        lines.append(f"waaah: created an API key in {where}{shown}")
    base = f"http://{settings.host}:{settings.port}/admin/"
    lines.append(f"waaah: dashboard at {base}?key={settings.api_key}" if terminal
                 else f"waaah: dashboard at {base} (the key is in {where})")
    lines.append(f"waaah: store {settings.database_url}")
    return lines


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host.lower() == "localhost"


def mcp_bridge(args: argparse.Namespace) -> int:
    import os

    from waaah.mcp.bridge import main as run_bridge

    return run_bridge(os.environ, args.url)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="waaah", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("serve", help="run the hub server").set_defaults(run=serve)
    bridge = commands.add_parser("mcp", help="stdio MCP bridge to a running hub (for stdio-only clients)")
    bridge.add_argument("--url", help="hub URL (default: WAAAH_SERVER_URL or http://localhost:3000)")
    bridge.set_defaults(run=mcp_bridge)
    operator_commands.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except WaaahError as exc:
        print(f"waaah: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

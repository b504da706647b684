"""The `waaah` command line."""

from __future__ import annotations

import argparse
import sys

from waaah import commands as operator_commands
from waaah.config import load_settings
from waaah.errors import WaaahError


def serve(_: argparse.Namespace) -> int:
    import uvicorn

    from waaah.web.app import create_app, server_options

    settings = load_settings()
    if settings.api_key_created:
        print(f"waaah: created an API key in ~/.waaah/credentials.json: {settings.api_key}", flush=True)
    base = f"http://{settings.host}:{settings.port}"
    print(f"waaah: dashboard at {base}/admin/?key={settings.api_key}", flush=True)
    print(f"waaah: store {settings.database_url}", flush=True)
    uvicorn.run(create_app(settings), **server_options(settings))
    return 0


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

"""The ASGI application: REST API, guard, errors, and the wiring of store, bus and service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from waaah import __version__
from waaah.config import Settings
from waaah.mcp import http as mcp_http
from waaah.runtime import build_runtime
from waaah.web import agents_api, checks_api, metrics, openapi, reference_api, sockets, tasks_api, transcripts_api
from waaah.web.errors import install_error_handlers
from waaah.web.guard import Guard
from waaah.web.hooks_api import router as hooks_router
from waaah.web.hosts import mcp_security
from waaah.web.hot import HotWrites
from waaah.web.http_protocol import OneWriteHttp
from waaah.web.pages import mount_pages
from waaah.web.schemas import checked_input
from waaah.web.throttle import KeyThrottle


def create_app(settings: Settings) -> ASGIApp:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await build_runtime(settings)
        app.state.runtime = runtime
        app.state.hub = runtime.hub
        app.state.queries = runtime.queries
        try:
            async with app.state.mcp.serving(runtime), app.state.sockets.serving(runtime):
                yield
        finally:
            await runtime.stop()

    # No /docs or /redoc: FastAPI's pages load their scripts from a CDN. /openapi.json stays.
    api = FastAPI(title="waaah", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None,
                  dependencies=[Depends(checked_input)],
                  description="Hub for a squad of autonomous AI coding agents. Every route needs the API key "
                              "in `X-API-Key` (or `?apiKey=`).")
    install_error_handlers(api)
    openapi.install(api)

    @api.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    api.include_router(tasks_api.router)
    api.include_router(agents_api.router)
    api.include_router(transcripts_api.router)
    api.include_router(hooks_router)
    api.include_router(checks_api.router)
    api.include_router(reference_api.router)
    api.include_router(metrics.router)
    mcp_http.install(api, partial(mcp_security, settings))  # /mcp (streamable HTTP) and /mcp/tools/{name}
    throttle = KeyThrottle()  # wrong keys per address, shared by the REST guard and the socket handshake
    api.state.sockets = sockets.Channel(settings, throttle)  # /socket.io/, routed around the API by WithSockets
    mount_pages(api)  # keep after every router: the dashboard's page fallback must never hide an API route
    if settings.cors_origins:
        api.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["*"], allow_headers=["*"])
    return Guard(sockets.WithSockets(HotWrites(api, settings), api.state.sockets.app), settings, throttle)


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn serves the app, wherever it is served (`waaah serve`, tests, benchmarks)."""
    # Long polls last up to 300 s: on SIGTERM/SIGINT give in-flight requests a few seconds, not minutes.
    # Engine.IO pings every socket itself (and drops the silent ones), so uvicorn's own websocket
    # keepalive would only add a timer per socket and a second ping. Access lines are logged at INFO,
    # below the level, but uvicorn would still format each request's client and path for them.
    # Each response's head and body leave in one write (`waaah.web.http_protocol`).
    return {"host": settings.host, "port": settings.port, "log_level": "warning", "access_log": False,
            "http": OneWriteHttp,
            "lifespan": "on", "timeout_graceful_shutdown": 3, "ws_per_message_deflate": settings.ws_deflate,
            "ws_ping_interval": None}

"""The ASGI application: REST API, guard, errors, and the wiring of store, bus and service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

from waaah import __version__
from waaah.config import Settings
from waaah.runtime import build_runtime
from waaah.web import agents_api, tasks_api
from waaah.web.errors import install_error_handlers
from waaah.web.guard import Guard


def create_app(settings: Settings) -> ASGIApp:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime = await build_runtime(settings)
        app.state.runtime = runtime
        app.state.hub = runtime.hub
        app.state.queries = runtime.queries
        try:
            yield
        finally:
            await runtime.stop()

    api = FastAPI(title="waaah", version=__version__, lifespan=lifespan,
                  description="Hub for a squad of autonomous AI coding agents. Every route needs the API key "
                              "in `X-API-Key` (or `?apiKey=`).")
    install_error_handlers(api)

    @api.get("/health", include_in_schema=False)
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    api.include_router(tasks_api.router)
    api.include_router(agents_api.router)
    if settings.cors_origins:
        api.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["*"], allow_headers=["*"])
    return Guard(api, settings.api_key, settings.max_body_bytes)

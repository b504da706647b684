"""The dashboard's pages under /admin/: built files from the package's static folder, index.html for the rest.

Mounted after the API routers, so an API route always wins; an unknown API path stays a JSON 404.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from waaah.errors import NotFound
from waaah.web.guard import is_api_path

STATIC_DIR = Path(__file__).parent / "static"
INDEX = "index.html"
NO_CACHE = {"Cache-Control": "no-cache"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


def static_file(root: Path, relative: str) -> Path | None:
    """The file a request path names inside `root`, or None (never a path outside it)."""
    parts = PurePosixPath(relative).parts
    if any(p in ("..", "") or p.startswith(".") for p in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    return candidate if candidate.is_file() else None


def looks_like_file(relative: str) -> bool:
    """A path with an extension names an asset; page routes (tasks ids included) have none."""
    return "." in PurePosixPath(relative).name


def mount_pages(app: FastAPI, root: Path = STATIC_DIR) -> None:
    """Serve the dashboard at /admin/ with a page fallback that never answers for an API path."""

    @app.get("/admin", include_in_schema=False)
    async def admin_redirect(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse("/admin/" + (f"?{query}" if query else ""), status_code=307)

    @app.api_route("/admin/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def admin_page(path: str, request: Request) -> Response:
        if is_api_path(request.url.path):
            raise NotFound(f"No route {request.method} {request.url.path}")
        found = static_file(root, path)
        if found is not None and found.name != INDEX:
            return FileResponse(found, headers=IMMUTABLE if path.startswith("assets/") else NO_CACHE)
        if looks_like_file(path) and found is None:
            raise NotFound(f"No file {request.url.path}")
        index = root / INDEX
        if not index.is_file():
            raise NotFound("The dashboard is not built: run `make run` (it builds dashboard/ with npm)")
        return FileResponse(index, headers=NO_CACHE)

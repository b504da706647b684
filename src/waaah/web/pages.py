"""The dashboard's pages under /admin/: built files from the package's static folder, index.html for the rest.

Mounted after the API routers, so an API route always wins; an unknown API path stays a JSON 404.
A file is served only if its real path (symlinks resolved) is inside the static folder; a path spelled
to climb out (absolute, `..`, doubled or back slashes, NUL, or those spelled with `%`) is a 404.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from waaah.errors import NotFound
from waaah.web.paths import is_api_path

STATIC_DIR = Path(__file__).parent / "static"
INDEX = "index.html"
NO_CACHE = {"Cache-Control": "no-cache"}
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
ENCODED = (b"%2f", b"%5c", b"%00", b"%2e")  # a slash, backslash, NUL or dot in disguise


def unsafe(relative: str, raw_path: bytes = b"") -> bool:
    """Whether a path under /admin/ is spelled to reach outside it, or in a way no dashboard link is."""
    raw = raw_path.lower()
    if any(code in raw for code in ENCODED) or relative.startswith("/") or "//" in relative:
        return True
    if "\\" in relative or any(ord(c) < 0x20 or ord(c) == 0x7F for c in relative):
        return True
    return any(p in (".", "..") or p.startswith(".") for p in relative.split("/"))


def check_page_path(path: str, raw_path: bytes) -> None:
    """Refuse (404) a dashboard path spelled to climb out of it, before any route or parameter check."""
    if path.startswith("/admin/") and unsafe(path[len("/admin/"):], raw_path):
        raise NotFound("No such file under /admin/")


def static_file(root: Path, relative: str) -> Path | None:
    """The file a request path names inside `root`, or None (never a path outside it, even by a symlink)."""
    if not relative or unsafe(relative):
        return None
    base = root.resolve()
    try:
        candidate = (base / relative).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    return candidate if candidate.is_relative_to(base) and candidate.is_file() else None


def looks_like_file(relative: str) -> bool:
    """A path with an extension names an asset; page routes (tasks ids included) have none."""
    return "." in relative.rsplit("/", 1)[-1]


def mount_pages(app: FastAPI, root: Path | None = None) -> None:
    """Serve the dashboard at /admin/ (from `root`, default the package's static folder) with a page
    fallback that never answers for an API path."""
    folder = root or STATIC_DIR

    @app.get("/admin", include_in_schema=False)
    async def admin_redirect(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse("/admin/" + (f"?{query}" if query else ""), status_code=307)

    @app.api_route("/admin/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    async def admin_page(path: str, request: Request) -> Response:
        if is_api_path(request.url.path):
            raise NotFound(f"No route {request.method} {request.url.path}")
        found = static_file(folder, path)
        if found is not None and found.name != INDEX:
            return FileResponse(found, headers=IMMUTABLE if path.startswith("assets/") else NO_CACHE)
        if looks_like_file(path) and found is None:
            raise NotFound(f"No file {request.url.path}")
        index = folder / INDEX
        if not index.is_file():
            raise NotFound("The dashboard is not built: run `make run` (it builds dashboard/ with npm)")
        return FileResponse(index, headers=NO_CACHE)

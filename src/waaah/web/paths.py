"""Which paths are the API, which are public, which are the dashboard's pages and files."""

from __future__ import annotations

PUBLIC_PATHS = ("/health", "/openapi.json", "/socket.io", "/.well-known")
"""`/.well-known` has no routes: it is public so OAuth discovery gets a plain 404, not a 401 that an MCP
client could take for an OAuth challenge (and then drop the key header it was configured with)."""
API_PREFIXES = ("/admin/tasks", "/admin/agents", "/admin/stats", "/admin/logs", "/admin/enqueue",
                "/admin/evict", "/admin/delegations", "/admin/bot", "/admin/review", "/admin/queue",
                "/admin/capabilities", "/admin/workspaces", "/admin/events", "/admin/hooks", "/admin/merge-queue")
"""Every API route under /admin/ starts with one of these (a test walks the routes): the rest of /admin/
is the dashboard's public pages and files."""
SOCKETS = "/socket.io"


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def is_api_path(path: str) -> bool:
    return any(under(path, p) for p in API_PREFIXES)


def is_page(path: str) -> bool:
    """The dashboard: `/admin`, its pages and its built files (not the API routes under /admin/)."""
    return under(path, "/admin") and not is_api_path(path)


def is_public(method: str, path: str) -> bool:
    if any(under(path, p) for p in PUBLIC_PATHS):
        return True
    return method in ("GET", "HEAD") and is_page(path)

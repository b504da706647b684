"""How the CLI reaches a running server: where it is, the key, and a small REST client with one error type.

Exit codes: 0 ok, 1 the server is unreachable or refused the request, 2 bad input or usage
(a 400 from the server is bad input too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from waaah.config import credentials_path, read_saved_api_key

if TYPE_CHECKING:  # httpx is imported when a command talks to a server, not for `--help`
    import httpx

DEFAULT_SERVER_URL = "http://localhost:3000"
DEFAULT_HOME = "~/.waaah"
TIMEOUT = 15.0
EXIT_OK, EXIT_SERVER, EXIT_USAGE = 0, 1, 2
JSON = dict[str, Any]
FULL_TASK_ID = re.compile(r"^task-\d+-[0-9a-z]+$")
MATCHES_SHOWN = 10


class CliError(Exception):
    """An error the CLI reports in one line on stderr, with its exit code."""

    exit_code = EXIT_SERVER

    def __init__(self, message: str, status: int | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class UsageError(CliError):
    """Bad input: a wrong argument, a bad plan file, missing configuration."""

    exit_code = EXIT_USAGE


class ServerError(CliError):
    """The server is down, refused the key, or answered with an error."""

    exit_code = EXIT_SERVER


@dataclass(frozen=True)
class Connection:
    """Where the server is and the key to show it; built once from the environment."""

    url: str
    api_key: str | None
    key_source: str

    def need_key(self) -> str:
        if not self.api_key:
            raise UsageError("no API key: set WAAAH_API_KEY, or run `waaah serve` once on this machine so it "
                             f"writes {self.key_source}")
        return self.api_key


def connection_from_env(env: Mapping[str, str]) -> Connection:
    """WAAAH_SERVER_URL (default http://localhost:3000); WAAAH_API_KEY, else the credentials file."""
    url = (env.get("WAAAH_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"WAAAH_SERVER_URL must start with http:// or https://, got {url!r}")
    if env.get("WAAAH_API_KEY"):
        return Connection(url, env["WAAAH_API_KEY"], "WAAAH_API_KEY")
    home = Path(env.get("WAAAH_HOME") or DEFAULT_HOME).expanduser()
    return Connection(url, read_saved_api_key(home), str(credentials_path(home)))


def error_from_response(response: httpx.Response, conn: Connection) -> CliError:
    """One clear message for an HTTP error answer."""
    if response.status_code == 401:
        return ServerError(f"the server at {conn.url} refused the API key from {conn.key_source}; "
                           "set WAAAH_API_KEY to the key `waaah serve` printed", 401, "UNAUTHORIZED")
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        code = body.get("code") if isinstance(body.get("code"), str) else None
        kind = UsageError if response.status_code == 400 else ServerError
        return kind(body["error"], response.status_code, code)
    return ServerError(f"{response.request.method} {response.request.url.path} answered HTTP "
                       f"{response.status_code}; is {conn.url} a waaah server?", response.status_code)


def transport_error(exc: httpx.HTTPError, url: str) -> ServerError:
    import httpx

    if isinstance(exc, httpx.ConnectError):
        return ServerError(f"cannot reach the waaah server at {url}: is `waaah serve` running? "
                           "(set WAAAH_SERVER_URL to use another server)")
    if isinstance(exc, httpx.TimeoutException):
        return ServerError(f"the server at {url} did not answer in time")
    return ServerError(f"talking to {url} failed: {exc}")


class ApiClient:
    """The REST API of a running server. Every failure becomes a CliError."""

    def __init__(self, conn: Connection, timeout: float = TIMEOUT) -> None:
        import httpx

        self.conn = conn
        self._http = httpx.Client(base_url=conn.url, timeout=timeout,
                                  headers={"X-API-Key": conn.need_key(), "Accept": "application/json"})

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def call(self, method: str, path: str, body: JSON | None = None,
             params: Mapping[str, str | int] | None = None) -> httpx.Response:
        import httpx

        try:
            response = self._http.request(method, path, json=body, params=params)
        except httpx.HTTPError as exc:
            raise transport_error(exc, self.conn.url) from None
        if response.status_code >= 400:
            raise error_from_response(response, self.conn)
        if "json" not in response.headers.get("content-type", ""):
            raise ServerError(f"{method} {path} answered {response.headers.get('content-type') or 'no content type'},"
                              f" not JSON; is {self.conn.url} a waaah server?")
        return response

    def get(self, path: str, **params: str | int) -> Any:
        return self.call("GET", path, params=params).json()

    def post(self, path: str, body: JSON | None = None) -> Any:
        return self.call("POST", path, body).json()

    def enqueue(self, body: JSON) -> JSON:
        result: JSON = self.post("/admin/enqueue", body)
        return result

    def task(self, task_id: str) -> JSON:
        result: JSON = self.get(f"/admin/tasks/{task_id}")
        return result

    def task_id(self, given: str) -> str:
        """The full id of the task `given` names: a full id, or a unique part of one as the dashboard
        shows it (`x48iqi`, `#x48iqi`: the end of the id, or its start)."""
        wanted = given.strip().lstrip("#")
        if FULL_TASK_ID.match(wanted) or not wanted:
            return wanted or given
        found, _ = self.tasks(q=wanted, limit=0)
        ids = [t["id"] for t in found if _names(t["id"], wanted)]
        if len(ids) == 1:
            return str(ids[0])
        if not ids:
            raise ServerError(f"no task id starts or ends with {wanted!r}", 404, "NOT_FOUND")
        shown = "\n".join(f"  {i}" for i in ids[:MATCHES_SHOWN])
        more = f"\n  … and {len(ids) - MATCHES_SHOWN} more" if len(ids) > MATCHES_SHOWN else ""
        raise UsageError(f"{wanted!r} names {len(ids)} tasks; give more of the id:\n{shown}{more}")

    def tasks(self, **params: str | int) -> tuple[list[JSON], int]:
        response = self.call("GET", "/admin/tasks", params=params)
        tasks: list[JSON] = response.json()
        return tasks, int(response.headers.get("x-total-count", len(tasks)))

    def capabilities(self) -> list[str]:
        """The capabilities an agent can register with (`GET /admin/capabilities`)."""
        result: list[str] = self.get("/admin/capabilities")["capabilities"]
        return result

    def agents(self) -> list[JSON]:
        result: list[JSON] = self.get("/admin/agents/status")
        return result

    def check(self) -> None:
        """Fail with a clear message unless the server is up and takes our key."""
        self.get("/admin/stats")


def _names(task_id: str, part: str) -> bool:
    """Whether `part` names `task_id`: its start, its end, or the start of its random suffix."""
    suffix = task_id.rsplit("-", 1)[-1]
    return task_id.startswith(part) or task_id.endswith(part) or suffix.startswith(part)

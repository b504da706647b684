"""Real servers for tests: uvicorn on a random 127.0.0.1 port, in this process or as a subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from waaah.config import Settings

READY_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    app: Any

    @property
    def runtime(self) -> Any:
        """The running server's store, bus and service (in-process servers only)."""
        return self.app.app.state.runtime


@contextlib.asynccontextmanager
async def serve_in_process(settings: Settings) -> AsyncIterator[LiveServer]:
    """The full app under uvicorn on a free port, on the test's event loop."""
    from waaah.web.app import create_app, server_options

    port = free_port()
    app = create_app(settings)
    config = uvicorn.Config(app, **{**server_options(settings), "host": "127.0.0.1", "port": port})
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(READY_TIMEOUT):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        await task


@dataclass
class ServerProcess:
    """`waaah serve` as a child process, so a test can kill -9 it and start it again."""

    env: dict[str, str]
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> None:
        waaah = Path(sys.executable).with_name("waaah")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen([str(waaah), "serve"], env=self.env, stdout=out, stderr=out)

    def start(self) -> None:
        self.launch()
        assert self.process is not None
        wait_until_healthy(self.url, self.process)

    def kill(self) -> None:
        """kill -9: no shutdown handlers run."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    """Poll /health until it answers (bounded); fail fast if the process died."""
    import time

    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not become healthy")


@contextlib.contextmanager
def server_process(tmp_path: Path, database_url: str, api_key: str, **env: str) -> Iterator[ServerProcess]:
    port = free_port()
    full_env = {**os.environ, "WAAAH_API_KEY": api_key, "WAAAH_PORT": str(port),
                "WAAAH_DATABASE_URL": database_url, "WAAAH_HOME": str(tmp_path / "home"), **env}
    proc = ServerProcess(full_env, port, tmp_path / f"server-{port}.log")
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@contextlib.contextmanager
def cluster(tmp_path: Path, database_url: str, api_key: str, size: int, **env: str) -> Iterator[list[ServerProcess]]:
    """`size` servers on one database, started together (each on its own port)."""
    servers = []
    for _ in range(size):
        port = free_port()
        full_env = {**os.environ, "WAAAH_API_KEY": api_key, "WAAAH_PORT": str(port),
                    "WAAAH_DATABASE_URL": database_url, "WAAAH_HOME": str(tmp_path / "home"), **env}
        servers.append(ServerProcess(full_env, port, tmp_path / f"server-{port}.log"))
    try:
        for server in servers:
            server.launch()
        for server in servers:
            assert server.process is not None
            wait_until_healthy(server.url, server.process)
        yield servers
    finally:
        for server in servers:
            server.stop()

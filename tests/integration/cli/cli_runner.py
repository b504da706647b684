"""Run the `waaah` CLI as a subprocess against a server, and read a long-running one's output line by line."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import API_KEY

WAAAH = str(Path(sys.executable).with_name("waaah"))
RUN_TIMEOUT = 60.0


def cli_env(url: str, key: str = API_KEY, home: Path | None = None) -> dict[str, str]:
    env = {**os.environ, "WAAAH_SERVER_URL": url, "WAAAH_API_KEY": key, "COLUMNS": "120",
           "PYTHONUNBUFFERED": "1"}
    if home is not None:
        env["WAAAH_HOME"] = str(home)
    return env


def waaah(url: str, *args: str, key: str = API_KEY, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`waaah ARGS...` to completion (bounded)."""
    return subprocess.run([WAAAH, *args], env=cli_env(url, key), input=stdin, capture_output=True, text=True,
                          timeout=RUN_TIMEOUT)


class Lines:
    """The stdout of a running command, one line at a time, each wait bounded."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def next(self, timeout: float) -> str:
        """The next line; fails when none comes within `timeout` seconds or the command ended."""
        try:
            line = self._queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no line within {timeout}s; so far: {self.seen}") from None
        if line is None:
            raise AssertionError(f"the command ended ({self.process.poll()}); output: {self.seen}")
        self.seen.append(line)
        return line

    def until(self, wanted: Callable[[str], bool], timeout: float) -> str:
        """Read lines until one is `wanted` (each line within `timeout`)."""
        while True:
            line = self.next(timeout)
            if wanted(line):
                return line


@contextmanager
def running(url: str, *args: str, key: str = API_KEY) -> Iterator[Lines]:
    """`waaah ARGS...` in the background; stopped (SIGTERM, then SIGKILL) by its pid at the end."""
    process = subprocess.Popen([WAAAH, *args], env=cli_env(url, key), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        yield Lines(process)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


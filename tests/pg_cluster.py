"""Where the PostgreSQL half of the suite runs: the URL it is given, the documented default, or a
throwaway cluster started from the installed PostgreSQL binaries (docs/deployment.md).

`find_server()` is called once per test session, and only when a PostgreSQL test runs.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
"""The address docs/deployment.md names for the tests."""
DOCS = "see docs/deployment.md"
UNPRIVILEGED = ("postgres", "nobody")
"""Users the throwaway cluster runs as when the tests run as root (PostgreSQL refuses root)."""
START_TIMEOUT = 60


class Unavailable(Exception):
    """No PostgreSQL server can be used; the message says why, in the words of a skip reason."""


def answers(url: str) -> str | None:
    """None when a server accepts a connection at `url`, else why not (one line)."""
    try:
        with psycopg.connect(url, connect_timeout=3):
            return None
    except psycopg.OperationalError as error:
        first = str(error).strip().splitlines()[:1]
        return first[0].rsplit(": ", 1)[-1].strip() if first else type(error).__name__


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise Unavailable("no PostgreSQL binaries in /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


def _run_as() -> tuple[list[str], pwd.struct_passwd | None]:
    """The command prefix that drops root, and the user it drops to (None: not root, run as is)."""
    if os.geteuid() != 0:
        return [], None
    runuser = shutil.which("runuser")
    if runuser is None:
        raise Unavailable("running as root and runuser is missing to start PostgreSQL as another user")
    for name in UNPRIVILEGED:
        with contextlib.suppress(KeyError):
            user = pwd.getpwnam(name)
            return [runuser, "-u", name, "--"], user
    raise Unavailable(f"running as root and none of the users {', '.join(UNPRIVILEGED)} exists")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Cluster:
    """A PostgreSQL cluster in a temp folder, serving 127.0.0.1 with trust authentication."""

    folder: Path
    url: str
    stop_command: list[str]

    def stop(self) -> None:
        subprocess.run(self.stop_command, capture_output=True, timeout=START_TIMEOUT, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def _run(command: list[str], what: str, cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=START_TIMEOUT, check=False)
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()
        raise Unavailable(f"{what} failed: {last[-1] if last else done.returncode}")


def start_cluster() -> Cluster:
    """initdb and start a cluster on a free port; raises Unavailable with the reason when it cannot."""
    bin_dir = _binaries()
    prefix, user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="waaah-pg-"))
    if user is not None:
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, port = folder / "data", _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    pg_ctl = [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data)]
    try:
        _run([*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"], "initdb", folder)
        _run([*pg_ctl, "-o", options, "-l", str(folder / "log"), "-w", "-t", str(START_TIMEOUT), "start"],
             "pg_ctl start", folder)
    except (Unavailable, subprocess.TimeoutExpired):
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True, timeout=START_TIMEOUT, check=False)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Cluster(folder, f"postgresql://postgres@127.0.0.1:{port}/postgres",
                   [*pg_ctl, "-m", "immediate", "-w", "stop"])


@contextlib.contextmanager
def find_server(given: str | None) -> Iterator[str]:
    """The base URL of a PostgreSQL server for the tests, stopping any cluster started for them.

    `given` (the variable the tests read) is used as is when set; else the documented default when a
    server answers there; else a throwaway cluster. Raises Unavailable with a skip reason otherwise.
    """
    if given:
        why = answers(given)
        if why is not None:
            raise Unavailable(f"no server at {given} ({why}), {DOCS}")
        yield given
        return
    why = answers(DEFAULT_URL)
    if why is None:
        yield DEFAULT_URL
        return
    try:
        cluster = start_cluster()
    except (Unavailable, OSError, subprocess.TimeoutExpired) as error:
        raise Unavailable(f"no server at {DEFAULT_URL} ({why}) and no throwaway cluster ({error}), {DOCS}") from None
    try:
        yield cluster.url
    finally:
        cluster.stop()

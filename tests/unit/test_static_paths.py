"""The dashboard's files come only from inside the static folder, however a path is spelled.

Each path is sent byte for byte on a real socket (clients would normalise it) to a real server.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.live import LiveServer, serve_in_process
from tests.raw_http import raw_request
from waaah.web import pages

SECRET = "top-secret-next-to-the-static-folder"
CLIMBS = [
    "/admin//etc/passwd", "/admin///etc/passwd", "/admin/%2Fetc%2Fpasswd", "/admin/%2fetc%2fpasswd",
    "/admin//proc/self/cwd/data/waaah.db-wal", "/admin//proc/self/fd/1", "/admin//proc/self/environ",
    "/admin/../../etc/passwd", "/admin/..%2F..%2Fetc%2Fpasswd", "/admin/%2e%2e/%2e%2e/etc/passwd",
    "/admin/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd", "/admin/assets/../../../../etc/passwd",
    "/admin/assets/..%2f..%2f..%2fetc%2fpasswd", "/admin/assets/%2e%2e%2f%2e%2e%2fconfig.py",
    "/admin/../config.py", "/admin/..%2fconfig.py", "/admin/%2e%2e/config.py", "/admin/..\\config.py",
    "/admin/..%5cconfig.py", "/admin/%5c..%5cconfig.py", "/admin/\\etc\\passwd", "/admin/%5cetc%5cpasswd",
    "/admin/index.html%00.js", "/admin/%00/etc/passwd", "/admin/assets%00/../../config.py",
    "/admin/.//etc/passwd", "/admin/./../config.py", "/admin/assets//etc/passwd", "/admin/assets/%2fetc%2fpasswd",
    "/admin/%252e%252e/config.py", "/admin/.env", "/admin/.git/config", "/admin/assets/..", "/admin/..",
    "/admin/%2e%2e", "/admin/%2e", "/admin/..;/config.py", "/admin/assets/main.js/..%2f..%2f..%2fconfig.py",
    "/admin/%2e%2e/secret.txt", "/admin/../secret.txt", "/admin//tmp", "/admin/assets/out/secret.txt",
    "/admin/assets/leak.txt", "/admin/assets/%2e%2e/%2e%2e/secret.txt",
]


@pytest.fixture
async def server(database_url: str) -> AsyncIterator[LiveServer]:
    async with serve_in_process(make_settings(database_url)) as live:
        yield live


async def refusals(url: str, paths: list[str]) -> list[str]:
    """The paths that did not get the JSON 404, with what they got instead."""
    wrong = []
    for path in paths:
        response = await raw_request(url, path)
        if response.status != 404 or response.json().get("code") != "NOT_FOUND":
            wrong.append(f"{path} -> {response.status} {response.body[:80]!r}")
    return wrong


async def test_every_climbing_spelling_is_a_json_404(server: LiveServer) -> None:
    assert len(CLIMBS) >= 30
    assert await refusals(server.url, CLIMBS) == []


async def test_the_dashboard_itself_is_still_served(server: LiveServer) -> None:
    page = await raw_request(server.url, "/admin/")
    assert page.status == 200 and b'<div id="app">' in page.body
    deep = await raw_request(server.url, "/admin/task/task-1-abcdef")
    assert deep.status == 200 and b'<div id="app">' in deep.body


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A static root holding symlinks that point out of it, with a secret file right next to it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (tmp_path / "secret.txt").write_text(SECRET)
    root = tmp_path / "static"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><div id="app"></div>')
    (root / "assets" / "app.js").write_text("console.log('hi')")
    (root / "assets" / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "assets" / "out").symlink_to(outside, target_is_directory=True)
    monkeypatch.setattr(pages, "STATIC_DIR", root)
    return root


async def test_no_file_outside_the_static_folder_is_ever_returned(planted: Path, tmp_path: Path) -> None:
    async with serve_in_process(make_settings(f"sqlite:///{tmp_path}/w.db")) as live:
        assert (await raw_request(live.url, "/admin/assets/app.js")).body == b"console.log('hi')"
        leaked = []
        for path in CLIMBS:
            response = await raw_request(live.url, path)
            if SECRET.encode() in response.body or b"root:" in response.body or b"def load_settings" in response.body:
                leaked.append(path)
        assert leaked == []
        assert await refusals(live.url, ["/admin/assets/leak.txt", "/admin/assets/out/secret.txt"]) == []


def test_static_file_resolves_inside_the_root_only(planted: Path) -> None:
    assert pages.static_file(planted, "assets/app.js") == (planted / "assets" / "app.js").resolve()
    for relative in ("assets/leak.txt", "assets/out/secret.txt", "/etc/passwd", "../secret.txt", "", "assets"):
        assert pages.static_file(planted, relative) is None, relative

"""The dashboard's pages at /admin/: built files, a page fallback, and API routes that always win."""

from __future__ import annotations

import re

import pytest
from httpx import AsyncClient

from waaah.web.pages import STATIC_DIR

NO_KEY = {"X-API-Key": ""}


@pytest.fixture(autouse=True)
def built_dashboard() -> None:
    if not (STATIC_DIR / "index.html").is_file():
        pytest.fail("the dashboard is not built: run `make dashboard` (cd dashboard && npm ci && npm run build)")


def is_index(response_text: str) -> bool:
    return '<div id="app">' in response_text


async def test_the_dashboard_page_is_served_without_a_key(client: AsyncClient) -> None:
    response = await client.get("/admin/", headers=NO_KEY)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert is_index(response.text)


async def test_admin_without_a_slash_redirects_and_keeps_the_key_in_the_query(client: AsyncClient) -> None:
    response = await client.get("/admin?key=abc", headers=NO_KEY)
    assert response.status_code in (301, 302, 307, 308)
    assert response.headers["location"] == "/admin/?key=abc"


@pytest.mark.parametrize("path", ["/admin/tasks-view/x", "/admin/task/task-1-abcdef", "/admin/anything/deep"])
async def test_a_deep_link_falls_back_to_the_page(client: AsyncClient, path: str) -> None:
    response = await client.get(path, headers=NO_KEY)
    assert response.status_code == 200
    assert is_index(response.text)


async def test_the_built_assets_are_served_with_a_long_cache(client: AsyncClient) -> None:
    index = (await client.get("/admin/", headers=NO_KEY)).text
    script = re.search(r'src="(/admin/assets/[^"]+\.js)"', index)
    assert script is not None
    response = await client.get(script.group(1), headers=NO_KEY)
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]
    assert "immutable" in response.headers["cache-control"]


async def test_a_missing_asset_is_a_json_404_not_the_page(client: AsyncClient) -> None:
    response = await client.get("/admin/assets/nope.js", headers=NO_KEY)
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_an_unknown_task_is_a_json_404_not_the_page(client: AsyncClient) -> None:
    response = await client.get("/admin/tasks/zzz")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["code"] == "NOT_FOUND"


async def test_an_unknown_api_path_is_a_json_404_not_the_page(client: AsyncClient) -> None:
    response = await client.get("/admin/agents/zzz/nothing-here")
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_api_routes_still_need_the_key(client: AsyncClient) -> None:
    for path in ("/admin/tasks", "/admin/agents/zzz/nothing-here"):
        response = await client.get(path, headers=NO_KEY)
        assert response.status_code == 401
        assert response.json()["code"] == "UNAUTHORIZED"


async def test_api_routes_win_over_the_page_fallback(client: AsyncClient) -> None:
    response = await client.get("/admin/tasks")
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["x-total-count"] == "0"


async def test_files_outside_the_static_folder_are_never_served(client: AsyncClient) -> None:
    for path in ("/admin/..%2F..%2F__init__.py", "/admin/%2E%2E/pages.py"):
        response = await client.get(path, headers=NO_KEY)
        assert "from __future__" not in response.text

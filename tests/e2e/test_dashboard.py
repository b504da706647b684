"""The dashboard in a real Chromium against a real server: live updates, safety, idleness, reconnects.

Each test opens /admin/?key=… and waits for the connection badge to say the board is live (the
socket connected and `sync:full` applied). No sleeps: Playwright's expect/wait_for with timeouts;
the idle test alone waits a fixed 10 s because idleness is what it measures.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import API_KEY, make_settings
from tests.e2e.scenes import populate
from tests.live import LiveServer, serve_in_process, server_process
from waaah.bus import Bus
from waaah.service import Hub, NewTask
from waaah.store import open_store

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT = 10_000
XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture
def results_dir(request: pytest.FixtureRequest) -> Path:
    out = request.config.rootpath / "test-results"
    out.mkdir(exist_ok=True)
    return out


def require_socket_server(url: str) -> None:
    """Skip (while the socket server is being built) when /socket.io/ is not served at all."""
    response = httpx.get(f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=5)
    if response.status_code == 404:
        pytest.skip("the Socket.IO server (src/waaah/web/sockets.py) is not mounted yet: no sync:full")


async def open_board(page: Page, url: str) -> None:
    await asyncio.to_thread(require_socket_server, url)
    await page.goto(f"{url}/admin/?key={API_KEY}")
    await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected",
                                                                     timeout=LIVE_TIMEOUT)


def card(page: Page, task_id: str) -> Any:
    return page.locator(f'.card[data-task-id="{task_id}"]')


async def enqueue(url: str, **body: Any) -> str:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}) as http:
        response = await http.post("/admin/enqueue", json=body)
        response.raise_for_status()
        return str(response.json()["taskId"])


async def test_the_key_screen_shows_without_a_key(page: Page, live: LiveServer) -> None:
    await page.goto(f"{live.url}/admin/")
    await expect(page.get_by_label("API key", exact=True)).to_be_visible()


async def test_the_key_leaves_the_address_bar_and_stays_in_the_browser(page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    assert "key=" not in page.url
    assert await page.evaluate("localStorage.getItem('waaah.apiKey')") == API_KEY


async def test_a_wrong_key_shows_the_key_screen(page: Page, live: LiveServer) -> None:
    await asyncio.to_thread(require_socket_server, live.url)
    await page.goto(f"{live.url}/admin/?key=wrong-key")
    await expect(page.get_by_text("The server refused this API key.")).to_be_visible(timeout=LIVE_TIMEOUT)


async def test_a_task_created_over_rest_appears_on_the_board_without_reload(page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    task_id = await enqueue(live.url, prompt="Ship the live board", title="Live board task")
    await expect(card(page, task_id)).to_be_visible(timeout=1_000)
    await expect(card(page, task_id)).to_contain_text("Live board task")
    await expect(page.locator('[data-column="todo"]')).to_contain_text("Live board task")


async def test_task_text_is_rendered_as_text_and_runs_nothing(page: Page, live: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await open_board(page, live.url)
    task_id = await enqueue(live.url, prompt=f"Fix this {XSS} please")
    await expect(card(page, task_id)).to_contain_text(XSS)
    assert await card(page, task_id).locator("img").count() == 0
    await card(page, task_id).click()
    await expect(page.get_by_test_id("prompt")).to_have_text(f"Fix this {XSS} please")
    assert await page.locator(".drawer img").count() == 0
    assert dialogs == []


async def test_an_idle_page_makes_no_http_requests(page: Page, live: LiveServer) -> None:
    await populate(live.runtime.hub)
    await open_board(page, live.url)
    await expect(page.locator(".card").first).to_be_visible()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    await page.wait_for_timeout(10_000)  # measuring idleness: nothing may happen in this window
    assert requests == []


async def test_a_populated_board_screenshot(page: Page, live: LiveServer, results_dir: Path) -> None:
    ids = await populate(live.runtime.hub)
    await open_board(page, live.url)
    for task_id in ids.values():
        await expect(card(page, task_id)).to_be_visible()
    # Cards as the sync:full rows gave them (title, priority, assignee, dependencies, blocked reason)
    await expect(card(page, ids["progress"])).to_contain_text("Rate-limit the public API")
    await expect(card(page, ids["progress"]).locator(".prio")).to_have_text("high")
    await expect(card(page, ids["progress"]).locator(".agent-tag")).to_have_text("@alice")
    await expect(card(page, ids["critical"]).locator(".prio")).to_have_text("critical")
    await expect(card(page, ids["queued"]).locator(".prio")).to_have_count(0)
    await expect(card(page, ids["waiting"])).to_contain_text("deps 0/1")
    await expect(card(page, ids["blocked"]).locator(".card-blocked")).to_be_visible()
    await expect(page.locator('[data-agent-id="alice"] .agent-status')).to_have_text("Working")
    await live.runtime.hub.work.progress(ids["progress"], "alice", "Limits enforced, tests green", "testing", 90)
    late = await live.runtime.hub.tasks.create(NewTask(prompt="Bump the lockfile", title="Bump the lockfile"))
    await expect(page.locator(".activity")).to_contain_text("Limits enforced, tests green")
    await expect(card(page, late.id)).to_be_visible()
    await page.screenshot(path=str(results_dir / "dashboard-board-dark.png"))
    await card(page, ids["review"]).click()
    await expect(page.locator(".diff")).to_contain_text("account disabled")
    await page.locator(".diff .ln-btn", has_text="15").click()
    await page.get_by_label("Review comment").first.fill("Say which account in the error")
    await page.get_by_role("button", name="Add comment").first.click()
    await expect(page.locator(".diff-comments")).to_contain_text("Say which account in the error")
    await page.screenshot(path=str(results_dir / "dashboard-detail-dark.png"))
    await page.get_by_label("Close").click()
    await page.get_by_label("Switch theme").click()
    await expect(page.locator("html")).to_have_attribute("data-theme", "light")
    await page.screenshot(path=str(results_dir / "dashboard-board-light.png"))


async def test_actions_in_the_detail_reach_the_board(page: Page, live: LiveServer) -> None:
    ids = await populate(live.runtime.hub)
    await open_board(page, live.url)
    await card(page, ids["review"]).click()
    await page.locator(".drawer").get_by_role("button", name="Approve", exact=True).click()
    await expect(page.get_by_test_id("detail-status")).not_to_have_text("In review", timeout=LIVE_TIMEOUT)
    await page.get_by_label("Close").click()
    await card(page, ids["blocked"]).click()
    await page.locator(".drawer").get_by_label("Answer").fill("Yes, keep them as legacy_id")
    await page.locator(".drawer").get_by_role("button", name="Answer", exact=True).click()
    await expect(card(page, ids["blocked"])).not_to_have_attribute("data-status", "BLOCKED", timeout=LIVE_TIMEOUT)


async def test_the_new_task_form_creates_a_task(page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    await page.get_by_role("button", name="New task").click()
    form = page.get_by_role("form", name="New task")
    await form.locator("textarea[name=prompt]").fill("Write the changelog")
    await form.locator("input[name=title]").fill("Changelog from the form")
    await form.locator("select[name=priority]").select_option("high")
    await form.get_by_role("button", name="Create task").click()
    await expect(page.locator('[data-column="todo"] .card', has_text="Changelog from the form")).to_be_visible()


async def test_older_finished_tasks_page_in_over_rest(browser: Browser, database_url: str) -> None:
    async with serve_in_process(make_settings(database_url, WAAAH_SYNC_FINISHED_LIMIT="2")) as server:
        hub = server.runtime.hub
        ids = [(await hub.tasks.create(NewTask(prompt=f"old task {n}", title=f"Old task {n}"))).id for n in range(5)]
        for task_id in ids:
            await hub.tasks.cancel(task_id)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        page = await context.new_page()
        await open_board(page, server.url)
        await page.get_by_label("Show cancelled").check()
        await expect(page.locator('[data-column="done"] .card')).to_have_count(2)
        await page.get_by_role("button", name="Load more finished").click()
        await expect(page.locator('[data-column="done"] .card')).to_have_count(5)
        await expect(page.locator('[data-column="done"]')).to_contain_text("All 5 finished tasks loaded")
        await context.close()


async def _write_while_server_is_down(database_url: str, cancel_id: str) -> str:
    """Changes made through the service while the server is dead: they go to the durable event log."""
    store = open_store(database_url)
    try:
        async with store.read() as tx:
            bus = Bus(await tx.last_seq())
        hub = Hub(store, bus, make_settings(database_url))
        await hub.tasks.cancel(cancel_id)
        created = await hub.tasks.create(NewTask(prompt="made while the board was cut off", title="Offline-made"))
        return created.id
    finally:
        await store.close()


def count_sync_fulls(page: Page) -> list[int]:
    """How many `sync:full` each websocket the page opens receives, in the order they open."""
    counts: list[int] = []

    def opened(ws: Any) -> None:
        index = len(counts)
        counts.append(0)

        def frame(payload: str | bytes) -> None:
            if isinstance(payload, str) and payload.startswith('42["sync:full"'):
                counts[index] += 1
        ws.on("framereceived", frame)

    page.on("websocket", opened)
    return counts


async def test_the_board_survives_a_server_restart(page: Page, tmp_path: Path, database_url: str) -> None:
    sync_fulls = count_sync_fulls(page)
    with server_process(tmp_path, database_url, API_KEY) as server:
        await open_board(page, server.url)
        first = await enqueue(server.url, prompt="before the crash", title="Before the crash")
        await expect(card(page, first)).to_be_visible()
        await asyncio.to_thread(server.kill)
        await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "disconnected",
                                                                         timeout=LIVE_TIMEOUT)
        second = await _write_while_server_is_down(database_url, first)
        await asyncio.to_thread(server.start)
        await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected",
                                                                         timeout=20_000)
        await expect(card(page, second)).to_be_visible(timeout=LIVE_TIMEOUT)
        await page.get_by_label("Show cancelled").check()
        await expect(card(page, first)).to_have_attribute("data-status", "CANCELLED")
        assert await card(page, first).count() == 1
        assert await card(page, second).count() == 1
    # The reconnect's handshake carried the last seq: the server replayed the two missed events
    # instead of sending the whole board again.
    assert sync_fulls[0] == 1 and sync_fulls[-1] == 0 and len(sync_fulls) >= 2, sync_fulls

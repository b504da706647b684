"""What needs a person, in a real Chromium: the inbox and its count, notifications, the disconnected state, widths."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import API_KEY
from tests.e2e.scenes import populate
from tests.e2e.test_dashboard import LIVE_TIMEOUT, card, enqueue, open_board, results_dir  # noqa: F401 (a fixture)
from tests.live import LiveServer, server_process
from waaah.domain.lifecycle import Status
from waaah.service import NewTask

pytestmark = pytest.mark.e2e

RECORD_NOTIFICATIONS = """
window.__notified = [];
const Real = window.Notification;
window.Notification = class extends Real {
  constructor(title, options) { super(title, options); window.__notified.push(title); }
};
"""


ROWS = """((selector) => {
  const middles = [...document.querySelectorAll(selector)].map((e) => e.getBoundingClientRect())
    .filter((r) => r.width > 0).map((r) => r.top + r.height / 2).sort((a, b) => a - b);
  let lines = 0, last = -Infinity;
  for (const middle of middles) { if (middle - last > 8) lines++; last = middle; }
  return lines;
})"""
"""How many lines the items under a selector take (the items of one line share their middle, within a few pixels)."""
SIDE_SPILL = """(() => Math.max(...[...document.querySelectorAll('.side .panel')]
  .map((p) => p.scrollWidth - p.clientWidth)))()"""
"""How far the widest side panel's content reaches past the panel (it would scroll sideways or be cut)."""


async def started(live: LiveServer, title: str) -> str:
    hub = live.runtime.hub
    task = await hub.tasks.create(NewTask(prompt=title, title=title))
    await hub.work.reserve(task.id, "alice")
    await hub.work.ack(task.id, "alice")
    return str(task.id)


async def test_the_inbox_count_moves_with_a_question_and_a_review(page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    asking, reviewed = await started(live, "Pick a key format"), await started(live, "Ship the login fix")
    await open_board(page, live.url)
    count = page.get_by_test_id("inbox-count")
    await expect(count).to_have_text("0")
    await hub.work.block(asking, "alice", "question", "UUID or ULID?", "two options", None, None)
    await expect(count).to_have_text("1")
    assert await page.title() == "(1) waaah"
    await expect(card(page, asking)).to_have_class(re.compile(r"(^|\s)waits-answer(\s|$)"))
    await hub.work.respond(reviewed, "alice", Status.IN_REVIEW, "done")
    await expect(count).to_have_text("2")
    inbox = page.get_by_label("Needs you", exact=True)
    await inbox.locator(f'[data-task-id="{reviewed}"]').get_by_role("button", name="Approve").click()
    await expect(count).to_have_text("1")
    await inbox.get_by_label(f"Answer {asking.rsplit('-', 1)[1]}").fill("ULID")
    await inbox.get_by_role("button", name="Answer").click()
    await expect(count).to_have_text("0")
    await expect(page).to_have_title("waaah")


async def test_notifications_are_asked_for_and_announce_a_new_review(browser: Browser, live: LiveServer) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    await context.grant_permissions(["notifications"], origin=live.url)
    await context.add_init_script(RECORD_NOTIFICATIONS)
    page = await context.new_page()
    await live.runtime.hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    task_id = await started(live, "Tidy the imports")
    await open_board(page, live.url)
    await page.get_by_role("button", name="Notify me").click()
    await expect(page.get_by_test_id("notifications")).to_have_text("Notifications on")
    await live.runtime.hub.work.respond(task_id, "alice", Status.IN_REVIEW, "tidied")
    await page.wait_for_function("window.__notified.length === 1", timeout=LIVE_TIMEOUT)
    assert await page.evaluate("window.__notified") == ["Waiting for your review"]
    await context.close()


async def test_while_disconnected_actions_wait_with_one_message(page: Page, tmp_path: Path, database_url: str) -> None:
    with server_process(tmp_path, database_url, API_KEY) as server:
        await open_board(page, server.url)
        task_id = await enqueue(server.url, prompt="survive the outage", title="Survive the outage")
        await card(page, task_id).click()
        await asyncio.to_thread(server.kill)
        await expect(page.get_by_test_id("offline")).to_have_text(
            "Server unreachable, retrying… Actions are paused until it is back.", timeout=LIVE_TIMEOUT)
        await expect(page.get_by_role("button", name="Cancel")).to_be_disabled()
        await expect(page.locator(".notice")).to_have_count(0)
        await asyncio.to_thread(server.start)
        await expect(page.get_by_test_id("offline")).to_have_count(0, timeout=20_000)
        await expect(page.get_by_role("button", name="Cancel")).to_be_enabled()


@pytest.mark.parametrize("width", [1440, 1024, 390])
async def test_the_board_at_each_width(browser: Browser, live: LiveServer, results_dir: Path, width: int) -> None:  # noqa: F811
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    ids = await populate(live.runtime.hub)
    for row in ("T1", "T2"):  # a plan on the board: its tab joins the header
        await live.runtime.hub.tasks.create(NewTask(prompt=f"Checkout step {row}", title=f"Checkout step {row}",
                                                    context={"planId": row, "plan": "checkout-redesign.md"}))
    await open_board(page, live.url)
    await expect(card(page, ids["review"])).to_be_visible()
    await expect(page.get_by_test_id("inbox-count")).to_have_text("3")
    await page.screenshot(path=str(results_dir / f"dashboard-{width}.png"), full_page=True)
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    rows = await page.evaluate(ROWS, ".header > *")
    filters = await page.evaluate(ROWS, ".filter-bar > *")
    if width >= 1440:
        assert rows == 1, f"the header takes {rows} lines at {width}px"
        assert filters == 1, f"the filter bar takes {filters} lines at {width}px"
    spill = await page.evaluate(SIDE_SPILL)
    assert spill <= 0, f"the side panels are wider than their column by {spill}px at {width}px"
    answer = page.get_by_label("Needs you", exact=True).get_by_role("button", name="Answer")
    box, side = await answer.bounding_box(), await page.locator(".side").bounding_box()
    assert box and side and box["x"] + box["width"] <= side["x"] + side["width"], "Answer sticks out of Needs you"
    expanded = "true" if width >= 1100 else "false"  # narrower, the agents and activity start collapsed
    await expect(page.get_by_test_id("side-toggle")).to_have_attribute("aria-expanded", expanded)
    await expect(page.get_by_label("Agents", exact=True)).to_have_count(1 if width >= 1100 else 0)
    await context.close()

"""The dashboard for daily use, in a real Chromium: time on cards, plans, editing, keys, Markdown, hints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from tests.e2e.test_dashboard import LIVE_TIMEOUT, XSS, card, open_board, results_dir  # noqa: F401 (a fixture)
from tests.live import LiveServer
from waaah.domain.lifecycle import Status
from waaah.service import NewTask
from waaah.service.core import wall_clock_ms

pytestmark = pytest.mark.e2e

HOUR_MS = 3_600_000


async def create(live: LiveServer, title: str, **fields: object) -> str:
    task = await live.runtime.hub.tasks.create(NewTask(prompt=fields.pop("prompt", title), title=title, **fields))  # type: ignore[arg-type]
    return str(task.id)


async def plan(live: LiveServer) -> dict[str, str]:
    """A plan of three rows: T1, then T2 after T1, then T3 after both."""
    ids: dict[str, str] = {}
    for row, deps in (("T1", ()), ("T2", ("T1",)), ("T3", ("T1", "T2"))):
        ids[row] = await create(live, f"Step {row}", context={"planId": row, "plan": "shop.md"},
                                dependencies=tuple(ids[d] for d in deps))
    return ids


async def test_a_card_shows_its_age_and_the_time_in_its_status_after_a_reload(page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    hub.core.clock = lambda: wall_clock_ms() - 3 * HOUR_MS  # the task was created three hours ago
    hub.core._last_write_ms = 0
    task_id = await create(live, "Rotate the keys")
    hub.core.clock = wall_clock_ms
    await open_board(page, live.url)
    await expect(card(page, task_id).get_by_test_id("age")).to_have_text(re.compile(r"^3h( \d+m)? old$"))
    await expect(card(page, task_id).get_by_test_id("status-time")).to_have_text(re.compile(r"^3h( \d+m)? in status$"))
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    await hub.work.reserve(task_id, "alice")
    await hub.work.ack(task_id, "alice")  # a move now: the time in status starts again, the age does not
    status_time = card(page, task_id).get_by_test_id("status-time")
    await expect(status_time).to_have_text(re.compile(r"^\d+s in status$"), timeout=LIVE_TIMEOUT)
    await page.reload()
    await expect(status_time).to_have_text(re.compile(r"^(\d+s|1m) in status$"), timeout=LIVE_TIMEOUT)
    await expect(card(page, task_id).get_by_test_id("age")).to_have_text(re.compile(r"^3h( \d+m)? old$"))
    await card(page, task_id).click()
    await expect(page.get_by_test_id("stay").last).to_have_text(re.compile(r"^\d+s so far$"))  # the status it is in
    await expect(page.get_by_test_id("stay").first).to_have_text(re.compile(r"^3h( \d+m)?$"))


async def test_the_plan_view_draws_the_graph_with_each_status_live(page: Page, live: LiveServer,
                                                                   results_dir: Path) -> None:  # noqa: F811
    ids = await plan(live)
    await open_board(page, live.url)
    await expect(card(page, ids["T2"]).get_by_test_id("plan-id")).to_have_text("T2")
    await page.get_by_role("navigation", name="Plans").get_by_role("link", name="Plan shop.md").click()
    graph = page.get_by_test_id("plan-graph")
    await expect(graph.locator("g.node")).to_have_count(3)
    await expect(graph.locator(".edge")).to_have_count(3)
    node = graph.locator(f'g.node[data-task-id="{ids["T3"]}"]')
    await expect(node.locator(".node-status")).to_have_text("Waiting for dependencies")
    await expect(graph.locator(f'g.node[data-task-id="{ids["T1"]}"] .node-status')).to_have_text("Queued")
    await expect(graph.locator(f'.edge[data-from="{ids["T1"]}"][data-to="{ids["T2"]}"]')).to_have_count(1)
    hub = live.runtime.hub
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    await hub.work.reserve(ids["T1"], "alice")
    await hub.work.ack(ids["T1"], "alice")
    await expect(graph.locator(f'g.node[data-task-id="{ids["T1"]}"]')).to_have_attribute("data-status", "ASSIGNED",
                                                                                        timeout=LIVE_TIMEOUT)
    await page.screenshot(path=str(results_dir / "dashboard-plan.png"), full_page=True)
    await node.click()
    await expect(page.get_by_label("Task detail")).to_have_attribute("data-task-id", ids["T3"])


async def test_the_detail_shows_what_a_task_waits_for_and_what_it_blocks(page: Page, live: LiveServer) -> None:
    ids = await plan(live)
    await open_board(page, live.url)
    await card(page, ids["T2"]).click()
    await expect(page.get_by_test_id("waits-for").locator("li")).to_have_count(1)
    await expect(page.get_by_test_id("waits-for").locator(f'li[data-task-id="{ids["T1"]}"]')).to_contain_text("Step T1")
    await expect(page.get_by_test_id("blocks").locator(f'li[data-task-id="{ids["T3"]}"]')).to_contain_text("Step T3")
    await page.get_by_test_id("waits-for").get_by_role("button", name="Step T1").click()
    await expect(page.get_by_test_id("waits-for")).to_contain_text("Nothing")
    await expect(page.get_by_test_id("blocks").locator("li")).to_have_count(2)


async def test_editing_a_title_in_the_detail_updates_the_board_live(page: Page, live: LiveServer) -> None:
    first = await create(live, "Write the changelog")
    other = await create(live, "Tag the release")
    await open_board(page, live.url)
    await card(page, other).click()
    await page.get_by_role("button", name="Edit", exact=True).click()
    form = page.get_by_label("Edit task")
    await form.get_by_label("Title").fill("Tag release 2.0")
    await form.get_by_label("Find a dependency").fill("changelog")
    await form.get_by_label(re.compile("Write the changelog")).check()
    await form.get_by_role("button", name="Save").click()
    await expect(page.locator(".detail-title")).to_have_text("Tag release 2.0", timeout=LIVE_TIMEOUT)
    await expect(card(page, other).locator(".card-title")).to_have_text("Tag release 2.0")
    await expect(page.get_by_test_id("waits-for").locator(f'li[data-task-id="{first}"]')).to_have_count(1)


async def test_a_filter_and_the_search_and_new_task_keys(page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    queued = await create(live, "Sweep the logs")
    started = await create(live, "Fix the cart")
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    await hub.work.reserve(started, "alice")
    await hub.work.ack(started, "alice")
    await open_board(page, live.url)
    await expect(card(page, started)).to_have_attribute("data-status", "ASSIGNED", timeout=LIVE_TIMEOUT)
    await page.get_by_label("Status", exact=True).select_option("ASSIGNED")
    await expect(card(page, queued)).to_have_count(0)
    await expect(card(page, started)).to_be_visible()
    await page.get_by_label("Status", exact=True).select_option("")
    await page.locator("body").click(position={"x": 5, "y": 5})
    await page.keyboard.press("/")
    search = page.get_by_label("Search tasks")
    await expect(search).to_be_focused()
    await page.keyboard.type("sweep")
    await expect(card(page, started)).to_have_count(0)
    await expect(card(page, queued)).to_be_visible()
    await expect(search).to_have_value("sweep")  # the slash opened the search, it was not typed into it
    await page.keyboard.press("Escape")
    await search.blur()
    await page.keyboard.press("n")
    dialog = page.get_by_label("New task")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_label("Prompt")).to_have_value("")
    await page.keyboard.press("Escape")
    await page.keyboard.press("?")
    await expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_contain_text("New task")


async def test_a_queued_task_says_why_it_is_not_picked_up(page: Page, live: LiveServer) -> None:
    task_id = await create(live, "Port the invoices", capabilities=("spreadsheets",))
    await open_board(page, live.url)
    await card(page, task_id).click()
    await expect(page.get_by_test_id("eligibility")).to_contain_text("no agents are registered", timeout=LIVE_TIMEOUT)


async def test_markdown_is_rendered_and_html_in_it_stays_text(page: Page, live: LiveServer) -> None:
    prompt = (f"# Plan\n\nMake it **fast** with `make bench`.\n\n- one {XSS}\n- [docs](https://example.com/x)\n"
              "- [bad](javascript:alert(2))")
    task_id = await create(live, "Speed up the build", prompt=prompt)
    await open_board(page, live.url)
    await card(page, task_id).click()
    body = page.get_by_test_id("prompt")
    await expect(body.locator("h4")).to_have_text("Plan")
    await expect(body.locator("strong")).to_have_text("fast")
    await expect(body.locator("code")).to_have_text("make bench")
    await expect(body.locator("li").first).to_have_text(f"one {XSS}")
    await expect(body.locator("img")).to_have_count(0)
    await expect(body.locator("a")).to_have_count(1)
    await expect(body.locator("a")).to_have_attribute("href", "https://example.com/x")
    assert await page.evaluate("typeof window.alert === 'function'")


async def test_an_empty_board_says_how_to_connect_an_agent_and_start_the_demo(page: Page, live: LiveServer,
                                                                               results_dir: Path) -> None:  # noqa: F811
    await open_board(page, live.url)
    hints = page.get_by_test_id("empty-board")
    await expect(hints).to_contain_text("waaah connect claude")
    await expect(hints).to_contain_text("waaah agent run")
    await expect(hints).to_contain_text("waaah demo")
    await page.screenshot(path=str(results_dir / "dashboard-empty.png"), full_page=True)
    task_id = await create(live, "First task")
    await expect(card(page, task_id)).to_be_visible(timeout=LIVE_TIMEOUT)
    await expect(hints).to_have_count(0)


async def test_a_wrong_key_is_an_error_and_stays_in_the_input(page: Page, live: LiveServer) -> None:
    await page.goto(f"{live.url}/admin/")
    await page.get_by_label("API key", exact=True).fill("not-the-key")
    await page.get_by_role("button", name="Open dashboard").click()
    error = page.get_by_test_id("key-error")
    await expect(error).to_have_text("The server refused this API key.", timeout=LIVE_TIMEOUT)
    await expect(page.get_by_label("API key", exact=True)).to_have_value("not-the-key")


async def test_the_board_screenshot(page: Page, live: LiveServer, results_dir: Path) -> None:  # noqa: F811
    ids = await plan(live)
    hub = live.runtime.hub
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    await hub.work.reserve(ids["T1"], "alice")
    await hub.work.ack(ids["T1"], "alice")
    await hub.work.respond(ids["T1"], "alice", Status.IN_REVIEW, "done")
    await create(live, "Sweep the logs", priority="high")
    await open_board(page, live.url)
    await expect(card(page, ids["T1"])).to_have_attribute("data-status", "IN_REVIEW")
    await page.screenshot(path=str(results_dir / "dashboard-daily.png"), full_page=True)

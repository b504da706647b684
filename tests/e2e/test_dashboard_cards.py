"""Acting from the board in a real Chromium: approve, reject and answer on a card, stalled work in the
inbox, the side panels collapsing, and the reload of a 5,000-task board."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Page, expect

from tests.e2e.test_dashboard import LIVE_TIMEOUT, card, open_board, results_dir  # noqa: F401 (a fixture)
from tests.live import LiveServer
from waaah.domain.lifecycle import Status
from waaah.service import Hub, NewTask
from waaah.service.core import wall_clock_ms
from waaah.service.queries import Queries

pytestmark = pytest.mark.e2e

MINUTE_MS = 60_000
FIRST_SCREEN_TIMEOUT = 60_000  # generous: the machine may be busy; this bounds the wait, it measures nothing


async def status_of(hub: Hub, task_id: str) -> str:
    return str((await Queries(hub.store).task(task_id))["status"])


async def started(hub: Hub, title: str) -> str:
    task = await hub.tasks.create(NewTask(prompt=title, title=title))
    await hub.work.reserve(task.id, "alice")
    await hub.work.ack(task.id, "alice")
    return str(task.id)


async def alice(hub: Hub) -> None:
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})


async def in_review(hub: Hub, title: str) -> str:
    task_id = await started(hub, title)
    await hub.work.respond(task_id, "alice", Status.IN_REVIEW, "done, see the diff")
    return task_id


async def asking(hub: Hub, title: str) -> str:
    task_id = await started(hub, title)
    await hub.work.block(task_id, "alice", "question", "UUID or ULID?", "two options", None, None)
    return task_id


async def test_approve_on_a_card_moves_it_live_and_opens_no_detail(page: Page, live: LiveServer,
                                                                   results_dir: Path) -> None:  # noqa: F811
    hub = live.runtime.hub
    await alice(hub)
    reviewed, question = await in_review(hub, "Ship the login fix"), await asking(hub, "Pick a key format")
    await open_board(page, live.url)
    review_card = card(page, reviewed)
    await expect(review_card.get_by_role("button", name="Approve")).to_be_visible()
    await expect(review_card.get_by_role("button", name="Reject")).to_be_visible()
    await expect(card(page, question).get_by_role("button", name="Answer")).to_be_visible()
    await page.locator('[data-column="review"]').screenshot(path=str(results_dir / "card-approve.png"))
    await page.locator('[data-column="blocked"]').screenshot(path=str(results_dir / "card-answer.png"))
    await review_card.get_by_role("button", name="Approve").click()
    await expect(review_card).not_to_have_attribute("data-status", "IN_REVIEW", timeout=LIVE_TIMEOUT)
    await expect(review_card.get_by_role("button", name="Approve")).to_have_count(0)
    await expect(page.get_by_label("Task detail")).to_have_count(0)
    assert await status_of(hub, reviewed) != "IN_REVIEW"


async def test_reject_on_a_card_opens_the_detail_at_its_feedback_which_it_requires(page: Page,
                                                                                   live: LiveServer) -> None:
    hub = live.runtime.hub
    await alice(hub)
    reviewed = await in_review(hub, "Rename the settings module")
    await open_board(page, live.url)
    await card(page, reviewed).get_by_role("button", name="Reject").click()
    detail = page.get_by_label("Task detail")
    await expect(detail).to_have_attribute("data-task-id", reviewed)
    feedback = detail.get_by_label("Rejection feedback")
    await expect(feedback).to_be_focused()
    await detail.get_by_role("button", name="Reject").click()  # empty: the form refuses to send
    await expect(detail.get_by_test_id("detail-status")).to_have_text("In review")
    await feedback.fill("Keep the old name as an alias")
    await detail.get_by_role("button", name="Reject").click()
    await expect(card(page, reviewed)).not_to_have_attribute("data-status", "IN_REVIEW", timeout=LIVE_TIMEOUT)
    assert await status_of(hub, reviewed) != "IN_REVIEW"


async def test_answer_on_a_card_sends_from_a_small_box_and_the_card_moves_on(page: Page, live: LiveServer,
                                                                           results_dir: Path) -> None:  # noqa: F811
    hub = live.runtime.hub
    await alice(hub)
    question = await asking(hub, "Pick an id format")
    await open_board(page, live.url)
    blocked = card(page, question)
    await blocked.get_by_role("button", name="Answer").click()
    box = blocked.get_by_label("Your answer")
    await expect(box).to_be_focused()
    await blocked.screenshot(path=str(results_dir / "card-answer-box.png"))
    await expect(page.get_by_label("Task detail")).to_have_count(0)
    await box.click()  # typing in the box does not open the detail either
    await box.fill("ULID")
    await blocked.get_by_role("button", name="Send").click()
    await expect(blocked).not_to_have_attribute("data-status", "BLOCKED", timeout=LIVE_TIMEOUT)
    await expect(blocked.get_by_label("Your answer")).to_have_count(0)
    await expect(page.get_by_label("Task detail")).to_have_count(0)
    await expect(page.get_by_test_id("inbox-count")).to_have_text("0")


async def test_silent_work_is_listed_as_stalled_with_retry_and_cancel(page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    await alice(hub)
    hub.core.clock = lambda: wall_clock_ms() - 20 * MINUTE_MS  # work taken twenty minutes ago, silent since
    hub.core._last_write_ms = 0
    silent, forgotten = await started(hub, "Index the orders table"), await started(hub, "Trim the logs")
    gave_up = await started(hub, "Vendor the parser")
    await hub.work.respond(gave_up, "alice", Status.FAILED, "no output for 600 s", failure_reason="stalled")
    hub.core.clock = wall_clock_ms
    busy = await started(hub, "Fix the cart")  # taken just now: not stalled
    await open_board(page, live.url)
    inbox = page.get_by_label("Needs you", exact=True)
    item = inbox.locator(f'[data-task-id="{silent}"]')
    await expect(item).to_have_attribute("data-reason", "stalled")
    await expect(item.get_by_test_id("inbox-why")).to_have_text(re.compile(r"^Stalled: no progress for 2\dm$"))
    await expect(inbox.locator(f'[data-task-id="{busy}"]')).to_have_count(0)
    await expect(card(page, silent).get_by_test_id("stalled")).to_be_visible()
    await expect(card(page, busy).get_by_test_id("stalled")).to_have_count(0)
    failed = inbox.locator(f'[data-task-id="{gave_up}"]')
    await expect(failed.get_by_test_id("inbox-why")).to_have_text("Failed · stalled (the agent went silent)")
    await expect(page.get_by_test_id("inbox-count")).to_have_text("3")
    await item.get_by_role("button", name="Retry").click()
    await expect(card(page, silent)).to_have_attribute("data-status", "QUEUED", timeout=LIVE_TIMEOUT)
    await expect(item).to_have_count(0)
    await inbox.locator(f'[data-task-id="{forgotten}"]').get_by_role("button", name="Cancel").click()
    await expect(inbox.locator(f'[data-task-id="{forgotten}"]')).to_have_count(0, timeout=LIVE_TIMEOUT)
    await expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    assert await status_of(hub, forgotten) == "CANCELLED"


async def test_after_a_reload_stalled_work_is_still_listed_and_busy_work_is_not(page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    await alice(hub)
    hub.core.clock = lambda: wall_clock_ms() - 20 * MINUTE_MS  # both taken twenty minutes ago
    hub.core._last_write_ms = 0
    silent, busy = await started(hub, "Index the orders table"), await started(hub, "Fix the cart")
    for task_id in (silent, busy):
        await hub.work.progress(task_id, "alice", "starting", "starting", None)
    hub.core.clock = lambda: wall_clock_ms() - 2 * MINUTE_MS
    await hub.work.progress(busy, "alice", "still working", "working", None)  # a runner's heartbeat
    hub.core.clock = wall_clock_ms
    chatty = await started(hub, "Warm the cache")
    for n in range(120):  # more events than a page reads back from the log: only the cards tell who is busy
        await hub.work.progress(chatty, "alice", f"cache {n}", "working", None)
    await open_board(page, live.url)
    inbox = page.get_by_label("Needs you", exact=True)
    for attempt in ("first load", "reload"):
        if attempt == "reload":
            await page.reload()
            await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected",
                                                                             timeout=LIVE_TIMEOUT)
        item = inbox.locator(f'[data-task-id="{silent}"]')
        await expect(item).to_have_attribute("data-reason", "stalled")
        await expect(item.get_by_test_id("inbox-why")).to_have_text(re.compile(r"^Stalled: no progress for 2\dm$"))
        await expect(card(page, silent).get_by_test_id("stalled")).to_be_visible()
        await expect(inbox.locator(f'[data-task-id="{busy}"]')).to_have_count(0)
        await expect(card(page, busy).get_by_test_id("stalled")).to_have_count(0)
        await expect(page.get_by_test_id("inbox-count")).to_have_text("1")


async def test_the_agents_and_activity_panels_collapse_and_stay_so(browser: Browser, live: LiveServer) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await alice(live.runtime.hub)
    await open_board(page, live.url)
    agents, activity = page.get_by_label("Agents", exact=True), page.get_by_label("Activity", exact=True)
    toggle = page.get_by_test_id("side-toggle")
    await expect(agents).to_be_visible()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    await toggle.click()
    await expect(agents).to_have_count(0)
    await expect(activity).to_have_count(0)
    await expect(page.get_by_label("Needs you", exact=True)).to_be_visible()  # what waits on you stays in view
    await page.reload()
    await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected", timeout=LIVE_TIMEOUT)
    await expect(toggle).to_have_attribute("aria-expanded", "false")
    await expect(agents).to_have_count(0)
    await toggle.click()
    await expect(agents.locator('[data-agent-id="alice"]')).to_be_visible()
    await context.close()


async def test_below_1100_px_the_panels_start_collapsed(browser: Browser, live: LiveServer) -> None:
    context = await browser.new_context(viewport={"width": 1024, "height": 800})
    page = await context.new_page()
    await open_board(page, live.url)
    await expect(page.get_by_test_id("side-toggle")).to_have_attribute("aria-expanded", "false")
    await expect(page.get_by_label("Agents", exact=True)).to_have_count(0)
    await page.get_by_test_id("side-toggle").click()
    await expect(page.get_by_label("Agents", exact=True)).to_be_visible()
    await page.reload()  # the person's choice outlives the default
    await expect(page.get_by_label("Agents", exact=True)).to_be_visible(timeout=LIVE_TIMEOUT)
    await context.close()


async def seed_board(hub: Hub, active: int, finished: int) -> None:
    """`active` queued tasks and `finished` completed ones."""
    for n in range(active):
        await hub.tasks.create(NewTask(prompt=f"Task {n} of the big board", title=f"Big board task {n}"))
    for n in range(finished):
        done = await started(hub, f"Finished task {n}")
        await hub.work.respond(done, "alice", Status.COMPLETED, "done")


async def test_a_reload_of_a_5000_task_board_shows_its_first_screen_with_no_request_per_card(
        page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    await alice(hub)
    await seed_board(hub, 5000, 100)
    await open_board(page, live.url)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(urlsplit(request.url).path))
    await page.reload()
    todo = page.locator('[data-column="todo"]')
    await expect(todo.locator("h2 .count")).to_have_text("5000", timeout=FIRST_SCREEN_TIMEOUT)
    await expect(page.locator('[data-column="done"] h2 .count')).to_have_text("100")
    await expect(todo.locator(".card").first).to_be_in_viewport()
    await expect(page.locator('[data-column="done"] .card').first).to_be_in_viewport()
    await expect(page.get_by_test_id("count-todo")).to_contain_text("5000")
    await expect(todo.locator(".card")).to_have_count(100)  # a page of cards drawn; the heading counts them all
    await todo.get_by_test_id("column-more").click()
    await expect(todo.locator(".card")).to_have_count(200)
    await expect(todo.get_by_test_id("column-more")).to_have_text("Show 100 more (4800 not shown)")
    assert [path for path in requests if path.startswith("/admin/tasks")] == []
    assert len(requests) < 30, requests  # the page, its assets, the socket, the activity's past: none per card

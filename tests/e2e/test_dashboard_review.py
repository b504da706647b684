"""Daily use in a real Chromium: review comments under a diff, the feed and cards across a reload."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.conftest import API_KEY
from tests.e2e.scenes import populate
from tests.e2e.test_dashboard import card, open_board
from tests.live import LiveServer
from waaah.service import NewTask

pytestmark = pytest.mark.e2e


async def review_comments(url: str, task_id: str) -> list[dict[str, object]]:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}) as http:
        response = await http.get(f"/admin/tasks/{task_id}/review-comments")
    response.raise_for_status()
    comments: list[dict[str, object]] = response.json()
    return comments


async def test_a_comment_on_a_line_shared_by_a_deleted_and_an_added_line_is_posted_and_shown_once(
        page: Page, live: LiveServer) -> None:
    ids = await populate(live.runtime.hub)
    await open_board(page, live.url)
    await card(page, ids["review"]).click()
    deleted = page.locator(".diff tr.diff-del").first
    await deleted.locator(".ln-btn").click()  # line 14: the deleted line and the first added one
    await expect(page.get_by_label("Review comment")).to_have_count(2)  # this one and the general one
    box = page.locator(".diff-comments").get_by_label("Review comment")
    await box.fill("Keep the old check behind a flag")
    await page.locator(".diff-comments").get_by_role("button", name="Add comment").click()
    await expect(page.locator(".review-comment", has_text="Keep the old check")).to_have_count(1)
    assert [c["lineNumber"] for c in await review_comments(live.url, ids["review"])] == [14]


async def test_a_comment_on_the_whole_diff_is_shown_and_its_box_cleared(page: Page, live: LiveServer) -> None:
    ids = await populate(live.runtime.hub)
    await open_board(page, live.url)
    await card(page, ids["review"]).click()
    general = page.locator(".diff > .review-comment-form")
    await general.get_by_label("Review comment").fill("Needs a test for the disabled account")
    await general.get_by_role("button", name="Add comment").click()
    await expect(page.locator(".review-comment", has_text="Needs a test for the disabled account")).to_have_count(1)
    await expect(general.get_by_label("Review comment")).to_have_value("")


async def test_the_activity_feed_shows_the_past_after_a_reload_in_event_order(page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    first = await hub.tasks.create(NewTask(prompt="first of the feed", title="First of the feed"))
    await hub.agents.register("dora", ("code-writing",), {"type": "local", "repoId": "shop"}, display_name="Dora")
    await hub.tasks.cancel(first.id)
    await open_board(page, live.url)
    await page.reload()
    await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected")
    items = page.locator(".activity li")
    await expect(items.nth(2)).to_contain_text("New task “First of the feed”")
    await expect(items.nth(1)).to_contain_text("Agent Dora")
    await expect(items.nth(0)).to_contain_text("“First of the feed” → Cancelled")


async def test_a_card_looks_the_same_before_and_after_a_reload(page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    created = await live.runtime.hub.tasks.create(NewTask(
        prompt="Teach the billing export to split invoices by tax region and currency, then document it\nDetails",
        capabilities=("code-writing", "doc-writing")))
    live_card = card(page, created.id)
    await expect(live_card).to_be_visible()
    before = await live_card.inner_text()
    assert "code-writing, doc-writing" in before
    await page.reload()
    await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected")
    await expect(card(page, created.id)).to_have_text(before, use_inner_text=True)


async def test_a_task_without_a_title_is_headed_by_its_prompts_first_line(page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    created = await live.runtime.hub.tasks.create(NewTask(prompt="Short first line\n" + "long body " * 20_000))
    await card(page, created.id).click()
    await expect(page.locator(".detail-title")).to_have_text("Short first line")

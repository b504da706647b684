"""The task detail's live transcript and the failure-reason badge, in a real Chromium against a real server."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.conftest import API_KEY
from tests.e2e.test_dashboard import LIVE_TIMEOUT, XSS, card, open_board
from tests.live import LiveServer
from waaah.domain.lifecycle import Status
from waaah.service import Hub, NewTask

pytestmark = pytest.mark.e2e


async def held(hub: Hub, title: str) -> str:
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    task = await hub.tasks.create(NewTask(prompt=f"{title}\nin detail", title=title, capabilities=("code-writing",)))
    await hub.work.reserve(task.id, "alice")
    await hub.work.ack(task.id, "alice")
    return task.id


async def post_transcript(url: str, task_id: str, *entries: dict[str, Any]) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}) as http:
        response = await http.post(f"/admin/tasks/{task_id}/transcript",
                                   json={"agentId": "alice", "entries": list(entries)})
        assert response.status_code == 200, response.text


async def test_the_transcript_appears_live_in_the_detail_and_stays_after_a_reload(page: Page,
                                                                                  live: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    task_id = await held(live.runtime.hub, "Speed up checkout")
    await post_transcript(live.url, task_id, {"kind": "system", "text": "claude started in the worktree"})
    await open_board(page, live.url)
    await card(page, task_id).click()
    transcript = page.get_by_test_id("transcript")
    await expect(transcript.locator(".transcript-entry")).to_have_count(1, timeout=LIVE_TIMEOUT)

    await post_transcript(live.url, task_id, {"kind": "tool_call", "text": "rg -n checkout src/"},
                          {"kind": "tool_result", "text": f"src/cart.py:12: {XSS}"},
                          {"kind": "message", "text": "The slow part is the tax lookup."})
    entries = transcript.locator(".transcript-entry")
    await expect(entries).to_have_count(4, timeout=LIVE_TIMEOUT)
    kinds = [await entries.nth(i).get_attribute("data-kind") for i in range(4)]
    assert kinds == ["system", "tool_call", "tool_result", "message"]
    await expect(entries.nth(2).locator(".transcript-text")).to_have_text(f"src/cart.py:12: {XSS}")
    assert await transcript.locator("img").count() == 0 and dialogs == []

    await page.reload()
    await expect(page.locator(f'.drawer[data-task-id="{task_id}"]')).to_be_visible(timeout=LIVE_TIMEOUT)
    await expect(page.get_by_test_id("transcript").locator(".transcript-entry")).to_have_count(4,
                                                                                              timeout=LIVE_TIMEOUT)
    await expect(page.get_by_test_id("transcript")).to_contain_text("The slow part is the tax lookup.")


async def test_a_long_transcript_follows_its_tail_while_the_reader_is_at_the_bottom(page: Page,
                                                                                    live: LiveServer) -> None:
    task_id = await held(live.runtime.hub, "Refactor the cart")
    lines = [{"kind": "tool_result", "text": f"line {n}\n" * 3} for n in range(1, 61)]
    await post_transcript(live.url, task_id, *lines)
    await open_board(page, live.url)
    await card(page, task_id).click()
    transcript = page.get_by_test_id("transcript")
    await expect(transcript.locator(".transcript-entry")).to_have_count(60, timeout=LIVE_TIMEOUT)
    await post_transcript(live.url, task_id, {"kind": "message", "text": "newest line"})
    newest = transcript.locator('.transcript-entry[data-n="61"]')
    await expect(newest).to_be_in_viewport(timeout=LIVE_TIMEOUT)

    await transcript.evaluate("el => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); }")
    await post_transcript(live.url, task_id, {"kind": "message", "text": "while reading the top"})
    await expect(transcript.locator('.transcript-entry[data-n="62"]')).to_have_count(1, timeout=LIVE_TIMEOUT)
    assert await transcript.evaluate("el => el.scrollTop") == 0  # the reader's place is kept


async def test_a_failed_task_shows_its_reason_on_the_card_and_in_the_detail(page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    task_id = await held(hub, "Migrate the invoices")
    await open_board(page, live.url)
    await expect(card(page, task_id)).to_be_visible(timeout=LIVE_TIMEOUT)
    await hub.work.respond(task_id, "alice", Status.FAILED, "The CLI exited with code 1", failure_reason="agent_exit")
    await expect(card(page, task_id).get_by_test_id("failure-reason")).to_have_text("agent_exit",
                                                                                  timeout=LIVE_TIMEOUT)
    await card(page, task_id).click()
    await expect(page.get_by_test_id("detail-failure-reason")).to_have_text("agent_exit", timeout=LIVE_TIMEOUT)
    await page.reload()  # the card as sync:full's row gives it
    await expect(page.get_by_test_id("detail-failure-reason")).to_have_text("agent_exit", timeout=LIVE_TIMEOUT)
    await page.get_by_label("Close").click()
    await expect(card(page, task_id).get_by_test_id("failure-reason")).to_have_text("agent_exit")

"""The Webhooks panel in a real Chromium against a real server, delivering to a real receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from tests.conftest import API_KEY, make_settings
from tests.e2e.test_dashboard import LIVE_TIMEOUT, XSS, enqueue, open_board, results_dir  # noqa: F401 (a fixture)
from tests.integration.hooks_support import Receiver, receiving
from tests.live import LiveServer
from waaah.config import Settings

pytestmark = pytest.mark.e2e

WAIT = LIVE_TIMEOUT / 1000


@pytest.fixture
def settings(database_url: str) -> Settings:
    """One failed delivery pauses a hook: a receiver that answers 503 pauses it at once."""
    return make_settings(database_url, WAAAH_HOOK_MAX_FAILURES="1")


def hook_item(panel: Locator, url: str) -> Locator:
    return panel.get_by_role("listitem", name=f"Webhook {url}", exact=True)


def got_a_task_event(receiver: Receiver) -> bool:
    return any(d.event.startswith("task:") for d in receiver.deliveries)


async def add_over_rest(url: str, hook_url: str) -> str:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}) as http:
        response = await http.post("/admin/hooks", json={"url": hook_url, "events": ["agent:*:status"]})
        response.raise_for_status()
        return str(response.json()["id"])


async def remove_over_rest(url: str, hook_id: str) -> None:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}) as http:
        (await http.delete(f"/admin/hooks/{hook_id}")).raise_for_status()


async def add_in_the_panel(panel: Locator, url: str, patterns: str) -> None:
    form = panel.get_by_role("form", name="Add a webhook")
    await form.get_by_label("URL").fill(url)
    await form.get_by_role("radio", name="Patterns").check()
    await form.get_by_role("textbox", name="Patterns (comma-separated)").fill(patterns)
    await form.get_by_role("button", name="Add webhook").click()


async def test_a_webhook_is_added_tested_paused_live_resumed_and_removed(
        page: Page, live: LiveServer, results_dir: Path) -> None:  # noqa: F811
    failing = {"on": False}
    receiver = Receiver(secret="", answer=lambda n: 503 if failing["on"] else 200)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/admin/hooks" in request.url else None)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    with receiving(receiver):
        await open_board(page, live.url)
        assert asked == [], "the hooks are read only when the panel opens"
        await page.get_by_role("button", name="Webhooks").click()
        panel = page.get_by_role("dialog", name="Webhooks")
        await expect(panel.get_by_test_id("hooks-empty")).to_be_visible(timeout=LIVE_TIMEOUT)

        # Bad input: the hub's message, and the form keeps what was typed.
        await add_in_the_panel(panel, "ftp://example.com/hook", "task:*:created")
        await expect(panel.get_by_test_id("hook-form-error")).to_have_text(
            "url: must be an http:// or https:// URL with a host")
        await expect(panel.get_by_label("URL")).to_have_value("ftp://example.com/hook")

        # Added: its secret is shown this once, and it is the one that signs the deliveries.
        await add_in_the_panel(panel, receiver.url, "task:*:created")
        secret = panel.get_by_label("Webhook secret")
        await expect(secret).to_have_value(re.compile(r"^\S{16,}$"))
        receiver.secret = await secret.input_value()
        item = hook_item(panel, receiver.url)
        await expect(item.get_by_test_id("hook-state")).to_have_text("Active")
        await expect(item).to_contain_text("task:*:created")
        await expect(panel.get_by_label("URL")).to_have_value("")
        await panel.get_by_role("button", name="Done").click()
        await expect(secret).to_have_count(0)

        # Test: the receiver gets a signed ping and the panel says it went through.
        await item.get_by_role("button", name="Test").click()
        await expect(item.get_by_test_id("hook-test-result")).to_have_text("Test delivered (HTTP 200)")
        await asyncio.to_thread(receiver.wait_for, lambda r: len(r.deliveries) == 1, WAIT)
        assert receiver.deliveries[0].event == "ping" and receiver.deliveries[0].signed

        # Elsewhere: a hook added over REST appears, its URL as text.
        other_url = f"{receiver.url}?{XSS}"
        other_id = await add_over_rest(live.url, other_url)
        other = panel.locator(f'.hook-item[data-hook-id="{other_id}"]')
        await expect(other.locator(".hook-url")).to_have_text(other_url, timeout=LIVE_TIMEOUT)
        await expect(other.get_by_test_id("hook-state")).to_have_text("Active")

        # A failed delivery pauses the hook in the hub: the panel shows it without a reload.
        failing["on"] = True
        await enqueue(live.url, prompt="wake the webhook", title="Wake the webhook")
        await expect(item.get_by_test_id("hook-state")).to_have_text("Paused", timeout=LIVE_TIMEOUT)
        await expect(item.get_by_test_id("hook-failures")).to_have_text("1")
        await expect(item.get_by_test_id("hook-last-error")).to_contain_text("503")
        await expect(item.get_by_test_id("hook-backlog")).to_have_text(re.compile(r"^[1-9]\d*$"), timeout=LIVE_TIMEOUT)
        await page.screenshot(path=str(results_dir / "dashboard-hooks.png"), full_page=True)

        # Resume: the held event is delivered.
        failing["on"] = False
        await item.get_by_role("button", name="Resume").click()
        await expect(item.get_by_test_id("hook-state")).to_have_text("Active", timeout=LIVE_TIMEOUT)
        await asyncio.to_thread(receiver.wait_for, got_a_task_event, WAIT)
        assert all(d.signed for d in receiver.deliveries)

        # Remove after a confirmation; the other one is removed elsewhere.
        await item.get_by_role("button", name="Remove").click()
        await item.get_by_role("button", name="Keep").click()
        await item.get_by_role("button", name="Remove").click()
        await item.get_by_role("button", name="Yes, remove").click()
        await expect(item).to_have_count(0)
        await remove_over_rest(live.url, other_id)
        await expect(panel.get_by_test_id("hooks-empty")).to_be_visible(timeout=LIVE_TIMEOUT)
    assert dialogs == []


async def test_the_secret_is_not_shown_again_after_the_panel_closes(page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    await page.get_by_role("button", name="Webhooks").click()
    panel = page.get_by_role("dialog", name="Webhooks")
    await add_in_the_panel(panel, "https://example.com/waaah", "task:*:updated, agent:*:status")
    await expect(panel.get_by_label("Webhook secret")).to_be_visible()
    await expect(panel.locator(".hook-item")).to_contain_text("task:*:updated, agent:*:status")
    await panel.get_by_role("button", name="Close").click()
    await expect(panel).to_have_count(0)
    await page.get_by_role("button", name="Webhooks").click()
    await expect(panel.locator(".hook-item")).to_contain_text("https://example.com/waaah")
    await expect(panel.get_by_label("Webhook secret")).to_have_count(0)


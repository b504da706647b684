"""The verification gate in a real Chromium against a real server: checks in the review, the refused
approval and its override, the merge queue panel, check badges and verification cards."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.async_api import Locator, Page, expect

from tests.conftest import API_KEY
from tests.e2e.scenes import DIFF
from tests.e2e.test_dashboard import LIVE_TIMEOUT, card, enqueue, open_board
from tests.live import LiveServer
from waaah.domain.lifecycle import Status
from waaah.service import Hub, NewTask

pytestmark = pytest.mark.e2e

COMMIT = "3f1c2a9be0d4c7f6a15e8b2d9c0f4e6a7b8c9d01"
VERIFY = "pytest -q tests/test_cart.py"
FAILING_OUTPUT = ("FAILED tests/test_cart.py::test_total\n"
                  "    assert total(cart) == 2\n"
                  "AssertionError: expected 2\n"
                  "<b>not bold</b>\n")


async def api(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    async with httpx.AsyncClient(base_url=url, headers={"X-API-Key": API_KEY}) as http:
        response = await http.request(method, path, json=body)
    assert response.is_success, response.text
    return response.json()


async def in_review_with_verify(hub: Hub, title: str) -> str:
    """A task with a verify command that alice worked on and submitted for review with its commit."""
    await hub.agents.register("alice", ("code-writing",), {"type": "local", "repoId": "shop"})
    task = await hub.tasks.create(NewTask(prompt=f"{title}\nin detail", title=title, capabilities=("code-writing",),
                                          workspace_id="shop", verify=(VERIFY,)))
    await hub.work.reserve(task.id, "alice")
    await hub.work.ack(task.id, "alice")
    await hub.work.respond(task.id, "alice", Status.IN_REVIEW, "Totals fixed", diff=DIFF, commit=COMMIT)
    return task.id


async def post_check(url: str, task_id: str, exit_code: int, output: str) -> None:
    await api(url, "POST", f"/admin/tasks/{task_id}/checks", {
        "stage": "pre-review", "command": VERIFY, "exitCode": exit_code, "durationMs": 4200,
        "output": output, "commit": COMMIT})


async def approved(hub: Hub, author: str, title: str) -> str:
    """A task of workspace `shop` that `author` submitted and a reviewer approved."""
    task = await hub.tasks.create(NewTask(prompt=f"{title}\nin detail", title=title, workspace_id="shop"))
    await hub.work.reserve(task.id, author)
    await hub.work.ack(task.id, author)
    await hub.work.respond(task.id, author, Status.IN_REVIEW, "Done", diff=DIFF)
    await hub.tasks.approve(task.id)
    return task.id


def queue_rows(page: Page) -> Locator:
    return page.get_by_test_id("merge-queue").locator("li[data-task-id]")


async def test_the_review_shows_a_failing_check_with_its_command_exit_code_and_output_as_text(
        page: Page, live: LiveServer) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    task_id = await in_review_with_verify(live.runtime.hub, "Fix the cart totals")
    await post_check(live.url, task_id, 1, FAILING_OUTPUT)
    await open_board(page, live.url)
    await card(page, task_id).click()

    section = page.get_by_test_id("checks")
    await expect(section.locator(".verify-command")).to_have_text(VERIFY, timeout=LIVE_TIMEOUT)
    check = section.get_by_test_id("check")
    await expect(check).to_have_count(1, timeout=LIVE_TIMEOUT)
    await expect(check).to_contain_text("failed (exit 1)")
    await expect(check).to_contain_text("pre-review")
    await expect(check.locator("code")).to_have_text(VERIFY)
    output = check.get_by_test_id("check-output")
    await expect(output).to_contain_text("AssertionError: expected 2")
    assert await output.evaluate("el => el.textContent") == FAILING_OUTPUT  # as text, markup and all
    assert await section.locator("b").count() == 0 and dialogs == []
    await expect(page.get_by_test_id("gate-hold")).to_contain_text(f"`{VERIFY}` failed with exit code 1")


async def test_approval_is_refused_by_the_gate_and_an_override_needs_a_reason_and_stays_on_record(
        page: Page, live: LiveServer) -> None:
    task_id = await in_review_with_verify(live.runtime.hub, "Fix the cart totals")
    await post_check(live.url, task_id, 1, FAILING_OUTPUT)
    await open_board(page, live.url)
    await card(page, task_id).click()
    await expect(page.get_by_test_id("check")).to_have_count(1, timeout=LIVE_TIMEOUT)

    detail = page.locator(f'.drawer[data-task-id="{task_id}"]')
    await detail.get_by_role("button", name="Approve", exact=True).click()
    refusal = page.locator(".notice.error")
    await expect(refusal).to_contain_text(f"The pre-review check `{VERIFY}` failed with exit code 1",
                                          timeout=LIVE_TIMEOUT)
    await expect(page.get_by_test_id("detail-status")).to_have_text("In review")

    form = detail.get_by_test_id("override-form")
    reason = form.get_by_label("Override reason")
    await form.get_by_role("button", name="Approve with override").click()
    assert await reason.evaluate("el => el.validity.valueMissing")  # the browser keeps the form unsent
    assert (await api(live.url, "GET", f"/admin/tasks/{task_id}"))["status"] == "IN_REVIEW"

    await reason.fill("flaky network test, passes locally")
    await form.get_by_role("button", name="Approve with override").click()
    await expect(page.get_by_test_id("detail-status")).not_to_have_text("In review", timeout=LIVE_TIMEOUT)
    recorded = page.get_by_test_id("override-reason")
    await expect(recorded).to_contain_text("flaky network test, passes locally", timeout=LIVE_TIMEOUT)
    await expect(page.get_by_test_id("gate-hold")).to_have_count(0)
    task = await api(live.url, "GET", f"/admin/tasks/{task_id}")
    assert task["status"] == "APPROVED_QUEUED"
    assert task["approvalOverride"]["reason"] == "flaky network test, passes locally"

    await page.reload()
    await expect(page.locator(f'.drawer[data-task-id="{task_id}"]')).to_be_visible(timeout=LIVE_TIMEOUT)
    await expect(page.get_by_test_id("override-reason")).to_contain_text("flaky network test, passes locally",
                                                                         timeout=LIVE_TIMEOUT)


async def test_the_merge_queue_panel_lists_approved_work_in_approval_order_and_follows_it_live(
        page: Page, live: LiveServer) -> None:
    hub = live.runtime.hub
    await hub.agents.register("bob", ("code-writing",), {"type": "local", "repoId": "shop"})
    await hub.agents.register("carol", ("code-writing",), {"type": "local", "repoId": "shop"})
    older = await hub.tasks.create(NewTask(prompt="Older task\nin detail", title="Older task", workspace_id="shop"))
    first = await approved(hub, "bob", "Approved first")
    await hub.work.reserve(older.id, "carol")
    await hub.work.ack(older.id, "carol")
    await hub.work.respond(older.id, "carol", Status.IN_REVIEW, "Done", diff=DIFF)
    await hub.tasks.approve(older.id)  # created before, approved after
    await hub.work.reserve(first, "bob")  # its author takes it back to merge it
    await hub.work.ack(first, "bob")

    await open_board(page, live.url)
    rows = queue_rows(page)
    await expect(rows).to_have_count(2, timeout=LIVE_TIMEOUT)
    assert [await rows.nth(i).get_attribute("data-task-id") for i in range(2)] == [first, older.id]
    await expect(rows.nth(0)).to_have_attribute("data-state", "merging")
    await expect(rows.nth(0).locator(".queue-state")).to_have_text("merging")
    await expect(rows.nth(0)).to_contain_text("Approved first")
    await expect(rows.nth(0).locator(".agent-tag")).to_have_text("@bob")
    await expect(rows.nth(1)).to_have_attribute("data-state", "waiting")
    await expect(rows.nth(1).locator(".queue-state")).to_have_text("waiting")
    await expect(page.get_by_test_id("merge-queue")).to_contain_text("shop")

    await hub.work.respond(first, "bob", Status.COMPLETED, "Merged")
    await expect(rows).to_have_count(1, timeout=LIVE_TIMEOUT)
    await expect(rows.first).to_have_attribute("data-task-id", older.id)
    await expect(rows.first).to_have_attribute("data-state", "waiting")


async def test_a_card_shows_its_check_badge_and_a_verification_task_shows_as_one(page: Page,
                                                                                 live: LiveServer) -> None:
    task_id = await in_review_with_verify(live.runtime.hub, "Fix the cart totals")
    await open_board(page, live.url)
    await expect(card(page, task_id)).to_be_visible(timeout=LIVE_TIMEOUT)
    await expect(card(page, task_id).get_by_test_id("check-badge")).to_have_count(0)
    await expect(card(page, task_id).get_by_test_id("verification")).to_have_count(0)

    await post_check(live.url, task_id, 1, FAILING_OUTPUT)
    badge = card(page, task_id).get_by_test_id("check-badge")
    await expect(badge).to_have_text("checks failed", timeout=LIVE_TIMEOUT)
    await post_check(live.url, task_id, 0, "1 passed\n")
    await expect(badge).to_have_text("checks passed", timeout=LIVE_TIMEOUT)

    verification = await enqueue(live.url, prompt="Run the plan's checks", title="V1 verify the plan",
                                 verification=True, verify=["make test"], workspaceId="shop")
    await expect(card(page, verification).get_by_test_id("verification")).to_have_text("verification",
                                                                                        timeout=LIVE_TIMEOUT)
    await page.reload()  # the card as sync:full's row gives it
    await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected",
                                                                     timeout=LIVE_TIMEOUT)
    await expect(card(page, verification).get_by_test_id("verification")).to_be_visible()
    await expect(card(page, task_id).get_by_test_id("check-badge")).to_have_text("checks passed")
    await card(page, verification).click()
    await expect(page.get_by_test_id("checks").locator("h3")).to_have_text("Plan verification",
                                                                           timeout=LIVE_TIMEOUT)

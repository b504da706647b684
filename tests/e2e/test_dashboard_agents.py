"""The dashboard with real agents: MCP clients (the official SDK, streamable HTTP) working against the
server the page watches, and people acting in the page while agents wait.

No sleeps: Playwright's expect with timeouts, and asyncio waits bounded by AGENT_BOUND.
"""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Page, expect

from tests.e2e.agents import AGENT_BOUND, card_in, delegated_task_id, waiting_for_prompt
from tests.e2e.scenes import DIFF
from tests.e2e.test_dashboard import card, enqueue, open_board
from tests.integration.mcp_support import mcp_agent
from tests.live import LiveServer

pytestmark = pytest.mark.e2e

APPEAR_BOUND = 1_000
"""The issue's requirement: a new task is on the board within 1 s, without reload."""
QUESTION = "Keep the old integer ids as a secondary column?"
ANSWER = "Yes: keep them as legacy_id, indexed"


async def test_tasks_made_over_rest_and_by_an_agents_assign_task_appear_within_a_second(
        page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    over_rest = await enqueue(live.url, prompt="Write the release notes", title="Made over REST")
    await expect(card_in(page, "todo", over_rest)).to_be_visible(timeout=APPEAR_BOUND)

    async with mcp_agent(live.url) as orchestrator:
        answer = await orchestrator.text("assign_task", prompt="Document the webhook retries",
                                         workspaceId="org/repo", requiredCapabilities=["doc-writing"])
        delegated = delegated_task_id(answer)
        await expect(card_in(page, "todo", delegated)).to_be_visible(timeout=APPEAR_BOUND)
    await expect(card(page, delegated)).to_contain_text("Document the webhook retries")
    await expect(card(page, over_rest)).to_contain_text("Made over REST")


async def test_an_agents_work_moves_the_card_and_an_approval_in_the_page_reaches_the_agent(
        page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    async with mcp_agent(live.url) as agent:
        await agent.register("ada", "code-writing")
        task_id = await enqueue(live.url, prompt="Refuse logins for disabled accounts", title="Disabled accounts",
                                requiredCapabilities=["code-writing"], workspaceId="org/repo")
        await expect(card_in(page, "todo", task_id)).to_be_visible()

        assert (await agent.json("wait_for_prompt", agentId="ada", timeout=30))["taskId"] == task_id
        await agent.json("ack_task", taskId=task_id, agentId="ada")
        await agent.json("update_progress", taskId=task_id, agentId="ada", message="Checking user.active",
                         phase="coding", percentage=50)
        await expect(card_in(page, "progress", task_id)).to_have_attribute("data-status", "IN_PROGRESS")

        await agent.json("send_response", taskId=task_id, agentId="ada", status="IN_REVIEW",
                         message="Disabled accounts are refused", diff=DIFF)
        await expect(card_in(page, "review", task_id)).to_have_attribute("data-status", "IN_REVIEW")

        await card(page, task_id).click()
        await expect(page.locator(".diff")).to_contain_text("account disabled")
        async with waiting_for_prompt(agent, live, "ada") as poll:
            await page.locator(".drawer").get_by_role("button", name="Approve", exact=True).click()
            back = await asyncio.wait_for(poll, AGENT_BOUND)
        assert back["taskId"] == task_id and back["approved"] is True
        await page.get_by_label("Close").click()
        await expect(card_in(page, "todo", task_id)).to_have_attribute("data-status", "APPROVED_PENDING_ACK")

        await agent.json("ack_task", taskId=task_id, agentId="ada")
        await expect(card_in(page, "progress", task_id)).to_be_visible()
        await agent.json("send_response", taskId=task_id, agentId="ada", status="COMPLETED", message="Merged")
        await expect(card_in(page, "done", task_id)).to_have_attribute("data-status", "COMPLETED")


async def test_an_answer_typed_in_the_page_returns_the_blocked_task_to_its_agent_with_the_answer(
        page: Page, live: LiveServer) -> None:
    await open_board(page, live.url)
    async with mcp_agent(live.url) as agent:
        await agent.register("bea", "doc-writing")
        task_id = await enqueue(live.url, prompt="Plan the orders table migration to UUID keys",
                                title="Orders: UUID keys", requiredCapabilities=["doc-writing"])
        assert (await agent.json("wait_for_prompt", agentId="bea", timeout=30))["taskId"] == task_id
        await agent.json("ack_task", taskId=task_id, agentId="bea")
        await agent.text("block_task", taskId=task_id, agentId="bea", reason="clarification", question=QUESTION,
                         summary="Two ways to migrate")
        await expect(card_in(page, "blocked", task_id)).to_be_visible()

        await card(page, task_id).click()
        await expect(page.locator(".blocked-reason")).to_have_text(QUESTION)
        async with waiting_for_prompt(agent, live, "bea") as poll:
            await page.locator(".drawer").get_by_label("Answer", exact=True).fill(ANSWER)
            await page.locator(".drawer").get_by_role("button", name="Answer", exact=True).click()
            back = await asyncio.wait_for(poll, AGENT_BOUND)
        assert back["taskId"] == task_id

        acked = await agent.json("ack_task", taskId=task_id, agentId="bea")
        assert [c["content"] for c in acked.get("unreadComments", [])] == [ANSWER]
        context = await agent.json("get_task_context", taskId=task_id)
        assert ANSWER in [m["content"] for m in context["messages"]]
        await expect(card_in(page, "progress", task_id)).to_be_visible()

"""`waaah bot slack` against a real hub and a local stand-in of Slack's Web API: what it posts, the
signed requests Slack would send when people press its buttons, fill its modals and type `/waaah`,
and the edits of its posts."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.conftest import API_KEY
from tests.integration.test_bot_support import (
    AGENT,
    Call,
    StandIn,
    blocked_on_question,
    bridge_env,
    bridge_running,
    finish,
    hub_running,
    in_review,
    standing_in,
    task,
)
from tests.live import LiveServer
from waaah.bots.run import Running
from waaah.bots.slack_bot import make_app

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
USER = "U0ALICE"
CHANNEL_ID = "C0CHANNEL"


POSTED = itertools.count(1)


def slack_answer(call: Call) -> Any:
    """What Slack's Web API answers: a new message gets its own `ts`, in the channel's id."""
    if call.path.endswith("/chat.postMessage"):
        return {"ok": True, "channel": CHANNEL_ID, "ts": f"1718000000.{next(POSTED):06d}",
                "message": {"text": call.body["text"]}}
    if call.path.endswith("/chat.update"):
        return {"ok": True, "channel": call.body["channel"], "ts": call.body["ts"]}
    return {"ok": True}


@pytest.fixture
async def hub_server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    async with hub_running(tmp_path) as server:
        yield server


@pytest.fixture
async def slack() -> AsyncIterator[StandIn]:
    async with standing_in(slack_answer) as stand_in:
        yield stand_in


def env_for(hub: LiveServer, slack: StandIn, tmp_path: Path) -> dict[str, str]:
    return bridge_env(hub, tmp_path, WAAAH_SLACK_BOT_TOKEN="xoxb-test", WAAAH_SLACK_SIGNING_SECRET=SECRET,
                      WAAAH_SLACK_CHANNEL="#waaah", WAAAH_SLACK_API_URL=f"{slack.url}/api/")


async def signed_post(bridge: Running, form: dict[str, str], secret: str = SECRET) -> httpx.Response:
    """A request as Slack sends it: form-encoded, signed with v0=HMAC-SHA256(secret, "v0:<ts>:<body>")."""
    body = urlencode(form)
    stamp = str(int(time.time()))
    signature = "v0=" + hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature,
               "Content-Type": "application/x-www-form-urlencoded"}
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{bridge.url}/slack", content=body, headers=headers)


def pressed(action_id: str, message: Call) -> dict[str, str]:
    payload = {"type": "block_actions", "trigger_id": "trigger-1", "user": {"id": USER, "username": "alice"},
               "channel": {"id": CHANNEL_ID}, "container": {"channel_id": CHANNEL_ID, "message_ts": "1"},
               "actions": [{"action_id": action_id, "type": "button", "value": action_id.rsplit(":", 1)[1]}],
               "message": {"blocks": message.body["blocks"]}}
    return {"payload": json.dumps(payload)}


def submitted(callback_id: str, task_id: str, text: str) -> dict[str, str]:
    view = {"callback_id": callback_id, "private_metadata": task_id,
            "state": {"values": {"text": {"text": {"type": "plain_text_input", "value": text}}}}}
    return {"payload": json.dumps({"type": "view_submission", "user": {"id": USER}, "view": view})}


def buttons(call: Call) -> list[str]:
    return [e["action_id"] for b in call.body["blocks"] if b["type"] == "actions" for e in b["elements"]]


def shown(call: Call) -> str:
    return json.dumps(call.body["blocks"])


async def test_a_question_is_posted_and_answered_from_a_modal(hub_server: LiveServer, slack: StandIn,
                                                              tmp_path: Path) -> None:
    async with bridge_running("slack", env_for(hub_server, slack, tmp_path), make_app) as bridge:
        task_id = await blocked_on_question(hub_server, "Postgres or SQLite?")
        await slack.wait_for(lambda s: len(s.named("/chat.postMessage")) == 1)
        post = slack.named("/chat.postMessage")[0]
        assert post.body["channel"] == "#waaah"
        assert buttons(post) == [f"waaah:answer:{task_id}"]
        assert "Postgres or SQLite?" in shown(post) and f"https://hub.example/admin/task/{task_id}" in shown(post)

        opened = await signed_post(bridge, pressed(f"waaah:answer:{task_id}", post))
        assert opened.status_code == 200
        views = slack.named("/views.open")
        assert len(views) == 1 and views[0].body["trigger_id"] == "trigger-1"
        assert views[0].body["view"]["private_metadata"] == task_id

        answered = await signed_post(bridge, submitted(views[0].body["view"]["callback_id"], task_id, "SQLite"))
        assert answered.status_code == 200
        now = await task(hub_server, task_id)
        assert now["status"] == "QUEUED" and now["messages"][-1]["content"] == "SQLite"
        await slack.wait_for(lambda s: bool(s.named("/chat.update")))
        update = slack.named("/chat.update")[-1]
        assert update.body["ts"] == post.answer["ts"]  # the same message, edited
        assert update.body["channel"] == CHANNEL_ID and buttons(update) == []
        assert f"Answered by <@{USER}>: SQLite" in shown(update)


async def test_a_review_is_approved_with_its_button_then_the_post_says_done(hub_server: LiveServer, slack: StandIn,
                                                                            tmp_path: Path) -> None:
    async with bridge_running("slack", env_for(hub_server, slack, tmp_path), make_app) as bridge:
        task_id = await in_review(hub_server, "a is 2 now")
        await slack.wait_for(lambda s: len(s.named("/chat.postMessage")) == 1)
        post = slack.named("/chat.postMessage")[0]
        assert buttons(post) == [f"waaah:approve:{task_id}", f"waaah:reject:{task_id}"]
        assert "Ready for review" in shown(post) and "a is 2 now" in shown(post)

        refused = await signed_post(bridge, pressed(f"waaah:approve:{task_id}", post), secret="not-the-secret")
        assert refused.status_code == 401
        assert (await task(hub_server, task_id))["status"] == "IN_REVIEW" and slack.named("/chat.update") == []

        approved = await signed_post(bridge, pressed(f"waaah:approve:{task_id}", post))
        assert approved.status_code == 200
        assert (await task(hub_server, task_id))["status"] == "APPROVED_QUEUED"
        await slack.wait_for(lambda s: bool(s.named("/chat.update")))
        first = slack.named("/chat.update")[0]
        assert buttons(first) == [] and f"Approved by <@{USER}>" in shown(first)

        await finish(hub_server, task_id)
        await slack.wait_for(lambda s: "done" in shown(s.named("/chat.update")[-1]))
        assert {c.body["ts"] for c in slack.named("/chat.update")} == {post.answer["ts"]}
        assert len(slack.named("/chat.postMessage")) == 1


async def test_reject_asks_for_feedback_and_sends_it_to_the_agent(hub_server: LiveServer, slack: StandIn,
                                                                  tmp_path: Path) -> None:
    async with bridge_running("slack", env_for(hub_server, slack, tmp_path), make_app) as bridge:
        task_id = await in_review(hub_server, "a is 2 now")
        await slack.wait_for(lambda s: len(s.named("/chat.postMessage")) == 1)
        post = slack.named("/chat.postMessage")[0]
        await signed_post(bridge, pressed(f"waaah:reject:{task_id}", post))
        view = slack.named("/views.open")[0].body["view"]
        empty = await signed_post(bridge, submitted(view["callback_id"], task_id, "  "))
        assert empty.json()["response_action"] == "errors"
        assert (await task(hub_server, task_id))["status"] == "IN_REVIEW"
        done = await signed_post(bridge, submitted(view["callback_id"], task_id, "a must be 3"))
        assert done.status_code == 200
        now = await task(hub_server, task_id)
        assert now["status"] == "QUEUED" and "a must be 3" in now["messages"][-1]["content"]
        await slack.wait_for(lambda s: any(f"Rejected by <@{USER}>: a must be 3" in shown(c)
                                           for c in s.named("/chat.update")))


async def test_the_slash_command_submits_shows_status_and_lists_agents(hub_server: LiveServer, slack: StandIn,
                                                                       tmp_path: Path) -> None:
    async with bridge_running("slack", env_for(hub_server, slack, tmp_path), make_app) as bridge:
        await in_review(hub_server, "registers the agent")
        command = {"command": "/waaah", "user_id": USER, "channel_id": CHANNEL_ID}
        made = (await signed_post(bridge, {**command, "text": "submit write the docs"})).json()
        task_id = made["text"].split()[1]
        assert (await task(hub_server, task_id))["prompt"] == "write the docs"
        status = (await signed_post(bridge, {**command, "text": f"status {task_id[-6:]}"})).json()
        assert task_id in status["text"] and "QUEUED" in status["text"]
        agents = (await signed_post(bridge, {**command, "text": "agents"})).json()
        assert AGENT in agents["text"]
        unknown = (await signed_post(bridge, {**command, "text": "answer task-1-nope hello"})).json()
        assert unknown["text"].startswith("The hub refused:")
        forged = await signed_post(bridge, {**command, "text": "submit forged"}, secret="wrong")
        assert forged.status_code == 401


async def test_a_restarted_bridge_edits_its_posts_instead_of_posting_again(hub_server: LiveServer, slack: StandIn,
                                                                            tmp_path: Path) -> None:
    env = env_for(hub_server, slack, tmp_path)
    async with bridge_running("slack", env, make_app):
        task_id = await in_review(hub_server, "before the restart")
        await slack.wait_for(lambda s: len(s.named("/chat.postMessage")) == 1)
    post = slack.named("/chat.postMessage")[0]
    async with httpx.AsyncClient(base_url=hub_server.url, headers={"X-API-Key": API_KEY}) as http:
        assert (await http.post(f"/admin/tasks/{task_id}/approve")).status_code == 200  # while the bridge is down
    async with bridge_running("slack", env, make_app):
        await slack.wait_for(lambda s: bool(s.named("/chat.update")))
        update = slack.named("/chat.update")[0]
        assert "Approved, waiting to merge" in shown(update) and buttons(update) == []
        assert update.body["ts"] == post.answer["ts"]
    assert len(slack.named("/chat.postMessage")) == 1

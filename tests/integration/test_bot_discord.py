"""`waaah bot discord` against a real hub and a local stand-in of Discord's HTTP API: the command it
registers, the messages it sends and edits, and interactions signed with Ed25519 as Discord signs
them (a bad signature refused, nothing changed)."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nacl.signing import SigningKey

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
from waaah.bots.discord_bot import make_app
from waaah.bots.run import Running

CHANNEL = "1100000000000000001"
APPLICATION = "1200000000000000002"
USER = "1300000000000000003"
SIGNING = SigningKey.generate()
SENT = itertools.count(1400000000000000000)


def discord_answer(call: Call) -> Any:
    """What Discord's HTTP API answers the calls the bridge makes."""
    if call.path.endswith("/users/@me"):
        return {"id": APPLICATION, "username": "waaah", "discriminator": "0", "avatar": None}
    if call.path.endswith("/oauth2/applications/@me"):
        return {"id": APPLICATION, "name": "waaah"}
    if call.method == "POST" and call.path.endswith(f"/channels/{CHANNEL}/messages"):
        return {"id": str(next(SENT)), "channel_id": CHANNEL, **call.body}
    return call.body if isinstance(call.body, (dict, list)) else {}


@pytest.fixture
async def hub_server(tmp_path: Path) -> AsyncIterator[LiveServer]:
    async with hub_running(tmp_path) as server:
        yield server


@pytest.fixture
async def discord_api() -> AsyncIterator[StandIn]:
    async with standing_in(discord_answer) as stand_in:
        yield stand_in


@pytest.fixture
async def bridge(hub_server: LiveServer, discord_api: StandIn, tmp_path: Path) -> AsyncIterator[Running]:
    env = bridge_env(hub_server, tmp_path, WAAAH_DISCORD_BOT_TOKEN="bot-token",
                     WAAAH_DISCORD_PUBLIC_KEY=SIGNING.verify_key.encode().hex(), WAAAH_DISCORD_CHANNEL_ID=CHANNEL,
                     WAAAH_DISCORD_API_URL=f"{discord_api.url}/api/v10")
    async with bridge_running("discord", env, make_app) as running:
        yield running


async def interaction(bridge: Running, body: dict[str, Any], key: SigningKey = SIGNING) -> httpx.Response:
    """An interaction as Discord sends it: signed Ed25519(timestamp + body), hex in the headers."""
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    headers = {"X-Signature-Ed25519": key.sign(stamp.encode() + raw).signature.hex(),
               "X-Signature-Timestamp": stamp, "Content-Type": "application/json"}
    async with httpx.AsyncClient(timeout=30) as http:
        return await http.post(f"{bridge.url}/discord/interactions", content=raw, headers=headers)


def clicked(custom_id: str, message_id: str) -> dict[str, Any]:
    return {"type": 3, "id": "1", "token": "t", "channel_id": CHANNEL, "member": {"user": {"id": USER}},
            "message": {"id": message_id}, "data": {"custom_id": custom_id, "component_type": 2}}


def modal_sent(custom_id: str, text: str) -> dict[str, Any]:
    rows = [{"type": 1, "components": [{"type": 4, "custom_id": "text", "value": text}]}]
    return {"type": 5, "id": "2", "token": "t", "member": {"user": {"id": USER}},
            "data": {"custom_id": custom_id, "components": rows}}


def slash(sub: str, **options: str) -> dict[str, Any]:
    given = [{"type": 3, "name": k, "value": v} for k, v in options.items()]
    return {"type": 2, "id": "3", "token": "t", "member": {"user": {"id": USER}},
            "data": {"name": "waaah", "options": [{"type": 1, "name": sub, "options": given}]}}


def buttons(call: Call) -> list[str]:
    return [b["custom_id"] for row in call.body["components"] for b in row["components"]]


def sent(api: StandIn) -> list[Call]:
    return [c for c in api.named(f"/channels/{CHANNEL}/messages") if c.method == "POST"]


def edits(api: StandIn) -> list[Call]:
    return [c for c in api.calls if c.method == "PATCH"]


async def test_it_logs_in_registers_the_command_and_answers_pings(bridge: Running, discord_api: StandIn) -> None:
    registered = [c for c in discord_api.calls if c.method == "PUT"]
    assert registered[0].path == f"/api/v10/applications/{APPLICATION}/commands"
    assert [o["name"] for o in registered[0].body[0]["options"]] == ["submit", "status", "answer", "agents"]
    assert (await interaction(bridge, {"type": 1})).json() == {"type": 1}
    forged = await interaction(bridge, {"type": 1}, key=SigningKey.generate())
    assert forged.status_code == 401


async def test_a_question_is_posted_and_answered_from_a_modal(bridge: Running, hub_server: LiveServer,
                                                              discord_api: StandIn) -> None:
    task_id = await blocked_on_question(hub_server, "Postgres or SQLite?")
    await discord_api.wait_for(lambda api: len(sent(api)) == 1)
    post = sent(discord_api)[0]
    assert buttons(post) == [f"waaah:answer:{task_id}"]
    assert "Postgres or SQLite?" in post.body["content"]
    assert f"(https://hub.example/admin/task/{task_id})" in post.body["content"]

    opened = (await interaction(bridge, clicked(f"waaah:answer:{task_id}", post.answer["id"]))).json()
    assert opened["type"] == 9 and opened["data"]["custom_id"] == f"waaah:answer:{task_id}"
    done = await interaction(bridge, modal_sent(opened["data"]["custom_id"], "SQLite"))
    assert done.json() == {"type": 6}
    now = await task(hub_server, task_id)
    assert now["status"] == "QUEUED" and now["messages"][-1]["content"] == "SQLite"
    await discord_api.wait_for(lambda api: bool(edits(api)))
    edit = edits(discord_api)[-1]
    assert edit.path == f"/api/v10/channels/{CHANNEL}/messages/{post.answer['id']}"
    assert edit.body["components"] == [] and f"Answered by <@{USER}>: SQLite" in edit.body["content"]


async def test_a_review_is_approved_and_a_forged_approval_is_refused(bridge: Running, hub_server: LiveServer,
                                                                     discord_api: StandIn) -> None:
    task_id = await in_review(hub_server, "a is 2 now")
    await discord_api.wait_for(lambda api: len(sent(api)) == 1)
    post = sent(discord_api)[0]
    assert buttons(post) == [f"waaah:approve:{task_id}", f"waaah:reject:{task_id}"]

    forged = await interaction(bridge, clicked(f"waaah:approve:{task_id}", post.answer["id"]), SigningKey.generate())
    assert forged.status_code == 401
    assert (await task(hub_server, task_id))["status"] == "IN_REVIEW" and edits(discord_api) == []

    approved = await interaction(bridge, clicked(f"waaah:approve:{task_id}", post.answer["id"]))
    assert approved.json() == {"type": 6}
    assert (await task(hub_server, task_id))["status"] == "APPROVED_QUEUED"
    await discord_api.wait_for(lambda api: bool(edits(api)))
    assert edits(discord_api)[0].body["components"] == []
    assert f"Approved by <@{USER}>" in edits(discord_api)[0].body["content"]
    again = (await interaction(bridge, clicked(f"waaah:approve:{task_id}", post.answer["id"]))).json()
    assert again["type"] == 4 and again["data"]["content"].startswith("The hub refused:")

    await finish(hub_server, task_id)
    await discord_api.wait_for(lambda api: "done" in edits(api)[-1].body["content"])
    assert len(sent(discord_api)) == 1


async def test_the_waaah_command_submits_shows_status_and_lists_agents(bridge: Running, hub_server: LiveServer) -> None:
    await in_review(hub_server, "registers the agent")
    made = (await interaction(bridge, slash("submit", prompt="write the docs"))).json()
    assert made["type"] == 4 and made["data"]["flags"] == 64
    task_id = made["data"]["content"].split()[1]
    assert (await task(hub_server, task_id))["prompt"] == "write the docs"
    status = (await interaction(bridge, slash("status", id=task_id))).json()
    assert "QUEUED" in status["data"]["content"]
    agents = (await interaction(bridge, slash("agents"))).json()
    assert AGENT in agents["data"]["content"]

"""How events reach sockets: written straight to plain websockets, through Engine.IO otherwise, and in
order either way (seq strictly increasing, none missing, nothing before `connect` and `sync:full`)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import API_KEY, make_settings
from tests.integration.socket_support import Client, auth, connector
from tests.live import serve_in_process
from waaah.service import NewTask

WRITES = 40


async def receive_in_order(client: Client, live: Any) -> list[int]:
    """Connect, then `WRITES` commits made back to back; the seqs of what arrived, in arrival order."""
    await client.expect("connect")
    snapshot = await client.expect("sync:full")
    hub = live.runtime.hub
    for i in range(WRITES):
        await hub.tasks.create(NewTask(prompt=f"burst {i}"))
    seqs = [snapshot["seq"]]
    while len(seqs) <= WRITES:
        name, data = await client.next()
        assert name.startswith("task:") and name.endswith(":created"), (name, data)
        seqs.append(data["seq"])
    return seqs


# transports None: long polling first, then the upgrade to a websocket. No python-socketio client on
# polling alone: python-engineio's client refuses a poll answer holding more than 16 packets, which a
# burst of commits produces (socket.io-client has no such limit).
@pytest.mark.parametrize(("kind", "transports", "direct"), [
    ("python", ["websocket"], True), ("python", None, True),
    ("js", ["websocket"], True), ("js", ["polling"], False), ("js", None, True)])
async def test_events_arrive_in_order_on_every_transport(database_url: str, kind: str,
                                                         transports: list[str] | None, direct: bool) -> None:
    async with serve_in_process(make_settings(database_url)) as live:
        wire = live.app.app.state.sockets.wire
        async with connector(kind)(live.url, auth(subscribe=["task:*:*"]), transports=transports) as client:
            seqs = await receive_in_order(client, live)
    assert seqs == list(range(seqs[0], seqs[0] + WRITES + 1))
    assert (wire.direct > 0) is direct  # long polling always goes through Engine.IO


async def test_compressed_websockets_get_every_event_through_engine_io(database_url: str) -> None:
    """socket.io-client in node offers permessage-deflate; with WAAAH_WS_DEFLATE=on it is negotiated,
    and a raw frame would be wrong for that socket, so nothing is written to it directly."""
    async with serve_in_process(make_settings(database_url, WAAAH_WS_DEFLATE="on")) as live:
        wire = live.app.app.state.sockets.wire
        async with connector("js")(live.url, auth(subscribe=["task:*:*"]), transports=["websocket"]) as client:
            seqs = await receive_in_order(client, live)
    assert seqs == list(range(seqs[0], seqs[0] + WRITES + 1))
    assert wire.direct == 0 and wire.queued >= WRITES


async def test_metrics_count_the_sockets_and_how_messages_reached_them(database_url: str) -> None:
    async with serve_in_process(make_settings(database_url)) as live:
        wire = live.app.app.state.sockets.wire
        async with connector("js")(live.url, auth(subscribe=["task:*:*"]), transports=["websocket"]) as client, \
                httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}) as http:
            await receive_in_order(client, live)
            lines = (await http.get("/metrics")).text.splitlines()
    assert "waaah_sockets 1" in lines
    assert f'waaah_socket_messages_total{{path="direct"}} {wire.direct}' in lines and wire.direct >= WRITES
    assert f'waaah_socket_messages_total{{path="queued"}} {wire.queued}' in lines

"""The runner's retry policy when the hub goes away: which failures are tried again, the backoff, one line
per outage, and the writes (ack_task, send_response) that are sent again only when they did not land."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from waaah.commands.agent_link import HubUnreachable, ToolReply, hub_error, unreachable_reason
from waaah.commands.client import Connection, ServerError
from waaah.runner.hub import HubClient, ToolFailed
from waaah.runner.outage import MAX_DELAY, Outage, delay

URL = "http://127.0.0.1:9"
REQUEST = httpx.Request("POST", f"{URL}/mcp/tools/wait_for_prompt")


@pytest.mark.parametrize("exc", [
    httpx.ConnectError("[Errno 111] Connection refused", request=REQUEST),
    httpx.ConnectTimeout("timed out", request=REQUEST),
    httpx.RemoteProtocolError("Server disconnected without sending a response.", request=REQUEST),
    httpx.ReadError("[Errno 104] Connection reset by peer", request=REQUEST),
    httpx.WriteError("broken pipe", request=REQUEST),
])
def test_a_hub_that_refuses_or_drops_the_connection_is_unreachable(exc: httpx.HTTPError) -> None:
    assert unreachable_reason(exc) is not None
    error = hub_error(exc, URL)
    assert isinstance(error, HubUnreachable) and URL in error.message


@pytest.mark.parametrize("exc", [
    httpx.ReadTimeout("timed out", request=REQUEST),
    httpx.PoolTimeout("no connection", request=REQUEST),
    httpx.UnsupportedProtocol("ftp://", request=REQUEST),
])
def test_a_hub_that_is_there_but_slow_or_a_bad_url_is_not_retried(exc: httpx.HTTPError) -> None:
    assert unreachable_reason(exc) is None
    assert not isinstance(hub_error(exc, URL), HubUnreachable)


def test_the_backoff_starts_at_a_quarter_second_doubles_is_capped_and_jittered() -> None:
    assert [delay(n, lambda: 1.0) for n in range(6)] == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0]
    assert delay(0, lambda: 0.0) == 0.125
    assert delay(1000, lambda: 1.0) == MAX_DELAY


class Script:
    """Answers in order: an exception is raised, anything else returned."""

    def __init__(self, *answers: object) -> None:
        self.answers = list(answers)
        self.calls = 0

    async def __call__(self) -> Any:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def outage(said: list[str], reached: bool = True) -> Outage:
    async def no_pause(seconds: float) -> None:
        assert 0 < seconds <= MAX_DELAY

    watch = Outage(URL, said.append, no_pause)
    watch.reached = reached
    return watch


def down() -> HubUnreachable:
    return HubUnreachable("cannot reach", "cannot connect")


async def test_an_outage_is_ridden_out_with_one_line_when_it_starts_and_one_when_the_hub_is_back() -> None:
    said: list[str] = []
    watch = outage(said)
    attempt = Script(down(), down(), down(), "answer")
    assert await watch.ride(attempt) == "answer"
    assert attempt.calls == 4
    assert said == [f"waaah agent run: hub unreachable at {URL} (cannot connect), retrying",
                    f"waaah agent run: hub back at {URL}"]
    assert watch.count == 1 and watch.reason is None


async def test_a_hub_never_reached_is_an_error_at_once() -> None:
    said: list[str] = []
    with pytest.raises(HubUnreachable):
        await outage(said, reached=False).ride(Script(down(), "answer"))
    assert said == []


@pytest.mark.parametrize("answer", [ServerError("the server refused the API key", 401),
                                    ServerError("answered HTTP 500", 500), ToolFailed("ack_task: refused")])
async def test_an_error_answer_ends_the_outage_and_is_raised_not_retried(answer: ServerError) -> None:
    said: list[str] = []
    attempt = Script(down(), answer, "never asked")
    with pytest.raises(ServerError) as raised:
        await outage(said).ride(attempt)
    assert raised.value is answer and attempt.calls == 2
    assert said[-1] == f"waaah agent run: hub back at {URL}"


async def test_a_call_that_is_not_retried_fails_at_once_even_after_the_hub_answered() -> None:
    with pytest.raises(HubUnreachable):
        await outage([]).ride(Script(down(), "answer"), retry=False)


class Link:
    """The hub's tool route, scripted per call; records what was sent."""

    def __init__(self, *answers: object) -> None:
        self.script = Script(*answers)
        self.sent: list[str] = []

    async def call(self, tool: str, args: dict[str, Any]) -> ToolReply:
        self.sent.append(tool)
        result: ToolReply = await self.script()
        return result

    async def close(self) -> None:
        return None


def hub_with(link: Link, task: dict[str, Any]) -> HubClient:
    hub = HubClient(Connection(URL, "key", "test"), outage([]))
    hub._tools = link  # type: ignore[assignment]

    async def read(task_id: str) -> dict[str, Any]:
        return task

    hub.task = read  # type: ignore[method-assign]
    return hub


OK = ToolReply('{"success":true}')


async def test_an_ack_cut_off_after_it_landed_is_not_sent_again() -> None:
    link = Link(down())
    hub = hub_with(link, {"status": "ASSIGNED", "assignedTo": "a-1"})
    await hub.ack("task-1", "a-1")
    assert link.sent == ["ack_task"]


async def test_an_ack_cut_off_before_it_landed_is_sent_again() -> None:
    link = Link(down(), OK)
    hub = hub_with(link, {"status": "PENDING_ACK", "pendingAckAgentId": "a-1"})
    await hub.ack("task-1", "a-1")
    assert link.sent == ["ack_task", "ack_task"]


async def test_a_response_cut_off_after_it_landed_is_not_sent_again() -> None:
    link = Link(down())
    hub = hub_with(link, {"status": "COMPLETED", "response": {"message": "Merged into main"}})
    await hub.respond("task-1", "a-1", "COMPLETED", "Merged into main")
    assert link.sent == ["send_response"]


async def test_a_response_cut_off_before_it_landed_is_sent_again_and_a_refusal_is_raised() -> None:
    link = Link(down(), ToolReply('{"success":false,"error":"not the holder"}', is_error=True))
    hub = hub_with(link, {"status": "IN_PROGRESS", "assignedTo": "a-1"})
    with pytest.raises(ToolFailed):
        await hub.respond("task-1", "a-1", "IN_REVIEW", "Done")
    assert link.sent == ["send_response", "send_response"]

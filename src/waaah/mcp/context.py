"""What a tool handler is given (the hub, the caller) and what it returns (a text result)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from waaah.errors import BadRequest
from waaah.jsontext import compact
from waaah.longpoll import LongPolls
from waaah.service import Hub
from waaah.service.queries import Queries

Args = dict[str, Any]
Progress = Callable[[float, float | None, str], Awaitable[None]]
"""Sends a progress notification: (progress so far, total or None, message)."""
MAX_SESSIONS = 10_000


@dataclass(frozen=True)
class ToolResult:
    """An MCP tool result: one text block, and whether it reports an error."""

    text: str
    is_error: bool = False

    @classmethod
    def of_json(cls, value: Any, is_error: bool = False) -> ToolResult:
        return cls(compact(value), is_error)

    @classmethod
    def error(cls, text: str) -> ToolResult:
        return cls(text, True)

    def envelope(self) -> dict[str, Any]:
        """The reference's wire shape: `{content: [{type: "text", text}], isError?: true}`."""
        body: dict[str, Any] = {"content": [{"type": "text", "text": self.text}]}
        if self.is_error:
            body["isError"] = True
        return body


@dataclass(frozen=True)
class Caller:
    """Who is calling, as far as the transport knows: its MCP session (if any) and a progress channel."""

    session_id: str | None = None
    progress: Progress | None = None


class SessionAgents:
    """The agent each MCP session registered as, so later calls may omit `agentId` (bounded, newest kept)."""

    def __init__(self, limit: int = MAX_SESSIONS) -> None:
        self._agents: OrderedDict[str, str] = OrderedDict()
        self._limit = limit

    def remember(self, session_id: str | None, agent_id: str) -> None:
        if session_id is None:
            return
        self._agents[session_id] = agent_id
        self._agents.move_to_end(session_id)
        while len(self._agents) > self._limit:
            self._agents.popitem(last=False)

    def agent_of(self, session_id: str | None) -> str | None:
        return self._agents.get(session_id) if session_id is not None else None


@dataclass
class Deps:
    """Everything handlers use: the service (the only writer), the read side and the long polls."""

    hub: Hub
    queries: Queries
    polls: LongPolls
    sessions: SessionAgents

    def caller_id(self, args: Args, caller: Caller) -> str:
        """The calling agent: `agentId` when given, else the agent registered on this session."""
        given = args.get("agentId")
        if isinstance(given, str) and given:
            return given
        registered = self.sessions.agent_of(caller.session_id)
        if registered is not None:
            return registered
        raise BadRequest("agentId is required: pass agentId (the id you registered with register_agent); "
                         "this connection has no MCP session that registered an agent", field="agentId")

    def reporter_id(self, args: Args, caller: Caller) -> str | None:
        """The agent reporting on a task: `agentId`, else this session's agent, else None (the lease holder).

        Clients without MCP sessions (the reference's proxy) never name themselves on the reporting tools;
        the service then takes the task's holder, and still refuses a named agent that is not it."""
        given = args.get("agentId")
        if isinstance(given, str) and given:
            return given
        return self.sessions.agent_of(caller.session_id)

    def optional_caller(self, args: Args, caller: Caller) -> str | None:
        given = args.get("agentId") or args.get("sourceAgentId")
        return given if isinstance(given, str) and given else self.sessions.agent_of(caller.session_id)

"""Socket.IO at `/socket.io/`: handshake auth, `sync:full` or replay on connect, subscriptions, resume.

The transport only: it parses what clients send, maps `WaaahError` to the `error` event, and hands
the work to `waaah.realtime` (the board and the fan-out). No route or handler emits task or agent
events; they all come from the bus, after commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import socketio  # type: ignore[import-untyped]
from starlette.types import ASGIApp, Receive, Scope, Send

from waaah.config import Settings
from waaah.domain.json_limits import MAX_INT, check_input
from waaah.doorbell import Doorbell
from waaah.errors import BadRequest, Throttled, WaaahError
from waaah.realtime.board import Board
from waaah.realtime.fanout import Fanout, Listener
from waaah.realtime.refill import keep_filled
from waaah.realtime.subscriptions import parse_patterns
from waaah.realtime.wire import Wire
from waaah.runtime import Runtime
from waaah.web.guard import client_address, keys_match, refuse_wrong_key
from waaah.web.throttle import KeyThrottle

log = logging.getLogger(__name__)
PATH = "/socket.io"
NAMESPACE = "/"
MISSING = ("Authentication required: Missing API key", {"code": "AUTH_MISSING"})
INVALID = ("Authentication failed: Invalid API key", {"code": "AUTH_INVALID"})


def parse_since(raw: object) -> int | None:
    """`request:sync`'s argument: `{since: n}` or `n`; None (or no `since`) asks for a sync:full."""
    since = raw.get("since") if isinstance(raw, dict) else raw
    if since is None:
        return None
    if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= MAX_INT:
        raise BadRequest(f"since must be a non-negative integer (the last seq you applied), got {since!r}",
                         field="since")
    return since


def error_body(error: WaaahError) -> dict[str, Any]:
    return {"code": error.code, "message": error.message, **error.details}


def _patterns_arg(data: object) -> object:
    return data.get("patterns") if isinstance(data, dict) else data


class WithSockets:
    """The API app, except that `/socket.io/` goes straight to Socket.IO.

    Routing here, rather than mounting Socket.IO inside the API, keeps no HTTP middleware frames
    open for the life of each socket (about 6 KiB a socket). Everything else (`state`, `openapi`,
    the lifespan) is the API's own.
    """

    def __init__(self, api: ASGIApp, sockets: ASGIApp) -> None:
        self.api = api
        self.sockets = sockets

    def __getattr__(self, name: str) -> Any:
        return getattr(self.api, name)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "lifespan" and (path == PATH or path.startswith(PATH + "/")):
            await self.sockets(scope, receive, send)
        else:
            await self.api(scope, receive, send)


class _Manager(socketio.AsyncManager):  # type: ignore[misc]
    """Tells the channel when a socket is fully connected (its CONNECT packet is on its way)."""

    def __init__(self, on_connected: Callable[[str], None]) -> None:
        super().__init__()
        self.on_connected = on_connected

    async def connect(self, sid: str, namespace: str) -> Any:
        result = await super().connect(sid, namespace)
        if namespace == NAMESPACE:
            self.on_connected(sid)
        return result


class Channel:
    """The Socket.IO server of one app; `serving(runtime)` runs it inside the app's lifespan."""

    def __init__(self, settings: Settings, throttle: KeyThrottle | None = None) -> None:
        self.settings = settings
        self.throttle = KeyThrottle() if throttle is None else throttle
        self.fanout: Fanout | None = None
        self._welcome: dict[str, tuple[int | None, WaaahError | None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        origins = list(settings.cors_origins) or None  # None: same origin only, as the REST API
        self.server = socketio.AsyncServer(async_mode="asgi", client_manager=_Manager(self._connected),
                                           cors_allowed_origins=origins, logger=False, engineio_logger=False)
        self.app = socketio.ASGIApp(self.server, socketio_path=PATH.strip("/"))
        self.wire = Wire(self.server.eio)
        for name, handler in (("connect", self._connect), ("disconnect", self._disconnect),
                              ("subscribe", self._subscribe), ("unsubscribe", self._unsubscribe),
                              ("request:sync", self._request_sync)):
            self.server.on(name, handler)

    @contextlib.asynccontextmanager
    async def serving(self, runtime: Runtime) -> AsyncIterator[None]:
        """Load the board from a consistent read, follow the bus, deliver until the app stops."""
        bus, bell = runtime.hub.bus, Doorbell()
        board = Board(self.settings.sync_finished_limit, bell.ring)
        fanout = Fanout(board, self.wire.send, runtime.queries.events_between, runtime.queries.full_sync,
                        self.wire.write_now)
        unsubscribe = [bus.subscribe(board.apply), bus.subscribe(fanout.publish)]
        delivery = asyncio.create_task(fanout.run(), name="waaah-socket-delivery")
        refill = asyncio.create_task(keep_filled(board, runtime.queries.board_refill, bell),
                                     name="waaah-board-refill")
        try:
            board.load(*await runtime.queries.snapshot(board.keep))
            self.fanout = fanout
            yield
        finally:
            self.fanout = None
            bell.close()
            refill.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refill
            for stop in unsubscribe:
                stop()
            for task in (delivery, *self._tasks):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # --- connection ----------------------------------------------------------------------------
    async def _connect(self, sid: str, environ: dict[str, Any], auth: object) -> None:
        given = auth if isinstance(auth, dict) else {}
        try:
            check_input(given, "auth")  # before the key is compared: it may hold a lone surrogate
        except WaaahError as error:
            raise socketio.exceptions.ConnectionRefusedError(error.message, error_body(error)) from None
        key = given.get("apiKey")
        if not isinstance(key, str) or not key:
            raise socketio.exceptions.ConnectionRefusedError(*MISSING)
        if not keys_match(key, self.settings.api_key):
            self._refuse_key(environ, key)
        if self.fanout is None:
            raise socketio.exceptions.ConnectionRefusedError("The hub is not ready", {"code": "UNAVAILABLE"})
        try:
            patterns = parse_patterns(given["subscribe"], "subscribe") if given.get("subscribe") else None
        except WaaahError as error:
            raise socketio.exceptions.ConnectionRefusedError(error.message, error_body(error)) from None
        try:
            welcome: tuple[int | None, WaaahError | None] = (parse_since(given.get("since")), None)
        except WaaahError as error:
            welcome = (None, error)
        whole = patterns is None and given.get("cards") is not True
        self.fanout.attach(sid, self.server.manager.eio_sid_from_sid(sid, NAMESPACE), patterns, whole)
        self._welcome[sid] = welcome

    def _refuse_key(self, environ: dict[str, Any], key: str) -> None:
        """A wrong key: AUTH_INVALID, or AUTH_THROTTLED once its address has sent too many (as over REST)."""
        try:
            refuse_wrong_key(self.throttle, client_address(environ.get("asgi.scope") or {}), key, INVALID[0])
        except Throttled as error:
            raise socketio.exceptions.ConnectionRefusedError(error.message, error_body(error)) from None
        except WaaahError:
            raise socketio.exceptions.ConnectionRefusedError(*INVALID) from None

    def _connected(self, sid: str) -> None:
        listener = self._listener(sid)
        since, problem = self._welcome.pop(sid, (None, None))
        if listener is not None:
            self._spawn(self._greet(listener, since, problem))

    async def _greet(self, listener: Listener, since: int | None, problem: WaaahError | None) -> None:
        assert self.fanout is not None
        if problem is not None:
            await self.fanout.emit(listener, "error", error_body(problem))
        await self.fanout.sync(listener, since)

    async def _disconnect(self, sid: str, reason: object = None) -> None:
        self._welcome.pop(sid, None)
        if self.fanout is not None:
            self.fanout.detach(sid)

    # --- client requests -----------------------------------------------------------------------
    async def _subscribe(self, sid: str, data: object = None) -> dict[str, Any]:
        return await self._change(sid, data, adding=True)

    async def _unsubscribe(self, sid: str, data: object = None) -> dict[str, Any]:
        return await self._change(sid, data, adding=False)

    async def _change(self, sid: str, data: object, adding: bool) -> dict[str, Any]:
        listener = self._listener(sid)
        if listener is None or self.fanout is None:
            return {}
        try:
            check_input(data)
            given = parse_patterns(_patterns_arg(data), "patterns")
        except WaaahError as error:
            return await self._refuse(listener, error)
        if adding:
            self.fanout.resubscribe(listener, tuple(dict.fromkeys((*(listener.patterns or ()), *given))))
        elif listener.patterns is not None:
            self.fanout.resubscribe(listener, tuple(p for p in listener.patterns if p not in given))
        return {"patterns": list(listener.patterns or ()), "all": listener.patterns is None}

    async def _request_sync(self, sid: str, data: object = None) -> dict[str, Any]:
        listener = self._listener(sid)
        if listener is None or self.fanout is None:
            return {}
        try:
            check_input(data)
            since = parse_since(data)
        except WaaahError as error:
            return await self._refuse(listener, error)
        await self.fanout.sync(listener, since, ack=True)
        return {"seq": listener.last_seq}

    async def _refuse(self, listener: Listener, error: WaaahError) -> dict[str, Any]:
        """Map a bad request to the `error` event (and the ack, for clients that asked for one)."""
        assert self.fanout is not None
        body = error_body(error)
        await self.fanout.emit(listener, "error", body)
        return {"error": body}

    def _listener(self, sid: str) -> Listener | None:
        return None if self.fanout is None else self.fanout.listeners.get(sid)

    def _spawn(self, work: Any) -> None:
        task: asyncio.Task[None] = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("socket sync failed", exc_info=task.exception())

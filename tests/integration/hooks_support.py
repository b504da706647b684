"""A real webhook receiver for tests: an HTTP server on 127.0.0.1 (its own thread) that checks each
delivery's signature, records it, and answers as the test scripts it (200, 503, or hold the answer)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from waaah.hooks.signing import EVENT_HEADER, SEQ_HEADER, SIGNATURE_HEADER, verify

WAIT = 30.0


@dataclass
class Delivery:
    seq: int
    event: str
    body: dict[str, Any]
    signed: bool
    header_seq: str | None


@dataclass
class Receiver:
    """`answer(n)` gives the status for the n-th request (from 1); `hold` makes a request wait before
    answering until `release` is set (a hub killed meanwhile never gets the answer)."""

    secret: str
    answer: Callable[[int], int] = lambda n: 200
    hold: Callable[[Delivery], bool] = lambda d: False
    deliveries: list[Delivery] = field(default_factory=list)
    requests: int = 0
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    changed: threading.Condition = field(default_factory=threading.Condition)
    url: str = ""

    def record(self, raw: bytes, headers: Any) -> int:
        body = json.loads(raw)
        signed = verify(self.secret, headers.get(SIGNATURE_HEADER, ""), raw, int(time.time()))
        delivery = Delivery(body["seq"], headers.get(EVENT_HEADER, ""), body, signed, headers.get(SEQ_HEADER))
        with self.changed:
            self.requests += 1
            status = self.answer(self.requests)
            if status == 200:
                self.deliveries.append(delivery)
            self.changed.notify_all()
        if status == 200 and self.hold(delivery):
            self.held.set()
            self.release.wait(WAIT)
        return status

    def wait_for(self, done: Callable[[Receiver], bool], timeout: float = WAIT) -> None:
        """Block until `done(self)` holds (checked on every request), or fail after `timeout` seconds."""
        with self.changed:
            if not self.changed.wait_for(lambda: done(self), timeout):
                raise AssertionError(f"receiver: condition not met; got seqs {self.seqs()} "
                                     f"after {self.requests} requests")

    def wait_seqs(self, count: int, timeout: float = WAIT) -> None:
        self.wait_for(lambda r: len(set(r.seqs())) >= count, timeout)

    def seqs(self) -> list[int]:
        return [d.seq for d in self.deliveries]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.record(raw, self.headers)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def receiving(receiver: Receiver, port: int = 0) -> Iterator[Receiver]:
    """Serve `receiver` on 127.0.0.1 (`port`, or a free one) until the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, name="hook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)

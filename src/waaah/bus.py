"""The in-process event bus: committed events, delivered to subscribers once each, in `seq` order."""

from __future__ import annotations

import heapq
import logging
from collections.abc import Callable, Iterable

from waaah.domain.records import Event

log = logging.getLogger(__name__)
Subscriber = Callable[[Event], None]


class Bus:
    """Subscribers are plain callables and must not block; they hand work to their own tasks.

    Events can reach `publish` out of order (two writers finishing close together, or a tailer
    feeding events from other processes); the bus holds back any event whose predecessor has not
    arrived yet, and drops events it has already delivered.
    """

    def __init__(self, last_seq: int = 0) -> None:
        self.last_seq = last_seq
        self._subscribers: list[Subscriber] = []
        self._held: list[tuple[int, Event]] = []
        self.on_gap: Callable[[], None] | None = None

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    def publish(self, events: Iterable[Event]) -> None:
        for event in events:
            if event.seq > self.last_seq:
                heapq.heappush(self._held, (event.seq, event))
        while self._held and self._held[0][0] <= self.last_seq + 1:
            seq, event = heapq.heappop(self._held)
            if seq <= self.last_seq:
                continue
            self.last_seq = seq
            for subscriber in list(self._subscribers):
                try:
                    subscriber(event)
                except Exception:  # one broken subscriber must not starve the others
                    log.exception("event subscriber failed on seq %s", seq)
        if self._held and self.on_gap is not None:
            self.on_gap()

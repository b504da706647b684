"""Wrong-key throttling per client address: a guessing client gets 429s, a right key always gets in.

Each address has a one-second window that opens at its first wrong key; once `limit` wrong keys fell
in the window, further wrong keys are refused with the seconds left until it closes. The table holds
at most `capacity` addresses (the oldest window goes first), so a flood of addresses costs bounded
memory. The clock is passed in, so tests move time instead of waiting for it.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable

LIMIT = 10
WINDOW = 1.0
CAPACITY = 10_000


class KeyThrottle:
    def __init__(self, limit: int = LIMIT, window: float = WINDOW, capacity: int = CAPACITY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.capacity = capacity
        self.clock = clock
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()  # address → (opened, failures)

    def __len__(self) -> int:
        return len(self._windows)

    def retry_after(self, address: str) -> int | None:
        """Whole seconds until `address` may try a wrong key again, or None if it may now."""
        now = self.clock()
        opened, failures = self._windows.get(address, (now, 0))
        left = opened + self.window - now
        if left <= 0 or failures < self.limit:
            return None
        return max(1, math.ceil(left))

    def failed(self, address: str) -> None:
        """Count one wrong key from `address`."""
        now = self.clock()
        opened, failures = self._windows.pop(address, (now, 0))
        if now - opened >= self.window:
            opened, failures = now, 0
        self._windows[address] = (opened, failures + 1)
        while len(self._windows) > self.capacity:
            self._windows.popitem(last=False)

"""The serving process's heap once it has started: what start-up built (modules, the MCP SDK, the
board) lives as long as the process, so the collector's full passes need not walk it again.

Without this, a full collection walks every object the server imported and loaded, a pause of tens
of milliseconds (up to ~100 ms with the MCP SDK loaded) in the middle of whatever requests are in
flight. `settle()` collects once and moves what is left to the permanent generation (`gc.freeze`);
later full passes walk only what was made since. Only `waaah serve` turns it on: an app embedded
in another process (the tests) leaves that process's collector as it is.
"""

from __future__ import annotations

import gc

FREEZE_AFTER_START = False
"""Set by `waaah serve` before it starts the server."""


def settle() -> None:
    """Called once the server has loaded what it keeps (after the MCP SDK is in)."""
    if FREEZE_AFTER_START:
        gc.collect()
        gc.freeze()

"""Keeps the board's finished page full: answers each read the board asks for (`Board.asked`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection

from waaah.domain.views import JSON
from waaah.doorbell import Doorbell
from waaah.realtime.board import Board, Key

log = logging.getLogger(__name__)
Read = Callable[[Key | None, int, Collection[str]], Awaitable[tuple[list[JSON], list[JSON], int]]]
"""`(before, count, ids) -> (older, tasks, seq)`: what a `Refill` asks for, read under the writers' lock,
and the `seq` it is exactly the state after."""
RETRY_S = 1.0


async def keep_filled(board: Board, read: Read, bell: Doorbell) -> None:
    """Until `bell` closes: whenever the board asks (it rings `bell`), read and hand it the answer.
    A failed read is tried again a second later; meanwhile the board holds its events."""
    while not bell.closed:
        asked = board.asked
        if asked is not None:
            try:
                older, tasks, seq = await read(asked.before, asked.count, asked.ids)
            except Exception:  # the top of this task: a store that failed once may answer next time
                log.exception("reading the board's finished page failed; trying again")
                await bell.wait(RETRY_S)
                continue
            board.answer(asked, older, tasks, seq)
            continue
        await bell.wait(RETRY_S)

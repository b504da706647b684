"""After start-up the serving process moves what it loaded out of the collector's full passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from waaah import heap


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_waaah_serve_freezes_what_start_up_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "FREEZE_AFTER_START", True)
    kept = [object() for _ in range(1000)]
    heap.settle()
    assert gc.get_freeze_count() >= len(kept)


@pytest.mark.usefixtures("unfrozen")
def test_an_embedded_app_leaves_the_collector_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "FREEZE_AFTER_START", False)
    heap.settle()
    assert gc.get_freeze_count() == 0

"""`waaah serve` imports the server without the libraries only python-socketio's clients use."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from waaah.cli import importing_without


def test_a_module_hidden_while_the_server_imports_is_missing_then_and_importable_after(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "client_only_lib.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "client_only_lib", raising=False)
    with importing_without(("client_only_lib",)), pytest.raises(ImportError):
        importlib.import_module("client_only_lib")
    assert importlib.import_module("client_only_lib").VALUE == 1
    monkeypatch.delitem(sys.modules, "client_only_lib")


def test_a_module_already_imported_stays_as_it_is() -> None:
    with importing_without(("json",)):
        assert importlib.import_module("json").dumps([]) == "[]"
    assert sys.modules["json"] is not None

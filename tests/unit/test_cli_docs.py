"""docs/cli.md keeps up with the CLI: `waaah --help` and every subcommand's help are in it verbatim."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from waaah.cli import build_parser

ROOT = Path(__file__).parents[2]
DOCS = ROOT / "docs" / "cli.md"
WIDTH = "100"
"""Help is wrapped to the terminal width; the docs are written at this one."""


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def missing_help(text: str) -> str:
    return f"docs/cli.md lacks this help text verbatim (wrapped at COLUMNS={WIDTH}):\n{text}"


def test_waaah_help_is_in_the_docs_as_the_real_command_prints_it() -> None:
    waaah = Path(sys.executable).with_name("waaah")
    env = {**os.environ, "COLUMNS": WIDTH}
    shown = subprocess.run([str(waaah), "--help"], env=env, capture_output=True, text=True, timeout=60, check=True)
    assert shown.stdout.rstrip("\n") in DOCS.read_text(), missing_help(shown.stdout)


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_subcommands_help_is_in_the_docs(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", WIDTH)
    text = subcommands()[name].format_help().rstrip("\n")
    assert text in DOCS.read_text(), missing_help(text)


def test_every_subcommand_has_its_own_section() -> None:
    docs = DOCS.read_text()
    assert [n for n in subcommands() if f"`waaah {n}`" not in docs and f"`{n}`" not in docs] == []

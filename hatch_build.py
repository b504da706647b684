"""Wheel build hook: a wheel without the built dashboard would serve no /admin/, so refuse to build one.

`make wheel` (and `make install`) build the dashboard first; editable installs (`uv sync`) read the
checkout's own folder and are not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

INDEX = Path("src/waaah/web/static/index.html")


class DashboardHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version != "editable" and not (Path(self.root) / INDEX).is_file():
            raise RuntimeError(f"{INDEX} is missing: run `make dashboard` (or `make wheel`) before building a wheel")

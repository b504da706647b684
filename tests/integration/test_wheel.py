"""The wheel `make wheel` and `uv tool install .` build carries the dashboard and the runner's prompts."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
UV = ROOT / "build" / "uv" / "bin" / "uv"
STATIC = ROOT / "src" / "waaah" / "web" / "static"


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    if not UV.exists() or not (STATIC / "index.html").exists():
        pytest.skip("needs `make setup dashboard` (uv and the built dashboard)")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([str(UV), "build", "--wheel", "-q", "-o", str(out), str(ROOT)], check=True, timeout=110,
                   capture_output=True)
    [wheel] = out.glob("waaah-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_carries_every_built_dashboard_file(wheel_names: set[str]) -> None:
    built = {f"waaah/web/static/{p.relative_to(STATIC).as_posix()}" for p in STATIC.rglob("*") if p.is_file()}
    assert "waaah/web/static/index.html" in built
    assert built - wheel_names == set()


def test_the_wheel_carries_the_runners_prompts(wheel_names: set[str]) -> None:
    prompts = {f"waaah/runner/prompts/{p.name}" for p in (ROOT / "src" / "waaah" / "runner" / "prompts").glob("*.md")}
    assert prompts
    assert prompts - wheel_names == set()


"""The docs keep up with the code: every route in the OpenAPI document is in docs/api.md."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_settings
from waaah.web.app import create_app

ROOT = Path(__file__).parents[2]


def test_every_route_is_documented(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite:///{tmp_path}/w.db"))
    schema = app.app.openapi()  # type: ignore[attr-defined]
    documented = (ROOT / "docs" / "api.md").read_text()
    missing = [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops
               if f"`{method.upper()} {path}`" not in documented]
    assert missing == []


def test_the_readme_is_one_screen_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert len(readme.splitlines()) <= 40


def test_every_api_route_under_admin_needs_the_key(tmp_path: Path) -> None:
    """/admin/ is also the dashboard's public pages: a router whose paths the guard does not know as API
    would serve its data without the key."""
    from waaah.web.paths import is_public

    app = create_app(make_settings(f"sqlite:///{tmp_path}/w.db"))
    exposed = [f"{method} {path}" for path, ops in app.app.openapi()["paths"].items()  # type: ignore[attr-defined]
               for method in ops if path.startswith("/admin") and is_public(method.upper(), path)]
    assert exposed == []

"""Settings: read once from the environment, with documented defaults and a resolved API key."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from waaah.config import SETTINGS, load_settings
from waaah.errors import ConfigError

DOCS = Path(__file__).parents[2] / "docs" / "configuration.md"


def test_every_setting_is_documented_with_its_default() -> None:
    text = DOCS.read_text()
    for setting in SETTINGS:
        assert f"| `{setting.env}` | `{setting.default}` |" in text, setting.env


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings({"WAAAH_API_KEY": "k", "WAAAH_HOME": str(tmp_path)})
    assert (settings.port, settings.host, settings.database_url) == (3000, "127.0.0.1", "sqlite:///./data/waaah.db")
    assert (settings.prompt_timeout, settings.ack_timeout, settings.max_body_bytes) == (50, 30, 2 * 1024 * 1024)
    assert settings.prompt_timeout_max == 110
    assert settings.ws_deflate is False


@pytest.mark.parametrize(("value", "expected"), [("on", True), ("TRUE", True), ("1", True), ("off", False),
                                                 ("no", False)])
def test_ws_deflate_reads_on_and_off(value: str, expected: bool) -> None:
    assert load_settings({"WAAAH_API_KEY": "k", "WAAAH_WS_DEFLATE": value}).ws_deflate is expected


def test_reference_names_are_honoured(tmp_path: Path) -> None:
    settings = load_settings({"WAAAH_API_KEY": "k", "PORT": "4000", "DB_PATH": "/tmp/x.db"})
    assert (settings.port, settings.database_url) == (4000, "sqlite:////tmp/x.db")
    assert load_settings({"WAAAH_API_KEY": "k", "PORT": "4000", "WAAAH_PORT": "5000"}).port == 5000


def test_a_key_is_created_once_in_the_credentials_file(tmp_path: Path) -> None:
    first = load_settings({"WAAAH_HOME": str(tmp_path)})
    path = tmp_path / "credentials.json"
    assert first.api_key_created and first.api_key.startswith("waaah-") and len(first.api_key) == 54
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    second = load_settings({"WAAAH_HOME": str(tmp_path)})
    assert second.api_key == first.api_key and not second.api_key_created


def test_a_corrupt_credentials_file_gets_a_new_key(tmp_path: Path) -> None:
    (tmp_path / "credentials.json").write_text("{not json")
    settings = load_settings({"WAAAH_HOME": str(tmp_path)})
    assert json.loads((tmp_path / "credentials.json").read_text()) == {"api-key": settings.api_key}


@pytest.mark.parametrize(("name", "value"), [("WAAAH_PORT", "abc"), ("WAAAH_ACK_TIMEOUT", "-1"),
                                             ("WAAAH_REQUIRE_REVIEW", "sometimes"),
                                             ("WAAAH_WS_DEFLATE", "maybe")])
def test_bad_values_stop_the_server_with_a_message_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({"WAAAH_API_KEY": "k", name: value})
    assert name in refused.value.message

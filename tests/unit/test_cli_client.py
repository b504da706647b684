"""The CLI finds the server and the key from the environment and turns every failure into one clear message."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from waaah.commands.client import (
    EXIT_SERVER,
    EXIT_USAGE,
    ApiClient,
    Connection,
    ServerError,
    UsageError,
    connection_from_env,
)


def test_the_url_defaults_to_localhost_3000_and_the_key_comes_from_the_environment() -> None:
    conn = connection_from_env({"WAAAH_API_KEY": "k"})
    assert (conn.url, conn.api_key, conn.key_source) == ("http://localhost:3000", "k", "WAAAH_API_KEY")


def test_without_a_key_variable_the_saved_credentials_are_used(tmp_path: Path) -> None:
    (tmp_path / "credentials.json").write_text(json.dumps({"api-key": "saved"}))
    conn = connection_from_env({"WAAAH_HOME": str(tmp_path), "WAAAH_SERVER_URL": "http://hub:9/"})
    assert (conn.url, conn.api_key) == ("http://hub:9", "saved")


def test_no_key_anywhere_is_a_usage_error_naming_both_ways_to_fix_it(tmp_path: Path) -> None:
    conn = connection_from_env({"WAAAH_HOME": str(tmp_path)})
    with pytest.raises(UsageError) as caught:
        conn.need_key()
    assert "WAAAH_API_KEY" in caught.value.message and "credentials.json" in caught.value.message
    assert caught.value.exit_code == EXIT_USAGE


def test_a_server_url_without_a_scheme_is_refused() -> None:
    with pytest.raises(UsageError):
        connection_from_env({"WAAAH_SERVER_URL": "localhost:3000"})


def answering(status: int, body: object, content_type: str = "application/json") -> ApiClient:
    api = ApiClient(Connection("http://hub", "k", "WAAAH_API_KEY"))
    payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    transport = httpx.MockTransport(lambda _: httpx.Response(status, content=payload,
                                                             headers={"content-type": content_type}))
    api._http = httpx.Client(base_url="http://hub", transport=transport)
    return api


def test_a_refused_key_names_where_the_key_came_from() -> None:
    with pytest.raises(ServerError) as caught:
        answering(401, {"error": "Unauthorized"}).get("/admin/stats")
    assert "refused the API key from WAAAH_API_KEY" in caught.value.message
    assert caught.value.exit_code == EXIT_SERVER


def test_a_400_is_bad_input_with_the_servers_message_and_a_409_is_a_server_error() -> None:
    with pytest.raises(UsageError, match="priority: bad"):
        answering(400, {"error": "priority: bad", "code": "BAD_REQUEST"}).post("/admin/enqueue", {})
    with pytest.raises(ServerError, match="is QUEUED") as caught:
        answering(409, {"error": "Task t is QUEUED", "code": "ILLEGAL_TRANSITION"}).post("/admin/x")
    assert caught.value.code == "ILLEGAL_TRANSITION"


def test_an_answer_that_is_not_json_means_the_url_is_not_a_waaah_server() -> None:
    with pytest.raises(ServerError, match="is http://hub a waaah server"):
        answering(200, "<html>", "text/html").get("/admin/stats")


def test_a_server_that_is_down_is_reported_with_its_url() -> None:
    api = ApiClient(Connection("http://127.0.0.1:9", "k", "WAAAH_API_KEY"))

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    api._http = httpx.Client(base_url="http://127.0.0.1:9", transport=httpx.MockTransport(refuse))
    with pytest.raises(ServerError, match=r"cannot reach the waaah server at http://127.0.0.1:9"):
        api.get("/admin/stats")

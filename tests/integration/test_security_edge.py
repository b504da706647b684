"""The HTTP edge: allowed hosts and origins, security headers, wrong-key throttling, chunked bodies,
and a `waaah serve` that keeps its key out of logs. Real servers, raw sockets where clients normalise."""

from __future__ import annotations

import json
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.requests import Request

from tests.conftest import API_KEY, make_settings
from tests.integration.socket_support import connector
from tests.live import LiveServer, ServerProcess, free_port, serve_in_process, wait_until_healthy
from tests.raw_http import raw_request

KEY = {"X-API-Key": API_KEY}
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
MCP_HEADERS = {**KEY, "Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def total_tasks(url: str) -> str:
    async with httpx.AsyncClient(base_url=url, headers=KEY) as http:
        return (await http.get("/admin/tasks")).headers["X-Total-Count"]


@pytest.mark.parametrize("target", ["/health", "/admin/", "/admin/tasks", "/openapi.json",
                                    "/mcp/tools/get_agent_status", "/socket.io/?EIO=4&transport=polling"])
async def test_a_host_the_hub_does_not_answer_to_is_a_421_naming_the_setting(live: LiveServer, target: str) -> None:
    response = await raw_request(live.url, target, headers={**KEY, "Host": "evil.example:3000"})
    assert response.status == 421
    assert response.json()["code"] == "HOST_NOT_ALLOWED" and "WAAAH_ALLOWED_HOSTS" in response.json()["error"]


async def test_every_loopback_name_is_answered_on_any_port(live: LiveServer) -> None:
    for host in ("localhost", "localhost:1234", "127.0.0.1", "127.0.0.1:80", "[::1]", "[::1]:3000", "LOCALHOST"):
        assert (await raw_request(live.url, "/health", headers={"Host": host})).status == 200, host
    assert (await raw_request(live.url, "/health", headers={"Host": "127.0.0.2"})).status == 421


async def test_allowed_hosts_names_a_public_host_and_star_allows_any(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.db"
    async with serve_in_process(make_settings(url, WAAAH_ALLOWED_HOSTS="hub.example.com, [fd00::1]")) as live:
        for host, status in (("hub.example.com", 200), ("HUB.example.com:443", 200), ("[fd00::1]:3000", 200),
                             ("localhost", 421), ("example.com", 421)):
            assert (await raw_request(live.url, "/health", headers={"Host": host})).status == status, host
    async with serve_in_process(make_settings(url, WAAAH_ALLOWED_HOSTS="*")) as live:
        assert (await raw_request(live.url, "/health", headers={"Host": "anything.example"})).status == 200


async def test_a_cross_site_write_is_a_403_and_writes_nothing(live: LiveServer) -> None:
    body = json.dumps({"prompt": "Write the docs"}).encode()
    refused = await raw_request(live.url, "/admin/enqueue", "POST", {**KEY, "Origin": "http://evil.example"}, body)
    assert refused.status == 403 and "WAAAH_CORS_ORIGINS" in refused.json()["error"]
    null = await raw_request(live.url, "/admin/enqueue", "POST", {**KEY, "Origin": "null"}, body)
    assert null.status == 403
    assert await total_tasks(live.url) == "0"
    same = await raw_request(live.url, "/admin/enqueue", "POST", {**KEY, "Origin": live.url}, body)
    assert same.status == 200
    read = await raw_request(live.url, "/admin/tasks", headers={**KEY, "Origin": "http://evil.example"})
    assert read.status == 200  # reads are left to CORS: the browser does not let that page see the answer


async def test_an_origin_in_cors_origins_may_write(tmp_path: Path) -> None:
    settings = make_settings(f"sqlite:///{tmp_path}/w.db", WAAAH_CORS_ORIGINS="http://tools.example")
    async with serve_in_process(settings) as live:
        body = json.dumps({"prompt": "Write the docs"}).encode()
        allowed = await raw_request(live.url, "/admin/enqueue", "POST", {**KEY, "Origin": "http://tools.example"}, body)
        assert allowed.status == 200


def upgrade(**headers: str) -> dict[str, str]:
    return {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", **headers}


async def test_the_socket_handshake_checks_host_and_origin(live: LiveServer) -> None:
    target = "/socket.io/?EIO=4&transport=websocket"
    wrong_host = await raw_request(live.url, target, headers=upgrade(Host="evil.example"))
    assert wrong_host.status == 421 and wrong_host.json()["code"] == "HOST_NOT_ALLOWED"
    wrong_origin = await raw_request(live.url, target, headers=upgrade(Origin="http://evil.example"))
    assert wrong_origin.status == 403 and wrong_origin.json()["code"] == "FORBIDDEN"
    polling = await raw_request(live.url, "/socket.io/?EIO=4&transport=polling",
                                headers={"Origin": "http://evil.example"})
    assert polling.status == 403
    async with connector("python")(live.url, {"apiKey": API_KEY}, transports=["websocket"]) as client:
        assert (await client.next())[0] == "connect"


async def test_mcp_runs_the_sdks_dns_rebinding_protection_on_the_same_names(live: LiveServer) -> None:
    security = (await live.app.app.state.mcp.sdk()).manager.security_settings
    assert security.enable_dns_rebinding_protection
    from mcp.server.transport_security import TransportSecurityMiddleware

    check = TransportSecurityMiddleware(security).validate_request

    def request(host: str, origin: str | None = None) -> Request:
        headers = [(b"host", host.encode()), (b"content-type", b"application/json")]
        headers += [(b"origin", origin.encode())] if origin else []
        return Request({"type": "http", "method": "POST", "path": "/mcp", "headers": headers})

    assert await check(request("127.0.0.1:3000"), is_post=True) is None
    assert await check(request("[::1]:3000", "http://localhost:3000"), is_post=True) is None
    refused = await check(request("evil.example:3000"), is_post=True)
    assert refused is not None and refused.status_code == 421
    foreign = await check(request("localhost:3000", "http://evil.example"), is_post=True)
    assert foreign is not None and foreign.status_code == 403
    answer = await raw_request(live.url, "/mcp", "POST", {**MCP_HEADERS, "Host": "evil.example"},
                               json.dumps(INIT).encode())
    assert answer.status == 421


async def test_dashboard_responses_carry_a_strict_policy_and_every_response_nosniff(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.url) as http:
        index = await http.get("/admin/")
        script = index.text.split('src="', 1)[1].split('"', 1)[0]
        for response in (index, await http.get(script), await http.get("/admin/task/task-1-abcdef")):
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            assert "script-src 'self';" in response.headers["content-security-policy"]
            assert response.headers["x-frame-options"] == "DENY"
        for response in (await http.get("/health"), await http.get("/admin/tasks"),
                         await http.get("/admin/tasks", headers=KEY), await http.get("/admin//etc/passwd")):
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
        assert "content-security-policy" not in (await http.get("/admin/tasks", headers=KEY)).headers


async def test_the_cdn_backed_api_pages_are_off_and_the_openapi_document_stays(live: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live.url, headers=KEY) as http:
        assert (await http.get("/docs")).status_code == 404
        assert (await http.get("/redoc")).status_code == 404
        assert (await http.get("/openapi.json", headers={"X-API-Key": ""})).json()["info"]["title"] == "waaah"


async def test_wrong_keys_are_throttled_per_address_and_a_right_key_still_gets_in(live: LiveServer) -> None:
    clock = Clock()
    live.app.throttle.clock = clock
    wrong = {"X-API-Key": "guess"}
    async with httpx.AsyncClient(base_url=live.url) as http:
        assert [(await http.get("/admin/tasks", headers=wrong)).status_code for _ in range(10)] == [401] * 10
        throttled = await http.get("/admin/tasks", headers=wrong)
        assert throttled.status_code == 429 and throttled.headers["retry-after"] == "1"
        assert throttled.json()["code"] == "AUTH_THROTTLED"
        assert (await http.get("/admin/tasks", headers=KEY)).status_code == 200
        assert (await http.get("/admin/tasks")).status_code == 401  # no key is no guess
        async with connector("python")(live.url, {"apiKey": "guess"}) as client:
            refused = await client.expect("connect_error")
        assert refused["data"]["code"] == "AUTH_THROTTLED" and refused["data"]["retryAfter"] == 1
        async with connector("python")(live.url, {"apiKey": API_KEY}) as client:
            assert (await client.next())[0] == "connect"
        clock.now += 1.0
        assert (await http.get("/admin/tasks", headers=wrong)).status_code == 401


@pytest.fixture
async def small_bodies(database_url: str) -> AsyncIterator[LiveServer]:
    async with serve_in_process(make_settings(database_url, WAAAH_MAX_BODY_BYTES="1000")) as live:
        yield live


@pytest.mark.parametrize("target", ["/admin/enqueue", "/mcp/tools/assign_task", "/mcp"])
async def test_an_oversized_chunked_body_is_a_413_and_writes_nothing(small_bodies: LiveServer, target: str) -> None:
    body = json.dumps({"prompt": "x" * 5000, "jsonrpc": "2.0", "id": 1, "method": "tools/call",
                       "params": {"name": "assign_task", "arguments": {"prompt": "x" * 5000}}}).encode()
    response = await raw_request(small_bodies.url, target, "POST", MCP_HEADERS, body, chunked=True)
    assert response.status == 413 and response.json()["code"] == "TOO_LARGE"
    assert await total_tasks(small_bodies.url) == "0"


async def test_a_small_chunked_body_is_read_whole(small_bodies: LiveServer) -> None:
    body = json.dumps({"prompt": "Write the docs"}).encode()
    response = await raw_request(small_bodies.url, "/admin/enqueue", "POST", KEY, body, chunked=True)
    assert response.status == 200
    assert await total_tasks(small_bodies.url) == "1"


def test_serve_keeps_the_key_out_of_a_log_and_says_where_it_is(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "WAAAH_API_KEY"}
    port = free_port()
    env.update(WAAAH_PORT=str(port), WAAAH_HOME=str(tmp_path / "home"), WAAAH_DATABASE_URL=f"sqlite:///{tmp_path}/w.db")
    server = ServerProcess(env, port, tmp_path / "serve.log")
    server.launch()
    try:
        assert server.process is not None
        wait_until_healthy(server.url, server.process)
    finally:
        server.stop()
    credentials = tmp_path / "home" / "credentials.json"
    key = json.loads(credentials.read_text())["api-key"]
    log = (tmp_path / "serve.log").read_text()
    assert key not in log and "?key=" not in log
    assert f"created an API key in {credentials}, mode 0600" in log
    assert f"dashboard at http://127.0.0.1:{port}/admin/ (the key is in {credentials}" in log
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600


def test_serve_shows_the_key_to_a_terminal_only(tmp_path: Path) -> None:
    from waaah.cli import startup_lines
    from waaah.config import load_settings

    created = load_settings({"WAAAH_HOME": str(tmp_path), "WAAAH_DATABASE_URL": "sqlite:///x.db"})
    assert any(f"?key={created.api_key}" in line for line in startup_lines(created, terminal=True))
    assert any(f": {created.api_key}" in line for line in startup_lines(created, terminal=True))
    assert not any(created.api_key in line for line in startup_lines(created, terminal=False))
    given = make_settings("sqlite:///x.db")
    lines = startup_lines(given, terminal=False)
    assert any("the key is in the WAAAH_API_KEY you set" in line for line in lines)
    assert not any(API_KEY in line for line in lines)


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("10.1.2.3", True), ("127.0.0.1", False),
                                              ("localhost", False), ("::1", False)])
def test_serve_warns_when_it_binds_beyond_loopback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path, host: str, warned: bool) -> None:
    import uvicorn

    from waaah import cli

    served: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(options))  # bind nothing
    for name, value in {"WAAAH_API_KEY": API_KEY, "WAAAH_HOST": host, "WAAAH_HOME": str(tmp_path),
                        "WAAAH_DATABASE_URL": f"sqlite:///{tmp_path}/w.db"}.items():
        monkeypatch.setenv(name, value)
    assert cli.main(["serve"]) == 0
    out, err = capsys.readouterr()
    assert served[0]["host"] == host and API_KEY not in out
    assert ("warning: listening on" in err) is warned


async def test_a_real_browser_runs_the_dashboard_under_its_policy_without_a_violation(live: LiveServer) -> None:
    from playwright.async_api import async_playwright, expect

    from tests.e2e.conftest import ARGS, CHROMIUM

    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run `make browser` (apt-get install chromium)")
    async with httpx.AsyncClient(base_url=live.url, headers=KEY) as http:
        task_id = (await http.post("/admin/enqueue", json={"prompt": "Write the docs"})).json()["taskId"]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = await browser.new_page()
            console: list[str] = []
            page.on("console", lambda message: console.append(message.text))
            await page.add_init_script("window.__violations = []; document.addEventListener("
                                       "'securitypolicyviolation', e => window.__violations.push(e.violatedDirective))")
            response = await page.goto(f"{live.url}/admin/?key={API_KEY}")
            assert response is not None and "script-src 'self'" in response.headers["content-security-policy"]
            await expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "connected",
                                                                             timeout=30_000)
            await page.locator(f'.card[data-task-id="{task_id}"]').click()
            await expect(page.get_by_text("Write the docs").first).to_be_visible(timeout=30_000)
            assert await page.evaluate("window.__violations") == []
            assert [line for line in console if "Content Security Policy" in line] == []
        finally:
            await browser.close()

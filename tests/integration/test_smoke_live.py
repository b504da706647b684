"""A real server on a real port answers health and the API."""

import httpx

from tests.conftest import API_KEY


async def test_a_live_server_serves_health_and_the_api(live) -> None:
    async with httpx.AsyncClient(base_url=live.url, headers={"X-API-Key": API_KEY}) as http:
        assert (await http.get("/health")).json() == {"status": "ok"}
        created = (await http.post("/admin/enqueue", json={"prompt": "hello"})).json()
        task = (await http.get(f"/admin/tasks/{created['taskId']}")).json()
        assert task["status"] == "QUEUED"

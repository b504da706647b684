"""A populated hub for the browser tests: agents, and tasks in every column, made through the service."""

from __future__ import annotations

from waaah.domain.lifecycle import Status
from waaah.service import Hub, NewTask

DIFF = """diff --git a/src/auth/login.py b/src/auth/login.py
index 3b18e51..a9c2f04 100644
--- a/src/auth/login.py
+++ b/src/auth/login.py
@@ -12,7 +12,9 @@ def login(user, password):
     if not user:
         raise LoginError("no user")
-    if user.password == password:
+    if not user.active:
+        raise LoginError("account disabled")
+    if verify(user.password_hash, password):
         return session_for(user)
     raise LoginError("wrong password")
"""


async def _start(hub: Hub, agent: str, spec: NewTask) -> str:
    task = await hub.tasks.create(spec)
    await hub.work.reserve(task.id, agent)
    await hub.work.ack(task.id, agent)
    return task.id


async def populate(hub: Hub) -> dict[str, str]:
    """Agents alice (busy), bob and carol; tasks in to-do, progress, blocked, review, done."""
    await hub.agents.register("alice", ("code-writing", "test-writing"), {"type": "local", "repoId": "shop"},
                              display_name="Alice", role="developer")
    await hub.agents.register("bob", ("code-writing", "doc-writing"), {"type": "local", "repoId": "shop"},
                              display_name="Bob", role="developer")
    await hub.agents.register("carol", ("doc-writing",), {"type": "local", "repoId": "docs"},
                              display_name="Carol", role="writer")
    ids: dict[str, str] = {}

    ids["progress"] = await _start(hub, "alice", NewTask(
        prompt="Add rate limiting to the public API", title="Rate-limit the public API", priority="high",
        capabilities=("code-writing",), source="CLI"))
    await hub.work.progress(ids["progress"], "alice", "Middleware in place, writing tests", "testing", 60)

    ids["review"] = await _start(hub, "bob", NewTask(
        prompt="Refuse logins for disabled accounts", title="Disabled accounts cannot log in",
        capabilities=("code-writing",), source="CLI"))
    await hub.work.respond(ids["review"], "bob", Status.IN_REVIEW, "Checks `user.active` before the password.",
                           diff=DIFF)

    ids["blocked"] = await _start(hub, "bob", NewTask(
        prompt="Migrate the orders table to UUID keys", title="Orders: UUID primary keys", source="CLI"))
    await hub.work.block(ids["blocked"], "bob", "decision", "Keep the old integer ids as a secondary column?",
                         "Two options for the migration", None, None)

    ids["done"] = await _start(hub, "carol", NewTask(prompt="Document the webhook retries",
                                                     title="Docs: webhook retries", source="CLI"))
    await hub.work.respond(ids["done"], "carol", Status.COMPLETED, "Added docs/webhooks.md")

    ids["failed"] = await _start(hub, "carol", NewTask(prompt="Regenerate the API client",
                                                       title="Regenerate the API client", source="CLI"))
    await hub.work.respond(ids["failed"], "carol", Status.FAILED, "The OpenAPI file does not validate")

    ids["queued"] = (await hub.tasks.create(NewTask(
        prompt="Write the release notes for 2.4", title="Release notes 2.4", capabilities=("doc-writing",),
        workspace_id="docs", source="CLI"))).id
    ids["critical"] = (await hub.tasks.create(NewTask(
        prompt="Checkout returns 500 for carts with a gift card", title="Checkout 500 with gift cards",
        priority="critical", capabilities=("code-writing", "test-writing"), workspace_id="nowhere",
        source="CLI"))).id
    ids["waiting"] = (await hub.tasks.create(NewTask(
        prompt="Announce rate limits to customers", title="Announce the rate limits",
        dependencies=(ids["progress"],), source="CLI"))).id
    return ids

"""The store contract, run against every backend: what the service relies on from storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from waaah.domain.agents import Agent, AgentStatus
from waaah.domain.lifecycle import BUSY, RESERVED, Status
from waaah.domain.records import HistoryEntry, Message, SystemPrompt
from waaah.domain.tasks import Task
from waaah.store import TaskQuery, open_store
from waaah.store.sql import IN_CHUNK

S = Status


def a_task(task_id: str, created_at: int, **fields: object) -> Task:
    values: dict[str, object] = {"id": task_id, "status": S.QUEUED, "prompt": f"prompt of {task_id}",
                                 "created_at": created_at, "updated_at": created_at}
    values.update(fields)
    return Task(**values)  # type: ignore[arg-type]


@pytest.fixture
async def store(database_url: str):
    opened = open_store(database_url)
    yield opened
    await opened.close()


async def test_a_task_round_trips_with_every_field(store) -> None:
    task = a_task("t1", 5, title="T", priority="high", to_workspace_id="org/r", required_capabilities=("a", "b"),
                  context={"k": [1, 2]}, images=({"dataUrl": "data:,x"},), requires_review=True,
                  response={"diff": "d"}, assigned_to="ada")
    async with store.write() as tx:
        await tx.insert_task(task)
    async with store.read() as tx:
        assert await tx.get_task("t1") == task
        assert await tx.get_task("missing") is None


async def test_updates_change_only_the_given_columns_and_dependencies_are_indexed(store) -> None:
    async with store.write() as tx:
        await tx.insert_task(a_task("dep", 1))
        await tx.insert_task(a_task("t1", 2, dependencies=("dep",)))
        await tx.update_task("t1", {"status": S.BLOCKED, "blocked_reason": "dependencies"})
    async with store.read() as tx:
        task = await tx.get_task("t1")
        assert (task.status, task.blocked_reason, task.prompt) == (S.BLOCKED, "dependencies", "prompt of t1")
        assert [t.id for t in await tx.dependants("dep")] == ["t1"]


async def test_find_filters_searches_pages_and_counts(store) -> None:
    async with store.write() as tx:
        for n in range(6):
            await tx.insert_task(a_task(f"t{n}", n, status=S.COMPLETED if n % 2 else S.QUEUED,
                                        assigned_to="ada" if n == 4 else None, title="50%_off" if n == 5 else None))
        await tx.update_task("t0", {"deleted_at": 9})
    async with store.read() as tx:
        found, total = await tx.find_tasks(TaskQuery(limit=2, offset=1))
        assert ([t.id for t in found], total) == (["t4", "t3"], 5)
        found, total = await tx.find_tasks(TaskQuery(statuses=[S.QUEUED], newest_first=False))
        assert ([t.id for t in found], total) == (["t2", "t4"], 2)
        assert [t.id for t in (await tx.find_tasks(TaskQuery(agent_id="ada")))[0]] == ["t4"]
        assert [t.id for t in (await tx.find_tasks(TaskQuery(search="PROMPT OF T3")))[0]] == ["t3"]
        assert [t.id for t in (await tx.find_tasks(TaskQuery(search="0%_")))[0]] == ["t5"]
        assert (await tx.find_tasks(TaskQuery(limit=0)))[1] == 5


async def test_messages_and_history_are_rows_in_order(store) -> None:
    async with store.write() as tx:
        await tx.insert_task(a_task("t1", 1))
        for n in range(3):
            await tx.insert_message(Message(f"m{n}", "t1", "agent", f"step {n}", 10 + n, n != 1))
            await tx.insert_history(HistoryEntry("t1", 10 + n, "IN_PROGRESS", "ada", f"h{n}"))
        await tx.mark_read(["m1"])
    async with store.read() as tx:
        messages = (await tx.messages_for(["t1"]))["t1"]
        assert [(m.content, m.is_read) for m in messages] == [("step 0", True), ("step 1", True), ("step 2", True)]
        assert [h.message for h in (await tx.history_for(["t1", "none"]))["t1"]] == ["h0", "h1", "h2"]


async def test_reads_by_more_ids_than_one_statement_holds_return_what_one_statement_would(store) -> None:
    """Past IN_CHUNK ids, tasks, messages and history are read a chunk at a time: every task's records
    whole and in order, each once, whatever the ids' order, repeats or unknown ones."""
    ids = [f"t{n:04d}" for n in range(2 * IN_CHUNK + 3)]
    async with store.write() as tx:
        for n, task_id in enumerate(ids):
            await tx.insert_task(a_task(task_id, n, status=S.COMPLETED if n % 2 else S.QUEUED))
            for k in range(n % 3):  # none, one or two of each; the second message is older than the first
                await tx.insert_message(Message(f"m{n}-{k}", task_id, "agent", f"{task_id} {k}", 100 - k))
                await tx.insert_history(HistoryEntry(task_id, 100 + k, "IN_PROGRESS", "ada", f"{task_id} h{k}"))
        await tx.mark_read([f"m{n}-0" for n in range(len(ids))])
    asked = [*reversed(ids), "missing", ids[-2], ids[1]]  # ids[-2] has records and comes in two chunks
    async with store.read() as tx:
        tasks = await tx.get_tasks(asked)
        messages, history = await tx.messages_for(asked), await tx.history_for(asked)
        queued = await tx.queued_among(asked)
    assert sorted(tasks) == ids and all(tasks[i].id == i for i in ids)
    assert sorted(q.id for q in queued) == ids[::2]
    with_records = [(n, i) for n, i in enumerate(ids) if n % 3]
    assert {i: [m.content for m in messages[i]] for _, i in with_records} == \
        {i: [f"{i} {k}" for k in reversed(range(n % 3))] for n, i in with_records}
    assert {i: [h.message for h in history[i]] for _, i in with_records} == \
        {i: [f"{i} h{k}" for k in range(n % 3)] for n, i in with_records}
    assert sum(map(len, messages.values())) == sum(n % 3 for n in range(len(ids)))


async def test_a_snapshot_reads_one_state_while_writes_commit(store) -> None:
    """A long read (the reference's sync:full) sees the rows and the seq of one moment; writers are not
    held up by it, and a later read sees what they committed."""
    async with store.write() as tx:
        await tx.insert_task(a_task("before", 1))
        await tx.append_event("task:created", "before", {}, 1)
    async with store.snapshot() as snap:
        seq = await snap.last_seq()
        async with store.write() as tx:
            await tx.insert_task(a_task("after", 2))
            await tx.update_task("before", {"status": S.CANCELLED})
            await tx.append_event("task:created", "after", {}, 2)
        assert await snap.last_seq() == seq
        assert (await snap.get_task("before")).status is S.QUEUED
        assert await snap.get_tasks(["before", "after"]) == {"before": a_task("before", 1)}
    async with store.read() as tx:
        assert await tx.last_seq() == seq + 1
        assert sorted(await tx.get_tasks(["before", "after"])) == ["after", "before"]


async def test_agents_round_trip_and_list_by_last_seen(store) -> None:
    old = Agent("old", "Old", 1, 1, AgentStatus.OFFLINE, capabilities=("code-writing",))
    new = Agent("new", "New", 1, 5, workspace_context={"type": "local", "repoId": "r"})
    async with store.write() as tx:
        await tx.insert_agent(old)
        await tx.insert_agent(new)
        await tx.update_agent("old", {"display_name": "Older"})
    async with store.read() as tx:
        assert [a.id for a in await tx.list_agents()] == ["new", "old"]
        assert (await tx.get_agent("old")).display_name == "Older"
        assert await tx.get_agent("new") == new


async def test_silent_agents_are_those_online_and_not_seen_since_the_cutoff(store) -> None:
    async with store.write() as tx:
        await tx.insert_agent(Agent("gone", "Gone", 1, 1, AgentStatus.OFFLINE))
        await tx.insert_agent(Agent("quiet", "Quiet", 1, 3, AgentStatus.PROCESSING))
        await tx.insert_agent(Agent("quieter", "Quieter", 1, 2))
        await tx.insert_agent(Agent("seen", "Seen", 1, 10))
    async with store.read() as tx:
        assert [a.id for a in await tx.silent_agents(10)] == ["quieter", "quiet"]
        assert await tx.silent_agents(2) == []


async def test_the_bulk_agent_reads_agree_with_the_per_agent_ones(store) -> None:
    """GET /admin/agents and the board read every agent's tasks and prompts in one query each."""
    async with store.write() as tx:
        for agent_id in ("ada", "bob", "cy"):
            await tx.insert_agent(Agent(agent_id, agent_id, 1, 1))
        await tx.insert_task(a_task("t1", 1, status=S.IN_PROGRESS, assigned_to="ada"))
        await tx.insert_task(a_task("t2", 2, status=S.PENDING_ACK, pending_ack_agent_id="bob"))
        await tx.insert_task(a_task("t3", 3, status=S.IN_REVIEW, assigned_to="ada"))  # with the reviewer: not held
        await tx.insert_task(a_task("t4", 4, status=S.COMPLETED, assigned_to="ada"))  # finished: not held
        await tx.insert_task(a_task("t5", 5, status=S.QUEUED))
        for n in range(3):
            await tx.insert_system_prompt(SystemPrompt("bob" if n else "cy", "SYSTEM_MESSAGE", f"m{n}", n))
    async with store.read() as tx:
        held, prompts = await tx.held_tasks(BUSY), await tx.system_prompt_counts()
        for agent in await tx.list_agents():
            assert held.get(agent.id, []) == [t.id for t in await tx.tasks_of_agent(agent.id, BUSY)], agent.id
            assert prompts.get(agent.id, 0) == await tx.count_system_prompts(agent.id), agent.id
    assert held == {"ada": ["t1"], "bob": ["t2"]} and prompts == {"bob": 2, "cy": 1}


async def test_the_tasks_in_a_few_statuses_are_the_live_ones_oldest_first(store) -> None:
    """The scheduler's lease check reads the reserved tasks, never the finished ones around them."""
    async with store.write() as tx:
        for n in range(30):
            await tx.insert_task(a_task(f"done{n}", n, status=S.COMPLETED, assigned_to="ada"))
        await tx.insert_task(a_task("r2", 40, status=S.APPROVED_PENDING_ACK, pending_ack_agent_id="ada",
                                    assigned_to="ada"))
        await tx.insert_task(a_task("r1", 35, status=S.PENDING_ACK, pending_ack_agent_id="bob"))
        await tx.insert_task(a_task("gone", 36, status=S.PENDING_ACK, pending_ack_agent_id="bob", deleted_at=37))
        await tx.insert_task(a_task("q", 38))
    async with store.read() as tx:
        assert [t.id for t in await tx.tasks_in(RESERVED)] == ["r1", "r2"]
        assert [t.id for t in await tx.tasks_of_agent("ada", RESERVED)] == ["r2"]
        assert await tx.held_tasks(RESERVED) == {"bob": ["r1", "gone"], "ada": ["r2"]}


async def test_queued_pages_walk_one_status_oldest_first_across_equal_times(store) -> None:
    async with store.write() as tx:
        for n in range(7):  # created in pairs at the same millisecond
            await tx.insert_task(a_task(f"q{n}", n // 2, required_capabilities=("rust",), to_workspace_id="org/r"))
        await tx.insert_task(a_task("approved", 1, status=S.APPROVED_QUEUED, assigned_to="ada"))
        await tx.insert_task(a_task("gone", 2, deleted_at=3))
    pages, after = [], None
    async with store.read() as tx:
        while page := await tx.queued_page(S.QUEUED, after, 2):
            pages.append([q.id for q in page])
            after = (page[-1].created_at, page[-1].id)
        [approved] = await tx.queued_page(S.APPROVED_QUEUED, None, 10)
    assert pages == [["q0", "q1"], ["q2", "q3"], ["q4", "q5"], ["q6"]]
    assert (approved.status, approved.author) == (S.APPROVED_QUEUED, "ada")
    async with store.read() as tx:
        [first] = await tx.queued_page(S.QUEUED, None, 1)
    assert (first.required_capabilities, first.to_workspace_id, first.priority) == (("rust",), "org/r", "normal")


async def test_queued_among_some_ids_are_those_live_and_dispatchable(store) -> None:
    async with store.write() as tx:
        await tx.insert_task(a_task("q", 1, priority="high"))
        await tx.insert_task(a_task("approved", 2, status=S.APPROVED_QUEUED, assigned_to="ada"))
        await tx.insert_task(a_task("held", 3, status=S.IN_PROGRESS, assigned_to="ada"))
        await tx.insert_task(a_task("gone", 4, deleted_at=5))
    async with store.read() as tx:
        found = {q.id: q for q in await tx.queued_among(["q", "approved", "held", "gone", "missing"])}
        assert await tx.queued_among([]) == []
    assert sorted(found) == ["approved", "q"] and found["q"].priority == "high"


async def test_event_seq_is_gapless_survives_reopening_and_rolls_back_with_its_transaction(store, database_url) -> None:
    async with store.write() as tx:
        first = await tx.append_event("task:created", "t1", {"id": "t1"}, 1)
        second = await tx.append_event("task:updated", "t1", {"id": "t1", "status": None}, 2)
    assert (first.seq, second.seq) == (1, 2)
    with pytest.raises(RuntimeError):
        async with store.write() as tx:
            await tx.append_event("task:updated", "t1", {}, 3)
            raise RuntimeError("abort")
    await store.close()
    reopened = open_store(database_url)
    try:
        async with reopened.write() as tx:
            third = await tx.append_event("task:deleted", "t1", {"id": "t1"}, 4)
        assert third.seq == 3
        async with reopened.read() as tx:
            events = await tx.events_after(0, 10)
            assert [(e.seq, e.name, e.payload) for e in events] == [
                (1, "task:created", {"id": "t1"}), (2, "task:updated", {"id": "t1", "status": None}),
                (3, "task:deleted", {"id": "t1"})]
            assert await tx.last_seq() == 3
    finally:
        await reopened.close()


async def test_events_are_numbered_one_by_one_across_transactions_and_stores_of_one_file(database_url) -> None:
    """Two stores on one database (two processes on one SQLite file, or on one PostgreSQL) number
    their events on from each other's, whatever each transaction appends."""
    first, second = open_store(database_url), open_store(database_url)
    try:
        for store, count in ((first, 1), (first, 3), (second, 2), (first, 0), (first, 2), (second, 1)):
            async with store.write() as tx:
                seqs = [(await tx.append_event("task:updated", "t1", {}, 1)).seq for _ in range(count)]
                assert tx.newest_seq == (seqs[-1] if seqs else None)
        async with first.read() as tx:
            assert [e.seq for e in await tx.events_after(0, 20)] == list(range(1, 10))
            assert await tx.last_seq() == 9
    finally:
        await first.close()
        await second.close()


async def test_a_rolled_back_write_numbers_nothing(store) -> None:
    with pytest.raises(RuntimeError):
        async with store.write() as tx:
            await tx.append_event("task:updated", "t1", {}, 1)
            raise RuntimeError("the operation failed")
    async with store.write() as tx:
        assert (await tx.append_event("task:updated", "t1", {}, 2)).seq == 1
    async with store.read() as tx:
        assert await tx.last_seq() == 1


async def test_pruning_drops_old_events_but_keeps_the_newest(store) -> None:
    async with store.write() as tx:
        for n in range(1, 4):
            await tx.append_event("agent:status", "a", {"n": n}, n)
    async with store.write() as tx:
        assert await tx.prune_events(before=100) == 2
    async with store.read() as tx:
        assert (await tx.oldest_seq(), await tx.last_seq()) == (3, 3)


def test_a_new_database_is_migrated_to_the_newest_revision_once(tmp_path) -> None:
    from waaah.store import current_revision, ensure_migrated, head_revision

    url = f"sqlite:///{tmp_path}/new/waaah.db"
    assert current_revision(url) is None
    ensure_migrated(url)
    newest = max(p.name for p in (Path(__file__).parents[2] / "src/waaah/store/migrations/versions").glob("0*.py"))
    assert current_revision(url) == head_revision() == newest.split("_", 1)[0]
    ensure_migrated(url)  # already current: nothing to do
    assert current_revision(url) == head_revision()


def test_a_migration_started_early_is_the_one_the_server_waits_for(tmp_path) -> None:
    from waaah.store import current_revision, ensure_migrated, head_revision, start_migrating

    url = f"sqlite:///{tmp_path}/early/waaah.db"
    start_migrating(url)  # returns at once; the child migrates meanwhile
    start_migrating(url)  # a second call does not start a second child
    ensure_migrated(url)
    assert current_revision(url) == head_revision()
    start_migrating(url)  # already current: no child at all
    ensure_migrated(url)


async def test_an_uncounted_find_skips_the_total(store) -> None:
    async with store.write() as tx:
        for n in range(3):
            await tx.insert_task(a_task(f"t{n}", n))
    async with store.read() as tx:
        found, total = await tx.find_tasks(TaskQuery(limit=2, counted=False))
        assert ([t.id for t in found], total) == (["t2", "t1"], 2)


async def test_transcript_entries_page_by_number_and_the_span_counts_what_was_dropped(store) -> None:
    from waaah.domain.transcripts import Span, TranscriptEntry

    entries = [TranscriptEntry("t1", n, "message", f"line {n}", 100 + n, "ada" if n % 2 else None)
               for n in range(1, 6)]
    async with store.write() as tx:
        await tx.insert_task(a_task("t1", 1))
        await tx.insert_task(a_task("t2", 2))
        assert await tx.transcript_span("t1") == Span(0, 0)
        await tx.insert_transcript(entries)
        assert await tx.drop_transcript("t1", before=3) == 2
    async with store.read() as tx:
        assert await tx.transcript_span("t1") == Span(dropped=2, total=5)
        assert await tx.transcript("t1", after=0, limit=2) == entries[2:4]
        assert await tx.transcript("t1", after=4, limit=10) == entries[4:]
        assert (await tx.transcript_span("t2"), await tx.transcript("t2", 0, 10)) == (Span(), [])


async def test_a_failure_reason_round_trips_and_clears(store) -> None:
    async with store.write() as tx:
        await tx.insert_task(a_task("t1", 1, status=S.FAILED, failure_reason="agent_exit"))
    async with store.read() as tx:
        assert (await tx.get_task("t1")).failure_reason == "agent_exit"
    async with store.write() as tx:
        await tx.update_task("t1", {"status": S.QUEUED, "failure_reason": None})
    async with store.read() as tx:
        assert (await tx.get_task("t1")).failure_reason is None


async def test_checks_round_trip_oldest_first_and_the_verification_fields_with_the_task(store) -> None:
    from waaah.domain.checks import Check

    task = a_task("t1", 1, verify=("make test", "ruff check ."), verification=True,
                  approval_override={"reason": "flaky", "at": 9}, check_summary={"preReview": "failed", "count": 1})
    later = Check("chk-2", "t1", "merge", "make e2e", 0, 10, "ok", False, "b" * 40, 20, 21, None)
    first = Check("chk-9", "t1", "pre-review", "make test", -9, 5, "x" * 100, True, "a" * 40, 3, 4, "ada")
    async with store.write() as tx:
        await tx.insert_task(task)
        await tx.insert_task(a_task("t2", 2))
        await tx.insert_check(later)
        await tx.insert_check(first)
    async with store.read() as tx:
        assert await tx.get_task("t1") == task
        assert (await tx.get_task("t2")).verify == () and (await tx.get_task("t2")).verification is False
        assert await tx.checks("t1") == [first, later]
        assert await tx.checks("t2") == []


async def test_a_hook_lease_is_taken_by_one_worker_until_it_runs_out_or_is_released(store) -> None:
    from waaah.hooks.model import Hook

    hook = Hook("hook-1", "http://127.0.0.1:9/h", "s" * 20, ("needs-you", "task:*:*"), 1, cursor=4)
    async with store.write() as tx:
        await tx.insert_hook(hook)
        assert await tx.lease_hook("hook-1", "w1", now=100, until=200)
        assert not await tx.lease_hook("hook-1", "w2", now=150, until=250)  # held
        assert not await tx.update_hook("hook-1", {"cursor": 9}, owner="w2")  # not the holder
        assert await tx.update_hook("hook-1", {"cursor": 5}, owner="w1")
        assert await tx.lease_hook("hook-1", "w2", now=201, until=300)  # ran out
        await tx.update_hook("hook-1", {"paused": True, "leased_until": 0})
        assert not await tx.lease_hook("hook-1", "w1", now=400, until=500)  # paused
    async with store.read() as tx:
        stored = await tx.get_hook("hook-1")
        assert stored is not None and (stored.cursor, stored.lease_owner, stored.paused) == (5, "w2", True)
        assert stored.patterns == hook.patterns and [h.id for h in await tx.list_hooks()] == ["hook-1"]


async def test_pruning_keeps_every_event_a_hook_has_not_delivered(store) -> None:
    from waaah.hooks.model import Hook

    async with store.write() as tx:
        for n in range(5):
            await tx.append_event("task:updated", f"t{n}", {}, now=n)
        await tx.insert_hook(Hook("hook-1", "http://127.0.0.1:9/h", "s" * 20, ("*",), 1, cursor=2))
    async with store.write() as tx:
        await tx.prune_events(before=100)
    async with store.read() as tx:
        assert [e.seq for e in await tx.events_after(0, 10)] == [3, 4, 5]


async def test_a_search_looks_only_at_the_newest_window_of_what_the_other_filters_select(store, monkeypatch) -> None:
    monkeypatch.setattr("waaah.store.sql.SEARCH_WINDOW", 3)
    async with store.write() as tx:
        for n in range(6):
            await tx.insert_task(a_task(f"t{n}", n, title="needle", status=S.QUEUED if n < 2 else S.COMPLETED))
        await tx.update_task("t5", {"deleted_at": 9})
    async with store.read() as tx:
        found, total = await tx.find_tasks(TaskQuery(search="needle"))
        assert ([t.id for t in found], total) == (["t4", "t3", "t2"], 3)  # the newest 3 undeleted tasks
        queued, total = await tx.find_tasks(TaskQuery(search="needle", statuses=[S.QUEUED]))
        assert ([t.id for t in queued], total) == (["t1", "t0"], 2)  # the window is of queued tasks
        page, _ = await tx.find_tasks(TaskQuery(search="needle", limit=1, after=(3, "t3"), counted=False))
        assert [t.id for t in page] == ["t2"]


async def test_the_newest_finished_tasks_are_merged_from_each_status_with_ties_by_id(store) -> None:
    from waaah.service.queries import newest_finished

    finished = [(f"f{n}", 10 + n // 2, (S.COMPLETED, S.FAILED, S.CANCELLED)[n % 3]) for n in range(9)]
    async with store.write() as tx:
        for task_id, created, status in finished:
            await tx.insert_task(a_task(task_id, created, status=status))
        await tx.insert_task(a_task("active", 30))
        await tx.update_task("f8", {"deleted_at": 40})
    newest = sorted(((c, i) for i, c, _ in finished if i != "f8"), reverse=True)
    async with store.read() as tx:
        assert [t.id for t in await newest_finished(tx, 4, None)] == [i for _, i in newest[:4]]
        after = await newest_finished(tx, 10, newest[3])
        assert [t.id for t in after] == [i for _, i in newest[4:]]

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialLive, parseEventName, reduceLive, syncCards, type LiveAction, type LiveState } from '../src/state';
import { mergeEntries, TRANSCRIPT_KEEP, type TranscriptEntry } from '../src/transcript';

const NOW = 1_700_000_000_000;
const ID = 'task-1-a';

function run(state: LiveState, ...actions: LiveAction[]): LiveState {
  return actions.reduce(reduceLive, state);
}

const entry = (n: number, kind = 'message', text = `line ${n}`): TranscriptEntry => ({ n, kind, text, at: NOW + n, agentId: 'a1' });
const live = (seq: number, id: string, entries: TranscriptEntry[], total = entries[entries.length - 1]?.n ?? 0): LiveAction =>
  ({ type: 'event', name: `task:${id}:transcript`, payload: { id, seq, entries, total }, now: NOW });
const synced = (seq = 10) => run(initialLive, { type: 'sync:full', payload: { tasks: [{ id: ID, status: 'IN_PROGRESS' }], agents: [], seq }, now: NOW });
const opened = (taskId = ID) => run(synced(), { type: 'transcript:open', taskId });
const numbers = (state: LiveState) => state.transcript?.entries.map((e) => e.n);

describe('transcript', () => {
  it('is named as a task event, so its seq counts and no resync is asked for', () => {
    assert.deepEqual(parseEventName(`task:${ID}:transcript`), { entity: 'task', kind: 'transcript' });
    assert.deepEqual(parseEventName('task:transcript'), { entity: 'task', kind: 'transcript' });
    const state = run(synced(), live(11, ID, [entry(1)]), live(12, 'task-2-b', [entry(1)]));
    assert.equal(state.seq, 12);
    assert.equal(state.resyncSince, null);
    assert.equal(state.transcript, null); // no detail open: nothing kept
    assert.deepEqual(state.tasks, synced().tasks); // the board is untouched
  });

  it('takes the REST page when the detail opens, then appends live entries of that task only', () => {
    const page = { entries: [entry(1, 'tool_call'), entry(2, 'tool_result')], total: 2, dropped: 0 };
    const state = run(opened(), { type: 'transcript:loaded', taskId: ID, page },
      live(11, ID, [entry(3, 'error')]), live(12, 'task-2-b', [entry(9)]));
    assert.deepEqual(numbers(state), [1, 2, 3]);
    assert.deepEqual(state.transcript?.entries.map((e) => e.kind), ['tool_call', 'tool_result', 'error']);
    assert.equal(state.transcript?.total, 3);
    assert.equal(state.transcript?.loaded, true);
  });

  it('merges live entries that came before the page without repeating any', () => {
    const page = { entries: [entry(1), entry(2), entry(3)], total: 3, dropped: 0 };
    const state = run(opened(), live(11, ID, [entry(3)]), { type: 'transcript:loaded', taskId: ID, page }, live(12, ID, [entry(4)]));
    assert.deepEqual(numbers(state), [1, 2, 3, 4]);
  });

  it('ignores a page for a task that is no longer open, and forgets the transcript on close', () => {
    const page = { entries: [entry(1)], total: 1, dropped: 0 };
    const moved = run(opened(), { type: 'transcript:open', taskId: 'task-2-b' }, { type: 'transcript:loaded', taskId: ID, page });
    assert.deepEqual(numbers(moved), []);
    assert.equal(moved.transcript?.taskId, 'task-2-b');
    assert.equal(run(moved, { type: 'transcript:open', taskId: null }).transcript, null);
  });

  it('counts what the hub dropped and keeps at most the newest TRANSCRIPT_KEEP entries', () => {
    const state = run(opened(), { type: 'transcript:loaded', taskId: ID, page: { entries: [entry(8), entry(9)], total: 9, dropped: 7 } });
    assert.deepEqual([state.transcript?.dropped, state.transcript?.total], [7, 9]);
    const many = Array.from({ length: TRANSCRIPT_KEEP + 5 }, (_, i) => entry(i + 1));
    const kept = mergeEntries([], many);
    assert.equal(kept.length, TRANSCRIPT_KEEP);
    assert.equal(kept[0].n, 6);
  });
});

describe('failureReason', () => {
  it('comes with a card row and is cleared by a patch', () => {
    const taskFields = ['id', 'status', 'title', 'priority', 'assignedTo', 'blockedReason', 'dependencies', 'completedAt', 'failureReason'];
    const row = [ID, 'FAILED', 'Build', null, 'a1', null, null, NOW, 'agent_exit'];
    assert.equal(syncCards({ taskFields, tasks: [row], agents: [], seq: 1 })[0].failureReason, 'agent_exit');
    const state = run(initialLive, { type: 'sync:full', payload: { taskFields, tasks: [row], agents: [], seq: 1 }, now: NOW },
      { type: 'event', name: `task:${ID}:updated`, payload: { id: ID, seq: 2, status: 'QUEUED', failureReason: null }, now: NOW });
    assert.equal(state.tasks[ID].failureReason, null);
  });
});

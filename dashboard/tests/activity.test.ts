import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backfillSince, type LoggedEvent } from '../src/activity';
import { cardTitle, heading } from '../src/components/format';
import { initialLive, reduceLive, syncCards, type LiveAction, type LiveState } from '../src/state';
import type { Task } from '../src/types';

const NOW = 1_700_000_000_000;
const run = (state: LiveState, ...actions: LiveAction[]) => actions.reduce(reduceLive, state);
const synced = (tasks: Task[] = [], seq = 10, agents = [] as never[]) =>
  run(initialLive, { type: 'connection', status: 'connected' }, { type: 'sync:full', payload: { tasks, agents, seq }, now: NOW });
const logged = (seq: number, name: string, payload: unknown, createdAt: number): LoggedEvent => ({ seq, name, payload, createdAt });

describe('activity', () => {
  it('stamps an agent event with the time it came, not the agent\'s last-seen time', () => {
    const state = synced([], 10, [{ id: 'ag', status: 'WAITING', lastSeen: NOW - 3_600_000 }] as never[]);
    const after = run(state, { type: 'event', name: 'agent:ag:status', payload: { id: 'ag', seq: 11, status: 'OFFLINE', lastSeen: NOW - 3_600_000 }, now: NOW });
    assert.equal(after.activity[0].at, NOW);
    assert.equal(after.activity[0].text, 'Agent ag is Offline');
  });

  it('reads the past back from the event log, in seq order with live entries, each once', () => {
    const task: Task = { id: 'task-1-a', status: 'IN_PROGRESS', title: 'Ship it' };
    const live = run(synced([task], 12), { type: 'event', name: 'task:task-1-a:updated', payload: { id: 'task-1-a', seq: 13, status: 'IN_REVIEW' }, now: NOW });
    const state = run(live, { type: 'activity:loaded', events: [
      logged(10, 'task:task-1-a:created', { id: 'task-1-a', status: 'QUEUED', title: 'Ship it' }, NOW - 3000),
      logged(11, 'agent:bob:status', { id: 'bob', status: 'PROCESSING', displayName: 'Bob' }, NOW - 2000),
      logged(12, 'task:task-1-a:transcript', { id: 'task-1-a', entries: [] }, NOW - 1500),
      logged(13, 'task:task-1-a:updated', { id: 'task-1-a', status: 'IN_REVIEW' }, NOW - 1000),
    ] });
    assert.deepEqual(state.activity.map((e) => e.seq), [13, 11, 10]);
    assert.equal(state.activity[2].at, NOW - 3000);
    assert.equal(state.activity[2].text, 'New task “Ship it” (Queued)');
    assert.equal(state.activity[1].text, 'Agent Bob is Working');
    assert.equal(state.activity[1].agentId, 'bob');
  });

  it('asks the log for the last events before the sync, never before seq 0', () => {
    assert.equal(backfillSince(500, 100), 400);
    assert.equal(backfillSince(30, 100), 0);
  });
});

describe('card titles and headings', () => {
  const long = `${'Rename the payment provider settings and their docs '.repeat(3)}\nmore`;

  it('renders the same title for a whole task and for its sync:full row', () => {
    const whole: Task = { id: 'task-1-a', status: 'QUEUED', title: null, prompt: long };
    const [card] = syncCards({ taskFields: ['id', 'status', 'title'], tasks: [['task-1-a', 'QUEUED', `${long.slice(0, 55)}…`]], agents: [], seq: 1 });
    assert.equal(cardTitle(whole), cardTitle(card));
    assert.equal(Array.from(cardTitle(whole)).length, 56);
  });

  it('heads a task without a title with its prompt\'s first line, bounded', () => {
    const task: Task = { id: 'task-1-a', status: 'QUEUED', prompt: `Fix it\n${'x'.repeat(2_000_000)}` };
    assert.equal(heading(task, task.id), 'Fix it');
    assert.ok(heading({ ...task, prompt: 'y'.repeat(2_000_000) }, task.id).length <= 160);
  });
});

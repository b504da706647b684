import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finishedCount, handshakeAuth, initialLive, reduceLive, syncCards, syncRequest, type LiveAction, type LiveState } from '../src/state';
import type { Task } from '../src/types';

const NOW = 1_700_000_000_000;

function card(id: string, status: Task['status'] = 'QUEUED', extra: Partial<Task> = {}): Task {
  return { id, status, title: `title ${id}`, priority: 'normal', createdAt: NOW, updatedAt: NOW, ...extra };
}

function run(state: LiveState, ...actions: LiveAction[]): LiveState {
  return actions.reduce(reduceLive, state);
}

const event = (name: string, payload: unknown): LiveAction => ({ type: 'event', name, payload, now: NOW });
const sync = (tasks: Task[], seq: number, agents = [] as never[]): LiveAction =>
  ({ type: 'sync:full', payload: { tasks, agents, seq }, now: NOW });
const synced = (tasks: Task[] = [], seq = 10) => run(initialLive, { type: 'connection', status: 'connected' }, sync(tasks, seq));

describe('sync:full', () => {
  it('replaces tasks and agents and takes the seq', () => {
    const state = run(synced([card('a')], 5), sync([card('b')], 9, [{ id: 'ag', status: 'WAITING' }] as never[]));
    assert.deepEqual(Object.keys(state.tasks), ['b']);
    assert.equal(state.agents.ag.status, 'WAITING');
    assert.equal(state.seq, 9);
    assert.equal(state.synced, true);
    assert.equal(state.syncs, 2);
  });

  it('starts REST paging of finished tasks over, and counts the finished ones it carried', () => {
    const paged = run(synced(), { type: 'finished:page', tasks: [card('z', 'FAILED')], offset: 0, total: 9 });
    const state = run(paged, sync([card('a'), card('b', 'COMPLETED'), card('c', 'FAILED')], 20));
    assert.deepEqual(state.finished, { offset: 0, total: null });
    assert.equal(finishedCount(state), 2);
  });

  it('turns rows under taskFields into the cards the object form carries', () => {
    const taskFields = ['id', 'status', 'title', 'priority', 'assignedTo', 'blockedReason', 'dependencies', 'completedAt'];
    const rows = [
      ['task-1-a', 'QUEUED', 'Fix flaky login test'],
      ['task-2-b', 'IN_PROGRESS', 'Réparer le «login»…', 'high', 'agent-1'],
      ['task-3-c', 'BLOCKED', 'Docs', null, null, 'waits', ['task-1-a']],
      ['task-4-d', 'COMPLETED', 'Done', 'critical', 'agent-2', null, null, NOW],
    ];
    const objects: Task[] = [
      { id: 'task-1-a', status: 'QUEUED', title: 'Fix flaky login test' },
      { id: 'task-2-b', status: 'IN_PROGRESS', title: 'Réparer le «login»…', priority: 'high', assignedTo: 'agent-1' },
      { id: 'task-3-c', status: 'BLOCKED', title: 'Docs', blockedReason: 'waits', dependencies: ['task-1-a'] },
      { id: 'task-4-d', status: 'COMPLETED', title: 'Done', priority: 'critical', assignedTo: 'agent-2', completedAt: NOW },
    ];
    const fromRows = run(initialLive, { type: 'sync:full', payload: { taskFields, tasks: rows, agents: [], seq: 4 }, now: NOW });
    const fromObjects = run(initialLive, sync(objects, 4));
    assert.deepEqual(syncCards({ taskFields, tasks: rows, agents: [], seq: 4 }), objects);
    assert.deepEqual(fromRows, fromObjects);
    assert.deepEqual(Object.keys(fromRows.tasks), ['task-1-a', 'task-2-b', 'task-3-c', 'task-4-d']);
    assert.equal(finishedCount(fromRows), 1);
  });

  it('clears a pending resync', () => {
    const gap = run(synced([], 3), event('task:x:created', { ...card('x'), seq: 9 }));
    assert.equal(gap.resyncSince, 3);
    assert.equal(run(gap, sync([], 12)).resyncSince, null);
  });
});

describe('task events', () => {
  it('adds a created task', () => {
    const state = run(synced(), event('task:t1:created', { ...card('t1'), prompt: 'do it', seq: 11 }));
    assert.equal(state.tasks.t1.prompt, 'do it');
    assert.equal('seq' in state.tasks.t1, false);
    assert.equal(state.seq, 11);
    assert.match(state.activity[0].text, /New task/);
  });

  it('merges an update patch, keeping fields it does not name and clearing nulls', () => {
    const start = synced([card('t1', 'ASSIGNED', { assignedTo: 'alice' })]);
    const state = run(start, event('task:t1:updated', { id: 't1', seq: 11, status: 'QUEUED', assignedTo: null }));
    assert.equal(state.tasks.t1.status, 'QUEUED');
    assert.equal(state.tasks.t1.assignedTo, null);
    assert.equal(state.tasks.t1.title, 'title t1');
    assert.equal(state.activity[0].text, '“title t1” → Queued');
  });

  it('replaces messages and history with the full arrays a patch carries', () => {
    const msg = { id: 'm1', taskId: 't1', role: 'agent', content: 'halfway', timestamp: NOW };
    const state = run(synced([card('t1', 'IN_PROGRESS')]),
      event('task:t1:updated', { id: 't1', seq: 11, messages: [msg], history: [{ timestamp: NOW, status: 'IN_PROGRESS' }] }));
    assert.deepEqual(state.tasks.t1.messages, [msg]);
    assert.equal(state.tasks.t1.history?.length, 1);
    assert.match(state.activity[0].text, /halfway/);
  });

  it('drops a deleted task', () => {
    const state = run(synced([card('t1'), card('t2')]), event('task:t1:deleted', { id: 't1', seq: 11 }));
    assert.deepEqual(Object.keys(state.tasks), ['t2']);
  });

  it('keeps a patch for an unknown task as a stub to load over REST', () => {
    const state = run(synced(), event('task:old:updated', { id: 'old', seq: 11, status: 'QUEUED' }));
    assert.equal(state.tasks.old.stub, true);
    assert.equal(state.tasks.old.status, 'QUEUED');
  });

  it('accepts the unscoped names too', () => {
    const state = run(synced(), event('task:created', { ...card('t1'), seq: 11 }));
    assert.ok(state.tasks.t1);
  });
});

describe('agent events', () => {
  it('adds a new agent and merges status changes', () => {
    const joined = run(synced(), event('agent:a1:status', { id: 'a1', seq: 11, status: 'WAITING', lastSeen: NOW, currentTasks: [], displayName: 'Alice' }));
    const busy = run(joined, event('agent:a1:status', { id: 'a1', seq: 12, status: 'PROCESSING', lastSeen: NOW + 1, currentTasks: ['t1'] }));
    assert.equal(busy.agents.a1.displayName, 'Alice');
    assert.equal(busy.agents.a1.status, 'PROCESSING');
    assert.deepEqual(busy.agents.a1.currentTasks, ['t1']);
    assert.match(busy.activity[0].text, /Alice is Working/);
    assert.match(busy.activity[1].text, /Alice joined/);
  });
});

describe('seq, duplicates, gaps and resume', () => {
  it('ignores events with a seq already seen', () => {
    const once = run(synced([], 10), event('task:t1:created', { ...card('t1'), seq: 11 }));
    const twice = run(once, event('task:t1:updated', { id: 't1', seq: 11, status: 'FAILED' }), event('task:t2:created', { ...card('t2'), seq: 5 }));
    assert.equal(twice, once);
  });

  it('ignores events before the first sync:full', () => {
    const state = run(initialLive, event('task:t1:created', { ...card('t1'), seq: 1 }));
    assert.equal(state, initialLive);
  });

  it('on a gap, applies nothing and asks once for what came after the last seq', () => {
    const start = synced([], 10);
    const gap = run(start, event('task:t1:created', { ...card('t1'), seq: 13 }));
    assert.equal(gap.tasks.t1, undefined);
    assert.equal(gap.seq, 10);
    assert.equal(syncRequest(start, gap), 10);
    const again = run(gap, event('task:t2:created', { ...card('t2'), seq: 14 }));
    assert.equal(syncRequest(gap, again), null);
  });

  it('applies the replay in order and clears the request', () => {
    const gap = run(synced([], 10), event('task:t1:created', { ...card('t1'), seq: 12 }));
    const replayed = run(gap,
      event('task:t0:created', { ...card('t0'), seq: 11 }),
      event('task:t1:created', { ...card('t1'), seq: 12 }),
      event('task:t1:created', { ...card('t1'), seq: 12 }));
    assert.deepEqual(Object.keys(replayed.tasks).sort(), ['t0', 't1']);
    assert.equal(replayed.seq, 12);
    assert.equal(replayed.resyncSince, null);
  });

  it('resumes through the handshake: since is the last seq applied, once synced', () => {
    assert.deepEqual(handshakeAuth('k', ['task:*:*'], initialLive), { apiKey: 'k', subscribe: ['task:*:*'] });
    const first = run(initialLive, { type: 'connection', status: 'connected' });
    const live = run(first, sync([], 7), event('task:t1:created', { ...card('t1'), seq: 8 }));
    const down = run(live, { type: 'connection', status: 'disconnected' });
    assert.equal(down.connection, 'disconnected');
    assert.deepEqual(handshakeAuth('k', ['task:*:*'], down), { apiKey: 'k', subscribe: ['task:*:*'], since: 8 });
    const back = run(down, { type: 'connection', status: 'connected' });
    assert.equal(syncRequest(down, back), null); // no request:sync on top of the handshake's replay
    const replayed = run(back, event('task:t2:created', { ...card('t2'), seq: 9 }));
    assert.deepEqual(Object.keys(replayed.tasks).sort(), ['t1', 't2']);
  });

  it('records error events for the person to see', () => {
    const state = run(synced(), event('error', { code: 'BAD_PATTERN', message: 'bad pattern' }));
    assert.equal(state.lastError, 'bad pattern');
  });
});

describe('tasks loaded over REST', () => {
  it('merges the full task, the more recently updated side winning', () => {
    const live = synced([card('t1', 'IN_REVIEW', { updatedAt: NOW + 5 })]);
    const stale = run(live, { type: 'task:loaded', task: { ...card('t1', 'IN_PROGRESS', { updatedAt: NOW }), prompt: 'p' } });
    assert.equal(stale.tasks.t1.status, 'IN_REVIEW');
    assert.equal(stale.tasks.t1.prompt, 'p');
    const fresh = run(live, { type: 'task:loaded', task: { ...card('t1', 'COMPLETED', { updatedAt: NOW + 9 }), prompt: 'p' } });
    assert.equal(fresh.tasks.t1.status, 'COMPLETED');
  });

  it('a loaded stub is no longer a stub', () => {
    const stub = run(synced(), event('task:old:updated', { id: 'old', seq: 11, status: 'QUEUED', updatedAt: NOW }));
    const loaded = run(stub, { type: 'task:loaded', task: card('old', 'QUEUED', { updatedAt: NOW }) });
    assert.equal(loaded.tasks.old.stub, undefined);
    assert.equal(loaded.tasks.old.title, 'title old');
  });

  it('pages finished tasks in and tracks the total', () => {
    const start = synced([card('a', 'COMPLETED')]);
    const first = run(start, { type: 'finished:page', tasks: [card('a', 'COMPLETED'), card('b', 'FAILED')], offset: 0, total: 7 });
    assert.deepEqual(Object.keys(first.tasks).sort(), ['a', 'b']);
    assert.deepEqual(first.finished, { offset: 2, total: 7 });
    const second = run(first, { type: 'finished:page', tasks: [card('c', 'CANCELLED')], offset: 2, total: 7 });
    assert.deepEqual(second.finished, { offset: 3, total: 7 });
    assert.equal(finishedCount(second), 3);
  });
});

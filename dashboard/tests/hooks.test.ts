import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initialLive, parseEventName, reduceLive, type LiveAction, type LiveState } from '../src/state';

const NOW = 1_700_000_000_000;
const run = (state: LiveState, ...actions: LiveAction[]): LiveState => actions.reduce(reduceLive, state);
const event = (name: string, payload: Record<string, unknown>): LiveAction => ({ type: 'event', name, payload, now: NOW });
const synced = () => run(initialLive, { type: 'sync:full', payload: { tasks: [{ id: 't1', status: 'QUEUED' }], agents: [], seq: 10 }, now: NOW });

describe('webhook events', () => {
  it('count their seq, so the task event after one is no gap, and leave the board alone', () => {
    assert.deepEqual(parseEventName('hook:hook-1-a:status'), { entity: 'hook', kind: 'status' });
    const state = run(synced(), event('hook:hook-1-a:status', { id: 'hook-1-a', seq: 11, paused: true }),
      event('task:t1:updated', { id: 't1', seq: 12, status: 'CANCELLED' }));
    assert.equal(state.seq, 12);
    assert.equal(state.resyncSince, null);
    assert.equal(state.tasks.t1?.status, 'CANCELLED');
    assert.equal(Object.keys(state.tasks).length, 1);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inbox, inboxReason, isStalled, lastHeard, STALL_MS, whyText } from '../src/inbox';
import { eventTime, initialLive, reduceLive, type LiveAction, type LiveState } from '../src/state';
import type { Task } from '../src/types';
import { initialView, reduceView } from '../src/view';

const T0 = 1_700_000_000_000;
const MIN = 60_000;
const task = (id: string, status: Task['status'], extra: Partial<Task> = {}): Task =>
  ({ id: `task-${T0}-${id}`, status, title: id, ...extra });
const run = (state: LiveState, ...actions: LiveAction[]) => actions.reduce(reduceLive, state);
const synced = (tasks: Task[], seq = 10) => run(initialLive, { type: 'sync:full', payload: { tasks, agents: [], seq }, now: T0 });
const event = (name: string, payload: unknown, now = T0): LiveAction => ({ type: 'event', name, payload, now });

describe('stalled tasks', () => {
  it('are held by an agent and silent for the stall time, measured from the last thing heard', () => {
    const working = task('w', 'IN_PROGRESS', { statusAt: T0 });
    assert.equal(isStalled(working, T0 + STALL_MS - 1), false);
    assert.equal(isStalled(working, T0 + STALL_MS), true);
    assert.equal(isStalled(task('q', 'QUEUED'), T0 + 60 * MIN), false); // nobody holds it
    assert.equal(isStalled(task('a', 'ASSIGNED'), T0 + 60 * MIN), true);
    assert.equal(isStalled(working, 0), false); // before the clock started
    const messages = [{ id: 'm', taskId: working.id, role: 'agent', content: 'tests pass', timestamp: T0 + 8 * MIN }];
    assert.equal(lastHeard({ ...working, messages }), T0 + 8 * MIN);
    assert.equal(isStalled({ ...working, messages }, T0 + 12 * MIN), false);
    assert.equal(isStalled(working, T0 + 12 * MIN, { [working.id]: T0 + 9 * MIN }), false);
  });

  it('join the inbox after reviews and before failures, with Retry and how long they were silent', () => {
    const stalled = task('s', 'IN_PROGRESS', { statusAt: T0 });
    const tasks = Object.fromEntries([task('f', 'FAILED', { updatedAt: T0 }), stalled,
      task('r', 'IN_REVIEW', { updatedAt: T0 }), task('fresh', 'IN_PROGRESS', { statusAt: T0 + 20 * MIN })].map((t) => [t.id, t]));
    const now = T0 + 25 * MIN;
    assert.deepEqual(inbox(tasks, now).map((i) => [i.task.title, i.reason]), [['r', 'review'], ['s', 'stalled'], ['f', 'failed']]);
    assert.equal(inbox(tasks).length, 2); // without the clock nothing is stalled
    assert.equal(whyText({ task: stalled, reason: 'stalled' }, now), 'Stalled: no progress for 25m');
  });

  it('say a failure for stalling in words', () => {
    const failed = task('f', 'FAILED', { failureReason: 'stalled' });
    assert.equal(inboxReason(failed, T0), 'failed');
    assert.equal(whyText({ task: failed, reason: 'failed' }, T0), 'Failed · stalled (the agent went silent)');
    assert.equal(whyText({ task: task('g', 'FAILED', { failureReason: 'verify_failed' }), reason: 'failed' }, T0), 'Failed · verify_failed');
  });
});

describe('stalled after a reload', () => {
  const FIELDS = ['id', 'status', 'title', 'priority', 'assignedTo', 'blockedReason', 'dependencies', 'completedAt',
    'failureReason', 'requiredCapabilities', 'checkState', 'verification', 'approvedAt', 'workspaceId', 'statusAt',
    'planId', 'plan', 'progressAt'];
  const gap = (n: number) => Array<null>(n).fill(null);
  const busy = `task-${T0}-busy`;
  const silent = `task-${T0}-silent`;
  const reloaded = () => run(initialLive, { type: 'sync:full', now: T0 + 20 * MIN, payload: {
    taskFields: FIELDS, agents: [], seq: 40, tasks: [
      [busy, 'IN_PROGRESS', 'Busy', null, 'alice', ...gap(9), T0, null, null, T0 + 18 * MIN],
      [silent, 'IN_PROGRESS', 'Silent', null, 'alice', ...gap(9), T0],
    ] } });

  it('tells a task still reporting progress from a silent one by the cards alone', () => {
    const state = reloaded();
    assert.equal(state.tasks[busy].progressAt, T0 + 18 * MIN);
    const now = T0 + 20 * MIN;
    assert.deepEqual(inbox(state.tasks, now, state.heard).map((i) => [i.task.id, i.reason]), [[silent, 'stalled']]);
    assert.equal(whyText(inbox(state.tasks, now, state.heard)[0], now, state.heard), 'Stalled: no progress for 20m');
    assert.equal(isStalled(state.tasks[busy], T0 + 28 * MIN, state.heard), true); // silent since its last report
  });

  it('gives the same inbox as the page that saw the progress live', () => {
    const live = run(synced([task('busy', 'IN_PROGRESS', { statusAt: T0 }), task('silent', 'IN_PROGRESS', { statusAt: T0 })], 39),
      event(`task:${busy}:updated`, { id: busy, seq: 40, lastProgressAt: T0 + 18 * MIN,
        messages: [{ id: 'm', taskId: busy, role: 'agent', content: 'still working', timestamp: T0 + 18 * MIN }] }));
    const now = T0 + 20 * MIN;
    const ids = (state: LiveState) => inbox(state.tasks, now, state.heard).map((i) => i.task.id);
    assert.deepEqual(ids(live), ids(reloaded()));
  });
});

describe('heard', () => {
  it('keeps the latest time each task was heard from, by the events’ own times', () => {
    const id = `task-${T0}-w`;
    let state = synced([task('w', 'IN_PROGRESS', { statusAt: T0 })]);
    state = run(state, event(`task:${id}:transcript`, { id, seq: 11, entries: [{ n: 1, kind: 'message', text: 'x', at: T0 + 5 * MIN }], total: 1 }, T0 + 30 * MIN));
    assert.equal(state.heard[id], T0 + 5 * MIN); // the entry's time, not the time it arrived (a replay can be late)
    const messages = [{ id: 'm', taskId: id, role: 'agent', content: 'halfway', timestamp: T0 + 7 * MIN }];
    state = run(state, event(`task:${id}:updated`, { id, seq: 12, messages }));
    assert.equal(state.heard[id], T0 + 7 * MIN);
    const unchanged = run(state, event(`task:${id}:updated`, { id, seq: 13, reviewComments: 1 }));
    assert.equal(unchanged.heard, state.heard);
    const logged = run(state, { type: 'activity:loaded', events: [{ seq: 9, name: `task:${id}:updated`, payload: { id }, createdAt: T0 + 9 * MIN }] });
    assert.equal(logged.heard[id], T0 + 9 * MIN);
    assert.equal(eventTime({ updatedAt: 3, entries: [{ at: 5 }] }), 5);
  });
});

describe('acting from a card', () => {
  it('opens one card’s answer box at a time, and closes it when a detail opens', () => {
    let view = reduceView(initialView('dark', null), { type: 'answering', taskId: 'a' });
    assert.equal(view.answering, 'a');
    view = reduceView(view, { type: 'answering', taskId: 'b' });
    assert.equal(view.answering, 'b');
    assert.equal(reduceView(view, { type: 'route', taskId: 'c' }).answering, null);
  });

  it('opens the detail at the reject form for Reject, and only for that opening', () => {
    const view = reduceView(initialView('dark', null), { type: 'route', taskId: 'a', focus: 'reject' });
    assert.equal(view.focus, 'reject');
    assert.equal(reduceView(view, { type: 'route', taskId: null }).focus, null);
  });

  it('shows or collapses the side panels', () => {
    assert.equal(initialView('dark', null).side, 'open');
    const collapsed = initialView('dark', null, 'off', { kind: 'board' }, 0, 'collapsed');
    assert.equal(collapsed.side, 'collapsed');
    assert.equal(reduceView(collapsed, { type: 'side', side: 'open' }).side, 'open');
  });
});

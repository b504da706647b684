import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkBadge, gateHold, mergeQueues, type Check } from '../src/checks';
import { initialLive, reduceLive, syncCards, type LiveAction, type LiveState } from '../src/state';
import { reduce } from '../src/store';
import { initialHooks } from '../src/hooks';
import type { Task } from '../src/types';
import { initialView } from '../src/view';

const NOW = 1_700_000_000_000;
const SHA = 'a'.repeat(40);

function run(state: LiveState, ...actions: LiveAction[]): LiveState {
  return actions.reduce(reduceLive, state);
}

const FIELDS = ['id', 'status', 'title', 'priority', 'assignedTo', 'blockedReason', 'dependencies', 'completedAt',
  'failureReason', 'requiredCapabilities', 'checkState', 'verification', 'approvedAt', 'workspaceId'];

function check(extra: Partial<Check> = {}): Check {
  return { id: 'chk-1', stage: 'pre-review', command: 'make test', exitCode: 0, passed: true, durationMs: 5,
    output: 'ok', truncated: false, commit: SHA, ranAt: NOW, agentId: 'a1', ...extra };
}

describe('cards and checks', () => {
  it('reads a check badge and a verification row from sync:full rows', () => {
    const cards = syncCards({ taskFields: FIELDS, agents: [], seq: 1,
      tasks: [['t1', 'IN_REVIEW', 'T1', null, null, null, null, null, null, null, 'failed'],
        ['v1', 'QUEUED', 'V1', null, null, null, null, null, null, null, null, true]] });
    assert.equal(checkBadge(cards[0]), 'failed');
    assert.equal(cards[1].verification, true);
    assert.equal(checkBadge(cards[1]), null);
  });

  it('takes the badge from a checks patch when no checkState came', () => {
    const task = { id: 't1', status: 'IN_PROGRESS', checks: { lastState: 'passed', count: 1 } } as Task;
    assert.equal(checkBadge(task), 'passed');
  });

  it('keeps the loaded checks of the open task in the one reducer', () => {
    const state = run(initialLive, { type: 'checks:loaded', taskId: 't1', checks: [check()] });
    assert.deepEqual(state.checks, { taskId: 't1', list: [check()] });
    const app = reduce({ live: initialLive, view: initialView('dark', 't1'), hooks: initialHooks }, { type: 'checks:loaded', taskId: 't1', checks: [check()] });
    assert.deepEqual(app.live.checks, { taskId: 't1', list: [check()] }); // the store routes it to that reducer
  });
});

describe('the gate as the review shows it', () => {
  const inReview = { id: 't1', status: 'IN_REVIEW', verify: ['make test'], response: { commit: SHA } } as unknown as Task;

  it('holds approval without a check, on another commit, or on a failure; lets a pass through', () => {
    assert.match(gateHold(inReview, []) ?? '', /No pre-review check/);
    assert.match(gateHold(inReview, [check({ commit: 'b'.repeat(40) })]) ?? '', /not on the commit under review/);
    assert.match(gateHold(inReview, [check({ passed: false, exitCode: 2 })]) ?? '', /failed with exit code 2/);
    assert.equal(gateHold(inReview, [check({ passed: false, exitCode: 2 }), check()]), null);
    assert.equal(gateHold({ ...inReview, verify: [] }, []), null);
  });
});

describe('the merge queue', () => {
  it('lists approved unfinished work per workspace in approval order, live from task events', () => {
    const tasks: Record<string, Task> = {
      late: { id: 'late', status: 'APPROVED_QUEUED', title: 'Late', approvedAt: 30, workspaceId: 'repo' },
      first: { id: 'first', status: 'IN_PROGRESS', title: 'First', approvedAt: 10, workspaceId: 'repo', assignedTo: 'a1' },
      other: { id: 'other', status: 'APPROVED_PENDING_ACK', title: 'Other', approvedAt: 20, to: { workspaceId: 'elsewhere' } },
      review: { id: 'review', status: 'IN_REVIEW', title: 'Review' },
      done: { id: 'done', status: 'COMPLETED', title: 'Done', approvedAt: 5, workspaceId: 'repo' },
    };
    const queues = mergeQueues(tasks);
    assert.deepEqual(queues.map((q) => q.workspace), ['elsewhere', 'repo']);
    assert.deepEqual(queues[1].tasks.map((r) => [r.taskId, r.position, r.state]), [['first', 1, 'merging'], ['late', 2, 'waiting']]);
    const merged = mergeQueues({ ...tasks, first: { ...tasks.first, status: 'COMPLETED' } });
    assert.deepEqual(merged[1].tasks.map((r) => [r.taskId, r.position]), [['late', 1]]);
  });
});

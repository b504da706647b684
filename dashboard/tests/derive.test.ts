import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { board, countByStatus, filterChoices } from '../src/board';
import { mergeQueues } from '../src/checks';
import {
  memo, selectBoard, selectCancelled, selectChoices, selectCounts, selectFinished, selectInbox, selectMergeQueues, selectPlans,
} from '../src/derive';
import { inbox, STALL_MS } from '../src/inbox';
import { plans } from '../src/plans';
import { finishedCount, initialLive } from '../src/state';
import type { Task } from '../src/types';
import { initialView } from '../src/view';

const T0 = 1_700_000_000_000;

/** A board with a bit of everything: plans, workspaces, capabilities, agents, approvals, questions,
 * reviews, failures, cancelled tasks, and held tasks heard from at different times. */
function fixture(): Record<string, Task> {
  const statuses: Task['status'][] = ['QUEUED', 'APPROVED_QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'BLOCKED', 'IN_REVIEW', 'REJECTED',
    'COMPLETED', 'FAILED', 'CANCELLED'];
  const tasks: Record<string, Task> = {};
  for (let i = 0; i < 60; i++) {
    const status = statuses[i % statuses.length];
    const id = `task-${T0 + (i * 7919) % 1000}-s${i}`;
    tasks[id] = {
      id, status, title: `Task ${i}`, priority: (['normal', 'high', 'critical'] as const)[i % 3],
      ...(i % 4 === 0 ? { plan: `plan-${i % 3}`, planId: `T${i}` } : {}),
      ...(i % 5 === 0 ? { workspaceId: `ws-${i % 2}` } : {}),
      ...(i % 3 === 0 ? { requiredCapabilities: [`cap-${i % 4}`] } : {}),
      ...(status === 'ASSIGNED' || status === 'IN_PROGRESS' ? { assignedTo: `agent-${i % 2}`, statusAt: T0 + i * 60_000 } : {}),
      ...(status === 'BLOCKED' ? { blockedReason: i % 2 ? 'question' : 'dependencies' } : {}),
      ...(i % 6 === 0 ? { approvedAt: T0 + i } : {}),
      updatedAt: T0 + ((i * 31) % 17) * 1000,
    };
  }
  return tasks;
}

describe('derived state', () => {
  const tasks = fixture();

  it('answers as the pure functions it stands for', () => {
    assert.deepEqual(selectCounts(tasks), countByStatus(tasks));
    assert.deepEqual(selectChoices(tasks), filterChoices(tasks));
    assert.deepEqual(selectPlans(tasks), plans(tasks));
    assert.deepEqual(selectMergeQueues(tasks), mergeQueues(tasks));
    assert.equal(selectFinished(tasks), finishedCount({ ...initialLive, tasks }));
    assert.equal(selectCancelled(tasks), Object.values(tasks).filter((t) => t.status === 'CANCELLED').length);
    const filter = initialView('dark', null).filter;
    assert.deepEqual(selectBoard(tasks, filter), board(tasks, filter));
  });

  it('lists the inbox as inbox() does, stalled tasks coming and going with the clock', () => {
    const heard = { [Object.keys(tasks)[3]]: T0 + 50 * 60_000 };
    for (const now of [0, T0, T0 + STALL_MS, T0 + 20 * 60_000, T0 + 45 * 60_000, T0 + 90 * 60_000]) {
      const expected = inbox(tasks, now, heard).map((i) => `${i.task.id}:${i.reason}`);
      assert.deepEqual(selectInbox(tasks, now, heard).map((i) => `${i.task.id}:${i.reason}`), expected, `now ${now}`);
    }
    assert.ok(selectInbox(tasks, T0 + 90 * 60_000, heard).some((i) => i.reason === 'stalled'));
    assert.ok(!selectInbox(tasks, 0, heard).some((i) => i.reason === 'stalled'));
  });

  it('computes once per change of its inputs: a clock tick keeps the board, new tasks make a new one', () => {
    const filter = initialView('dark', null).filter;
    const columns = selectBoard(tasks, filter);
    assert.equal(selectBoard(tasks, filter), columns);
    assert.equal(selectCounts(tasks), selectCounts(tasks));
    const heard = {};
    const items = selectInbox(tasks, T0, heard);
    assert.equal(selectInbox(tasks, T0, heard), items);
    const moved = { ...tasks, extra: { id: 'extra', status: 'IN_REVIEW', title: 'Extra' } as Task };
    assert.notEqual(selectBoard(moved, filter), columns);
    assert.deepEqual(selectBoard(moved, filter).review.map((t) => t.id), board(moved, filter).review.map((t) => t.id));
    assert.equal(selectCounts(moved).IN_REVIEW, (countByStatus(tasks).IN_REVIEW ?? 0) + 1);
    assert.ok(selectInbox(moved, T0, {}).some((i) => i.task.id === 'extra'));
  });

  it('memo answers from its last call while the arguments are the same', () => {
    let calls = 0;
    const double = memo((a: { n: number }, b: number) => { calls++; return a.n * 2 + b; });
    const a = { n: 2 };
    assert.equal(double(a, 1), 5);
    assert.equal(double(a, 1), 5);
    assert.equal(calls, 1);
    assert.equal(double({ n: 2 }, 1), 5);
    assert.equal(double({ n: 2 }, 1), 5);
    assert.equal(calls, 3);
  });
});

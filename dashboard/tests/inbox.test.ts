import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrivals, inbox, inboxReason, tabTitle } from '../src/inbox';
import type { Task } from '../src/types';

const task = (id: string, status: Task['status'], extra: Partial<Task> = {}): Task => ({ id, status, title: id, ...extra });

describe('inbox', () => {
  it('holds questions, reviews and failures, not tasks waiting for their dependencies', () => {
    assert.equal(inboxReason(task('a', 'BLOCKED', { blockedReason: 'question' })), 'question');
    assert.equal(inboxReason(task('b', 'BLOCKED', { blockedReason: 'dependencies' })), null);
    assert.equal(inboxReason(task('c', 'IN_REVIEW')), 'review');
    assert.equal(inboxReason(task('d', 'FAILED', { failureReason: 'stalled' })), 'failed');
    assert.equal(inboxReason(task('e', 'IN_PROGRESS')), null);
  });

  it('lists questions first, then reviews, then failures, the longest waiting first', () => {
    const tasks = Object.fromEntries([
      task('f', 'FAILED', { updatedAt: 1 }), task('r2', 'IN_REVIEW', { updatedAt: 9 }),
      task('r1', 'IN_REVIEW', { updatedAt: 5 }), task('q', 'BLOCKED', { blockedReason: 'question', updatedAt: 20 }),
    ].map((t) => [t.id, t]));
    assert.deepEqual(inbox(tasks).map((i) => i.task.id), ['q', 'r1', 'r2', 'f']);
  });

  it('announces only what newly waits, and counts it in the tab title', () => {
    const before = inbox({ r: task('r', 'IN_REVIEW') });
    const after = inbox({ r: task('r', 'IN_REVIEW'), q: task('q', 'BLOCKED', { blockedReason: 'question' }) });
    assert.deepEqual(arrivals(before, after).map((i) => i.task.id), ['q']);
    assert.equal(tabTitle(2), '(2) waaah');
    assert.equal(tabTitle(0), 'waaah');
  });
});

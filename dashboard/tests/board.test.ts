import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { board, columnOf, countByStatus, createdAt } from '../src/board';
import type { Task } from '../src/types';
import type { Filter } from '../src/view';

const all: Filter = { text: '', priority: '', agentId: '', showCancelled: false, status: '', workspace: '', capability: '', plan: '', sort: '' };
const t = (id: string, status: Task['status'], extra: Partial<Task> = {}): Task =>
  ({ id, status, title: id, priority: 'normal', createdAt: 1, updatedAt: 1, ...extra });

describe('board', () => {
  it('puts every status in its column', () => {
    assert.equal(columnOf('APPROVED_PENDING_ACK'), 'todo');
    assert.equal(columnOf('ASSIGNED'), 'progress');
    assert.equal(columnOf('BLOCKED'), 'blocked');
    assert.equal(columnOf('REJECTED'), 'review');
    assert.equal(columnOf('FAILED'), 'done');
  });

  it('hides cancelled tasks unless asked', () => {
    const tasks = { a: t('a', 'CANCELLED'), b: t('b', 'COMPLETED') };
    assert.deepEqual(board(tasks, all).done.map((x) => x.id), ['b']);
    assert.equal(board(tasks, { ...all, showCancelled: true }).done.length, 2);
  });

  it('orders to-do by priority then age', () => {
    const tasks = {
      a: t('a', 'QUEUED', { createdAt: 1 }), b: t('b', 'QUEUED', { priority: 'critical', createdAt: 3 }),
      c: t('c', 'QUEUED', { priority: 'high', createdAt: 2 }), d: t('d', 'QUEUED', { createdAt: 0 }),
    };
    assert.deepEqual(board(tasks, all).todo.map((x) => x.id), ['b', 'c', 'd', 'a']);
  });

  it('filters by text, priority and agent', () => {
    const tasks = {
      a: t('a', 'QUEUED', { title: 'Fix login bug' }), b: t('b', 'IN_PROGRESS', { assignedTo: 'alice', priority: 'high' }),
    };
    assert.deepEqual(board(tasks, { ...all, text: 'LOGIN' }).todo.map((x) => x.id), ['a']);
    assert.equal(board(tasks, { ...all, text: 'LOGIN' }).progress.length, 0);
    assert.equal(board(tasks, { ...all, priority: 'high' }).progress.length, 1);
    assert.equal(board(tasks, { ...all, agentId: 'alice' }).todo.length, 0);
  });

  it('reads the creation time from the id when a card has no createdAt', () => {
    assert.equal(createdAt({ id: 'task-1712345678901-ab12cd', status: 'QUEUED' }), 1712345678901);
    assert.equal(createdAt({ id: 'odd', status: 'QUEUED' }), 0);
    const tasks = { x: { id: 'task-20-bbbbbb', status: 'QUEUED' as const }, y: { id: 'task-10-aaaaaa', status: 'QUEUED' as const } };
    assert.deepEqual(board(tasks, all).todo.map((t) => t.id), ['task-10-aaaaaa', 'task-20-bbbbbb']);
  });

  it('counts by status', () => {
    assert.deepEqual(countByStatus({ a: t('a', 'QUEUED'), b: t('b', 'QUEUED'), c: t('c', 'FAILED') }), { QUEUED: 2, FAILED: 1 });
  });
});

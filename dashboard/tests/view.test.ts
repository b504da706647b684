import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLUMN_PAGE, drawn } from '../src/board';
import type { ReviewComment, Task } from '../src/types';
import { initialView, reduceView, type ViewAction, type ViewState } from '../src/view';

const run = (state: ViewState, ...actions: ViewAction[]) => actions.reduce(reduceView, state);
const comment = (id: string, lineNumber: number | null): ReviewComment => ({
  id, taskId: 't1', filePath: 'app.py', lineNumber, content: `comment ${id}`, authorRole: 'human', resolved: 0, createdAt: 1,
});

describe('view state for daily use', () => {
  it('keeps the notification choice: off until asked, then on, denied or unsupported', () => {
    assert.equal(initialView('dark', null).notifications, 'off');
    assert.equal(initialView('dark', null, 'on').notifications, 'on'); // as the browser kept it
    const on = run(initialView('dark', null), { type: 'notifications', state: 'on' });
    assert.equal(on.notifications, 'on');
    assert.equal(run(on, { type: 'notifications', state: 'denied' }).notifications, 'denied');
  });

  it('holds a task’s review comments as last read: reading them again shows each once', () => {
    const first = run(initialView('dark', 't1'), { type: 'review-comments', taskId: 't1', comments: [comment('c1', 15)] });
    const again = run(first, { type: 'review-comments', taskId: 't1', comments: [comment('c1', 15), comment('c2', null)] });
    assert.deepEqual(again.reviewComments.t1.map((c) => c.id), ['c1', 'c2']);
    const other = run(again, { type: 'review-comments', taskId: 't2', comments: [] });
    assert.deepEqual(other.reviewComments.t1.map((c) => c.id), ['c1', 'c2']); // another task's list leaves it alone
  });

  it('opens one comment form at a time, and none once the detail moves to another task', () => {
    let view = run(initialView('dark', 't1'), { type: 'comment-at', at: { filePath: 'app.py', lineNumber: 15 } });
    view = run(view, { type: 'comment-at', at: { filePath: 'app.py', lineNumber: 16 } });
    assert.deepEqual(view.commentAt, { filePath: 'app.py', lineNumber: 16 });
    assert.equal(run(view, { type: 'comment-at', at: null }).commentAt, null);
    assert.equal(run(view, { type: 'route', taskId: 't2' }).commentAt, null);
  });

  it('changes one filter at a time and keeps the others', () => {
    const view = run(initialView('dark', null), { type: 'filter', filter: { status: 'IN_REVIEW' } },
      { type: 'filter', filter: { workspace: 'shop', sort: 'oldest' } });
    assert.deepEqual([view.filter.status, view.filter.workspace, view.filter.sort, view.filter.plan], ['IN_REVIEW', 'shop', 'oldest', '']);
  });

  it('draws a page of each column\'s cards, a page more each time, and always as far as the selected card', () => {
    const cards: Task[] = Array.from({ length: 250 }, (_, i) => ({ id: `task-${i}-x`, status: 'QUEUED' }));
    assert.equal(drawn(cards, COLUMN_PAGE, null).length, COLUMN_PAGE);
    assert.equal(drawn(cards.slice(0, 5), COLUMN_PAGE, null).length, 5);
    assert.equal(drawn(cards, COLUMN_PAGE, 'task-180-x').length, 181); // j walked past the page
    let view = run(initialView('dark', null), { type: 'column-more', column: 'todo' });
    assert.deepEqual(view.columnLimits, { todo: 2 * COLUMN_PAGE });
    view = run(view, { type: 'column-more', column: 'todo' }, { type: 'column-more', column: 'done' });
    assert.deepEqual(view.columnLimits, { todo: 3 * COLUMN_PAGE, done: 2 * COLUMN_PAGE });
  });
});

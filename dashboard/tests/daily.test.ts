import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterActivity, type ActivityEntry } from '../src/activity';
import { board, boardOrder, filterChoices } from '../src/board';
import { dateTime, span, statusSince, stays } from '../src/clock';
import { label, statusText } from '../src/components/format';
import { commandFor, moveSelection } from '../src/keys';
import { inline, parse, safeHref } from '../src/markdown';
import { depCandidates, dependents, planGraph, planIdOf, plans } from '../src/plans';
import { pageFromPath, pathForPage } from '../src/router';
import { initialLive, reduceLive, type LiveState } from '../src/state';
import type { Task } from '../src/types';
import { initialView, reduceView, type Eligibility, type ViewState } from '../src/view';

const task = (id: string, status: Task['status'], extra: Partial<Task> = {}): Task => ({ id, status, title: id, ...extra });
const byId = (...list: Task[]) => Object.fromEntries(list.map((t) => [t.id, t]));
const view = (): ViewState => initialView('dark', null);

describe('time', () => {
  it('measures the time in a status from the history, else the card, else completion or creation', () => {
    assert.equal(statusSince(task('task-100-a', 'QUEUED')), 100);
    assert.equal(statusSince(task('task-100-a', 'IN_PROGRESS', { statusAt: 500 })), 500);
    assert.equal(statusSince(task('task-100-a', 'COMPLETED', { completedAt: 900 })), 900);
    const history = [{ timestamp: 100, status: 'QUEUED' }, { timestamp: 300, status: 'IN_PROGRESS' }];
    assert.equal(statusSince(task('task-100-a', 'IN_PROGRESS', { statusAt: 999, history })), 300);
  });

  it('says spans in words and how long each status of the timeline lasted', () => {
    assert.deepEqual([span(5_000), span(125_000), span(3 * 3600_000 + 5 * 60_000), span(50 * 3600_000)], ['5s', '2m', '3h 5m', '2d 2h']);
    const history = [{ timestamp: 0, status: 'QUEUED' }, { timestamp: 60_000, status: 'IN_PROGRESS' }];
    assert.deepEqual(stays(history, 180_000, false).map((s) => [s.ms, s.current]), [[60_000, false], [120_000, true]]);
    assert.deepEqual(stays(history, 180_000, true).map((s) => s.ms), [60_000, 0]);
  });

  it('formats dates in the given time zone', () => {
    const at = Date.UTC(2025, 2, 4, 14, 5, 9);
    assert.match(dateTime(at, 'UTC'), /14:05:09/);
    assert.match(dateTime(at, 'Asia/Tokyo'), /23:05:09/);
  });

  it('starts the time in a status when a live patch moves the task', () => {
    let state: LiveState = reduceLive(reduceLive(initialLive, { type: 'connection', status: 'connected' }),
      { type: 'sync:full', payload: { tasks: [task('task-1-a', 'QUEUED')], agents: [], seq: 1 }, now: 5 });
    state = reduceLive(state, { type: 'event', name: 'task:task-1-a:updated', payload: { id: 'task-1-a', seq: 2, status: 'ASSIGNED', updatedAt: 40 }, now: 50 });
    assert.equal(state.tasks['task-1-a'].statusAt, 40);
    state = reduceLive(state, { type: 'event', name: 'task:task-1-a:updated', payload: { id: 'task-1-a', seq: 3, title: 'x', updatedAt: 90 }, now: 95 });
    assert.equal(state.tasks['task-1-a'].statusAt, 40); // an edit is not a move
  });
});

describe('plans', () => {
  const tasks = byId(
    task('a', 'COMPLETED', { planId: 'T1', plan: 'p.md' }),
    task('b', 'IN_PROGRESS', { planId: 'T2', plan: 'p.md', dependencies: ['a'] }),
    task('c', 'BLOCKED', { planId: 'T3', plan: 'p.md', dependencies: ['a', 'b'], blockedReason: 'dependencies' }),
    task('v', 'QUEUED', { context: { planId: 'V1', plan: 'other.md' } }),
  );

  it('reads plan ids from cards and whole tasks, and lists the plans', () => {
    assert.equal(planIdOf(tasks.b), 'T2');
    assert.equal(planIdOf(tasks.v), 'V1');
    assert.deepEqual(plans(tasks), ['other.md', 'p.md']);
  });

  it('finds what a task blocks from the cards', () => {
    assert.deepEqual(dependents(tasks, 'a').map((t) => t.id), ['b', 'c']);
    assert.deepEqual(dependents(tasks, 'c'), []);
  });

  it('lays a plan out in columns of dependency depth with an edge per dependency', () => {
    const graph = planGraph(tasks, 'p.md');
    assert.deepEqual(graph.nodes.map((n) => [n.task.id, n.depth, n.row]), [['a', 0, 0], ['b', 1, 0], ['c', 2, 0]]);
    assert.deepEqual(graph.edges, [{ from: 'a', to: 'b' }, { from: 'a', to: 'c' }, { from: 'b', to: 'c' }]);
    assert.equal(graph.depths, 3);
    const cyclic = planGraph(byId(task('x', 'QUEUED', { plan: 'q', dependencies: ['y'] }), task('y', 'QUEUED', { plan: 'q', dependencies: ['x'] })), 'q');
    assert.equal(cyclic.nodes.length, 2);
  });

  it('offers dependencies by search, the picked first, never the task itself', () => {
    assert.deepEqual(depCandidates(tasks, 't2', [], null).map((t) => t.id), ['b']);
    assert.deepEqual(depCandidates(tasks, 'zzz', ['a'], 'c').map((t) => t.id), ['a']);
    assert.ok(!depCandidates(tasks, '', [], 'c').some((t) => t.id === 'c'));
  });
});

describe('filters and sorting', () => {
  const tasks = byId(
    task('task-3-c', 'QUEUED', { priority: 'normal', to: { workspaceId: 'shop', requiredCapabilities: ['doc-writing'] } }),
    task('task-1-a', 'QUEUED', { priority: 'critical', workspaceId: 'api', requiredCapabilities: ['code-writing'], plan: 'p.md' }),
    task('task-2-b', 'IN_PROGRESS', { assignedTo: 'alice' }),
  );
  const filter = (f: Partial<ViewState['filter']>) => ({ ...view().filter, ...f });

  it('filters by status, workspace, capability, assignee and plan', () => {
    const ids = (f: Partial<ViewState['filter']>) => boardOrder(board(tasks, filter(f)));
    assert.deepEqual(ids({ status: 'IN_PROGRESS' }), ['task-2-b']);
    assert.deepEqual(ids({ workspace: 'shop' }), ['task-3-c']);
    assert.deepEqual(ids({ capability: 'code-writing' }), ['task-1-a']);
    assert.deepEqual(ids({ agentId: 'alice' }), ['task-2-b']);
    assert.deepEqual(ids({ plan: 'p.md' }), ['task-1-a']);
    assert.deepEqual(filterChoices(tasks), { workspaces: ['api', 'shop'], capabilities: ['code-writing', 'doc-writing'], assignees: ['alice'] });
  });

  it('sorts newest, oldest or by priority', () => {
    const todo = (sort: ViewState['filter']['sort']) => board(tasks, filter({ sort })).todo.map((t) => t.id);
    assert.deepEqual(todo('newest'), ['task-3-c', 'task-1-a']);
    assert.deepEqual(todo('oldest'), ['task-1-a', 'task-3-c']);
    assert.deepEqual(todo('priority'), ['task-1-a', 'task-3-c']);
  });
});

describe('keys', () => {
  it('maps keys to commands, never while typing or with a modifier', () => {
    assert.equal(commandFor('/', false, false), 'search');
    assert.equal(commandFor('n', false, false), 'new-task');
    assert.equal(commandFor('?', false, false), 'help');
    assert.equal(commandFor('n', true, false), null);
    assert.equal(commandFor('j', false, true), null);
    assert.equal(commandFor('Escape', true, false), 'close');
  });

  it('moves the selection within the board order', () => {
    assert.equal(moveSelection(['a', 'b', 'c'], null, 1), 'a');
    assert.equal(moveSelection(['a', 'b', 'c'], null, -1), 'c');
    assert.equal(moveSelection(['a', 'b', 'c'], 'b', 1), 'c');
    assert.equal(moveSelection(['a', 'b', 'c'], 'c', 1), 'c');
    assert.equal(moveSelection(['a', 'b', 'c'], 'a', -1), 'a');
    assert.equal(moveSelection([], 'a', 1), null);
  });
});

describe('view state for daily use', () => {
  it('routes to agent and plan pages and back', () => {
    assert.deepEqual(pageFromPath('/admin/agent/alice'), { kind: 'agent', id: 'alice' });
    assert.deepEqual(pageFromPath('/admin/plan/p.md'), { kind: 'plan', name: 'p.md' });
    assert.deepEqual(pageFromPath('/admin/task/x'), { kind: 'board' });
    assert.equal(pathForPage({ kind: 'plan', name: 'a b.md' }), '/admin/plan/a%20b.md');
    const onPlan = reduceView(view(), { type: 'route', taskId: null, page: { kind: 'plan', name: 'p.md' } });
    const withTask = reduceView(onPlan, { type: 'route', taskId: 't' });
    assert.deepEqual(withTask.page, { kind: 'plan', name: 'p.md' }); // the detail opens over the page
    assert.equal(withTask.selected, 't');
  });

  it('keeps editing and the eligibility answer to the open task', () => {
    const answer: Eligibility = { taskId: 't', status: 'QUEUED', dispatchable: true, pickedUpSoon: false, reasons: ['no agents are registered'], agents: [] };
    let state = reduceView(view(), { type: 'route', taskId: 't' });
    state = reduceView(state, { type: 'edit', taskId: 't' });
    state = reduceView(state, { type: 'eligibility:loaded', answer });
    assert.equal(state.editing, 't');
    assert.equal(state.eligibility, answer);
    assert.equal(reduceView(state, { type: 'eligibility:loaded', answer: { ...answer, taskId: 'other' } }), state);
    const moved = reduceView(state, { type: 'route', taskId: 'u' });
    assert.equal(moved.editing, null);
    assert.equal(moved.eligibility, null);
  });

  it('ticks the clock, keeps the selection, a refused key and the activity filter', () => {
    assert.equal(reduceView(view(), { type: 'tick', now: 42 }).now, 42);
    assert.equal(reduceView(view(), { type: 'select', taskId: 'a' }).selected, 'a');
    assert.deepEqual(reduceView(view(), { type: 'key:prompt', message: 'refused', tried: 'wrong' }).keyPrompt, { message: 'refused', tried: 'wrong' });
    assert.deepEqual(reduceView(view(), { type: 'activity-filter', filter: { agentId: 'bob' } }).activityFilter, { taskId: '', agentId: 'bob' });
  });

  it('keeps an agent page\'s tasks only for that agent', () => {
    const onAgent = reduceView(view(), { type: 'route', taskId: null, page: { kind: 'agent', id: 'alice' } });
    const loaded = reduceView(onAgent, { type: 'agent-tasks', agentId: 'alice', tasks: [task('x', 'COMPLETED')] });
    assert.deepEqual(loaded.agentTasks?.tasks.map((t) => t.id), ['x']);
    assert.equal(reduceView(onAgent, { type: 'agent-tasks', agentId: 'bob', tasks: [] }), onAgent);
  });
});

describe('activity filter', () => {
  const entries: ActivityEntry[] = [
    { seq: 3, at: 3, taskId: 'b', text: '“b” → In progress · alice' },
    { seq: 2, at: 2, agentId: 'alice', text: 'Agent alice is Waiting for work' },
    { seq: 1, at: 1, taskId: 'a', text: 'New task “a” (Queued)' },
  ];
  it('keeps one task\'s or one agent\'s entries', () => {
    assert.deepEqual(filterActivity(entries, { taskId: 'a', agentId: '' }).map((e) => e.seq), [1]);
    assert.deepEqual(filterActivity(entries, { taskId: '', agentId: 'alice' }).map((e) => e.seq), [3, 2]);
    assert.equal(filterActivity(entries, { taskId: '', agentId: '' }).length, 3);
  });
});

describe('markdown', () => {
  it('reads headings, paragraphs, lists and code blocks', () => {
    const blocks = parse('# Title\n\nSome *words* and `code`.\n\n- one\n- two\n\n1. first\n\n```sh\nmake <all>\n```');
    assert.deepEqual(blocks.map((b) => b.kind), ['heading', 'paragraph', 'list', 'list', 'code']);
    assert.deepEqual(blocks[4], { kind: 'code', lang: 'sh', text: 'make <all>' });
    assert.deepEqual(inline('a **b** `c`'), [{ kind: 'text', text: 'a ' }, { kind: 'strong', children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ' ' }, { kind: 'code', text: 'c' }]);
  });

  it('keeps HTML as text and links only for http(s)', () => {
    assert.deepEqual(parse('<img src=x onerror=alert(1)>'), [{ kind: 'paragraph', children: [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }] }]);
    assert.deepEqual(inline('[ok](https://example.com/a)'), [{ kind: 'link', href: 'https://example.com/a', children: [{ kind: 'text', text: 'ok' }] }]);
    assert.deepEqual(inline('[bad](javascript:alert(1))'), [{ kind: 'text', text: '[bad](javascript:alert(1)' }, { kind: 'text', text: ')' }]);
    assert.equal(safeHref('data:text/html,x'), null);
  });
});

describe('status words', () => {
  it('names statuses in words and says what a blocked task waits for', () => {
    assert.equal(label('IN_REVIEW'), 'In review');
    assert.equal(statusText(task('a', 'BLOCKED', { blockedReason: 'question' })), 'Waiting for an answer');
    assert.equal(statusText(task('a', 'BLOCKED', { blockedReason: 'dependencies' })), 'Waiting for dependencies');
  });
});

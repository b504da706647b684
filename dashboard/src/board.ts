/** Pure selectors for the board: columns, filters, counts, ordering. */
import type { LiveState } from './state';
import { planOf } from './plans';
import type { Task, Status } from './types';
import type { Filter } from './view';

export interface Column {
  key: 'todo' | 'progress' | 'blocked' | 'review' | 'done';
  label: string;
  statuses: readonly Status[];
}

export const COLUMNS: readonly Column[] = [
  { key: 'todo', label: 'To do', statuses: ['QUEUED', 'PENDING_ACK', 'APPROVED_QUEUED', 'APPROVED_PENDING_ACK'] },
  { key: 'progress', label: 'In progress', statuses: ['ASSIGNED', 'IN_PROGRESS'] },
  { key: 'blocked', label: 'Blocked', statuses: ['BLOCKED'] },
  { key: 'review', label: 'In review', statuses: ['IN_REVIEW', 'REJECTED'] },
  { key: 'done', label: 'Done', statuses: ['COMPLETED', 'FAILED', 'CANCELLED'] },
];

const PRIORITY_RANK: Record<string, number> = { critical: 0, high: 1, normal: 2 };

const COLUMN_OF = new Map<Status, Column['key']>(COLUMNS.flatMap((c) => c.statuses.map((s) => [s, c.key] as const)));

export function columnOf(status: Status): Column['key'] | null {
  return COLUMN_OF.get(status) ?? null;
}

export function workspaceOf(task: Task): string | null {
  const value = task.to?.workspaceId ?? task.workspaceId;
  return typeof value === 'string' && value ? value : null;
}

/** The capabilities a task requires. */
export function capabilities(task: Task): string[] {
  return task.to?.requiredCapabilities ?? task.requiredCapabilities ?? [];
}

export function matches(task: Task, filter: Filter, text = filter.text.trim().toLowerCase()): boolean {
  if (task.status === 'CANCELLED' && !filter.showCancelled && filter.status !== 'CANCELLED') return false;
  if (filter.priority && (task.priority ?? 'normal') !== filter.priority) return false;
  if (filter.agentId && task.assignedTo !== filter.agentId) return false;
  if (filter.status && task.status !== filter.status) return false;
  if (filter.workspace && workspaceOf(task) !== filter.workspace) return false;
  if (filter.capability && !capabilities(task).includes(filter.capability)) return false;
  if (filter.plan && planOf(task) !== filter.plan) return false;
  if (!text) return true;
  const haystack = [task.id, task.title, task.prompt, task.assignedTo, task.status, ...(task.requiredCapabilities ?? [])];
  return haystack.some((v) => typeof v === 'string' && v.toLowerCase().includes(text));
}

/** When a task was created: `createdAt`, or the epoch ms in its id (`task-<ms>-<suffix>`; cards omit createdAt). */
export function createdAt(task: Task): number {
  if (typeof task.createdAt === 'number') return task.createdAt;
  const ms = /^task-(\d+)-/.exec(task.id);
  return ms ? Number(ms[1]) : 0;
}

/** A task with the keys its column sorts on, read once per task rather than once per comparison
 * (`createdAt` parses the id: a 5,000-card column makes ~60,000 comparisons). */
interface Keyed {
  task: Task;
  rank: number;
  created: number;
  recent: number;
}

function keyed(task: Task): Keyed {
  const created = createdAt(task);
  return { task, rank: PRIORITY_RANK[task.priority ?? 'normal'] ?? 2, created, recent: task.completedAt ?? task.updatedAt ?? created };
}

const byPriorityThenAge = (a: Keyed, b: Keyed) => a.rank - b.rank || a.created - b.created;
const byRecent = (a: Keyed, b: Keyed) => b.recent - a.recent || b.task.id.localeCompare(a.task.id);

export type Board = Record<Column['key'], Task[]>;

/** The tasks of each column that pass the filter, in display order. */
export function board(tasks: LiveState['tasks'], filter: Filter): Board {
  const rows: Record<Column['key'], Keyed[]> = { todo: [], progress: [], blocked: [], review: [], done: [] };
  const text = filter.text.trim().toLowerCase();
  for (const task of Object.values(tasks)) {
    const key = columnOf(task.status);
    if (key && matches(task, filter, text)) rows[key].push(keyed(task));
  }
  const order = SORTS[filter.sort];
  const out = {} as Board;
  for (const key of Object.keys(rows) as Column['key'][]) {
    out[key] = rows[key].sort(order ?? (key === 'todo' ? byPriorityThenAge : byRecent)).map((row) => row.task);
  }
  return out;
}

const SORTS: Record<Filter['sort'], ((a: Keyed, b: Keyed) => number) | null> = {
  '': null,
  newest: (a, b) => b.created - a.created || b.task.id.localeCompare(a.task.id),
  oldest: (a, b) => a.created - b.created || a.task.id.localeCompare(b.task.id),
  priority: byPriorityThenAge,
};

/** How many cards a column draws at first, and how many more each "Show more" adds: the first screen of
 * a 5,000-card column costs a page of cards, not 5,000 (its heading still counts all of them). */
export const COLUMN_PAGE = 100;

/** The cards a column draws: the first `limit`, and on as far as the selected card when it lies beyond. */
export function drawn(cards: readonly Task[], limit: number, selected: string | null): readonly Task[] {
  if (cards.length <= limit) return cards;
  const at = selected === null ? -1 : cards.findIndex((t) => t.id === selected);
  return cards.slice(0, Math.max(limit, at + 1));
}

/** The cards in reading order (column by column), as `j`/`k` walk them. */
export function boardOrder(columns: Board): string[] {
  return COLUMNS.flatMap((c) => columns[c.key].map((t) => t.id));
}

/** The choices the filter bar offers, from the cards on the board. */
export function filterChoices(tasks: LiveState['tasks']): { workspaces: string[]; capabilities: string[]; assignees: string[] } {
  const workspaces = new Set<string>();
  const caps = new Set<string>();
  const assignees = new Set<string>();
  for (const task of Object.values(tasks)) {
    const ws = workspaceOf(task);
    if (ws) workspaces.add(ws);
    for (const c of capabilities(task)) caps.add(c);
    if (task.assignedTo) assignees.add(task.assignedTo);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return { workspaces: sorted(workspaces), capabilities: sorted(caps), assignees: sorted(assignees) };
}

/** Counts per status over all known tasks, for the header. */
export function countByStatus(tasks: LiveState['tasks']): Partial<Record<Status, number>> {
  const counts: Partial<Record<Status, number>> = {};
  for (const task of Object.values(tasks)) counts[task.status] = (counts[task.status] ?? 0) + 1;
  return counts;
}

export function columnCount(counts: Partial<Record<Status, number>>, column: Column): number {
  return column.statuses.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
}

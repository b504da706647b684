/** What the page derives from the state, shared by the components that show it: each value is computed
 * once per change of what it reads, not once per component per render. The reducers replace what
 * changes and keep the rest (`live.tasks`, `view.filter`, `live.heard` keep their identity across a
 * clock tick or an unrelated action), so each selector remembers its last inputs and answer. Each
 * answers as the pure function it stands for (board.ts, inbox.ts, plans.ts, checks.ts). Pure. */
import { board, capabilities, workspaceOf } from './board';
import { mergeQueues } from './checks';
import { inboxOrder, inboxReason, isStalled, WORKING, type InboxItem } from './inbox';
import { planOf } from './plans';
import type { Status, Task } from './types';
import { FINISHED } from './types';

type Tasks = Record<string, Task>;

/** `fn`, answering from its last call while every argument is the same (`===`) as then. */
export function memo<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  let last: A | null = null;
  let value!: R;
  return (...args: A): R => {
    if (last !== null && last.length === args.length && args.every((arg, i) => arg === (last as A)[i])) return value;
    value = fn(...args);
    last = args;
    return value;
  };
}

/** What the header, the filter bar and the side panels read of the tasks, in one pass over them. */
interface Facts {
  counts: Partial<Record<Status, number>>;
  cancelled: number;
  finished: number;
  choices: { workspaces: string[]; capabilities: string[]; assignees: string[] };
  plans: string[];
  /** The tasks with an approval time: the merge queue's candidates. */
  approved: Tasks;
  /** What waits on a person whatever the clock says (questions, reviews, failures). */
  waiting: InboxItem[];
  /** The tasks an agent holds: the ones that may stall as the clock moves. */
  working: Task[];
}

const facts = memo((tasks: Tasks): Facts => {
  const counts: Partial<Record<Status, number>> = {};
  const workspaces = new Set<string>();
  const caps = new Set<string>();
  const assignees = new Set<string>();
  const names = new Set<string>();
  const approved: Tasks = {};
  const waiting: InboxItem[] = [];
  const working: Task[] = [];
  let finished = 0;
  for (const task of Object.values(tasks)) {
    counts[task.status] = (counts[task.status] ?? 0) + 1;
    if (FINISHED.includes(task.status)) finished++;
    const ws = workspaceOf(task);
    if (ws) workspaces.add(ws);
    for (const c of capabilities(task)) caps.add(c);
    if (task.assignedTo) assignees.add(task.assignedTo);
    const plan = planOf(task);
    if (plan) names.add(plan);
    if (typeof task.approvedAt === 'number') approved[task.id] = task;
    const reason = inboxReason(task);
    if (reason) waiting.push({ task, reason });
    else if (WORKING.includes(task.status)) working.push(task);
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return {
    counts, cancelled: counts.CANCELLED ?? 0, finished, approved, waiting, working, plans: sorted(names),
    choices: { workspaces: sorted(workspaces), capabilities: sorted(caps), assignees: sorted(assignees) },
  };
});

/** The board's columns under the filter (Board, and `j`/`k`): `board(tasks, filter)`. */
export const selectBoard = memo(board);
/** Counts per status (the header): `countByStatus(tasks)`. */
export const selectCounts = (tasks: Tasks) => facts(tasks).counts;
/** The filter bar's choices: `filterChoices(tasks)`. */
export const selectChoices = (tasks: Tasks) => facts(tasks).choices;
/** The plans on the board (the header's tabs, the filter bar, the plan page): `plans(tasks)`. */
export const selectPlans = (tasks: Tasks) => facts(tasks).plans;
/** How many of the tasks are cancelled (the filter bar's "Show cancelled (n)"). */
export const selectCancelled = (tasks: Tasks) => facts(tasks).cancelled;
/** How many finished tasks are known (the Done column's "Load more finished"): `finishedCount`. */
export const selectFinished = (tasks: Tasks) => facts(tasks).finished;

const queues = memo(mergeQueues);
/** The merge queue per workspace: `mergeQueues(tasks)`. */
export const selectMergeQueues = (tasks: Tasks) => queues(facts(tasks).approved);

/** The inbox (the header's count, the tab title, the Needs you panel, notifications): the same items
 * in the same order as `inbox(tasks, now, heard)`; a clock tick reads only the tasks agents hold. */
export const selectInbox = memo((tasks: Tasks, now: number, heard: Record<string, number>): InboxItem[] => {
  const { waiting, working } = facts(tasks);
  const stalled: InboxItem[] = working.filter((task) => isStalled(task, now, heard)).map((task) => ({ task, reason: 'stalled' }));
  return inboxOrder([...waiting, ...stalled], heard);
});

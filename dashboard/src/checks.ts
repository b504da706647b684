/** The verification gate as the dashboard shows it: checks of verify commands, the gate's state, and the
 * merge queue derived from the cards (docs/api.md, "Verification and the merge queue"). Pure. */
import type { Task } from './types';

export interface Check {
  id: string;
  stage: 'pre-review' | 'merge' | 'plan' | string;
  command: string;
  exitCode: number;
  passed: boolean;
  durationMs: number;
  output: string;
  truncated: boolean;
  commit: string;
  ranAt: number;
  agentId: string | null;
}

export interface CheckSummary {
  preReview?: string | null;
  merge?: string | null;
  plan?: string | null;
  lastCommand?: string;
  lastCommit?: string;
  lastState?: string;
  count?: number;
}

export interface QueueRow { taskId: string; title: string; status: string; approvedAt: number; position: number; state: 'waiting' | 'merging'; assignedTo: string | null }
export interface MergeQueue { workspace: string | null; tasks: QueueRow[] }

const WAITING = ['APPROVED_QUEUED', 'APPROVED_PENDING_ACK', 'BLOCKED'];
const MERGING = ['ASSIGNED', 'IN_PROGRESS'];

function summaryOf(task: Task): CheckSummary | null {
  return (task.checks as CheckSummary | null | undefined) ?? null;
}

/** `passed` / `failed` for a card's latest check of any stage, else null. */
export function checkBadge(task: Task): 'passed' | 'failed' | null {
  const state = (task.checkState as string | null | undefined) ?? summaryOf(task)?.lastState ?? null;
  return state === 'passed' || state === 'failed' ? state : null;
}

/** How many checks the task has, as its events last said (a change means the list is stale). */
export function checkCount(task: Task): number {
  return summaryOf(task)?.count ?? 0;
}

function workspaceOf(task: Task): string | null {
  return (task.workspaceId as string | null | undefined) ?? task.to?.workspaceId ?? null;
}

/** Approved tasks not finished yet, per workspace (by name), each in approval order. */
export function mergeQueues(tasks: Record<string, Task>): MergeQueue[] {
  const approved = Object.values(tasks)
    .filter((t) => typeof t.approvedAt === 'number' && (WAITING.includes(t.status) || MERGING.includes(t.status)))
    .sort((a, b) => (a.approvedAt as number) - (b.approvedAt as number) || (a.id < b.id ? -1 : 1));
  const queues = new Map<string | null, QueueRow[]>();
  for (const task of approved) {
    const rows = queues.get(workspaceOf(task)) ?? [];
    rows.push({ taskId: task.id, title: task.title ?? task.id, status: task.status, approvedAt: task.approvedAt as number,
      position: rows.length + 1, state: MERGING.includes(task.status) ? 'merging' : 'waiting', assignedTo: task.assignedTo ?? null });
    queues.set(workspaceOf(task), rows);
  }
  return [...queues.entries()].sort(([a], [b]) => (a ?? '').localeCompare(b ?? '')).map(([workspace, rows]) => ({ workspace, tasks: rows }));
}

/** Why approval is held for a task in review, in words, or null when the gate lets it through. */
export function gateHold(task: Task, checks: Check[]): string | null {
  const verify = (task.verify as string[] | undefined) ?? [];
  if (task.status !== 'IN_REVIEW' || verify.length === 0) return null;
  const commit = task.response?.commit as string | undefined;
  const latest = [...checks].reverse().find((c) => c.stage === 'pre-review');
  if (!latest) return `No pre-review check was reported for ${verify.join('; ')}.`;
  if (!commit) return 'The task was submitted without the commit under review.';
  if (latest.commit !== commit) return `The latest pre-review check ran on ${latest.commit.slice(0, 10)}, not on the commit under review ${commit.slice(0, 10)}.`;
  if (!latest.passed) return `The pre-review check \`${latest.command}\` failed with exit code ${latest.exitCode} on ${latest.commit.slice(0, 10)}.`;
  return null;
}

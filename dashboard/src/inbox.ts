/** What waits on a person: questions to answer, reviews to decide, failed tasks. Pure. */
import type { Task } from './types';

export type InboxReason = 'question' | 'review' | 'failed';

export interface InboxItem {
  task: Task;
  reason: InboxReason;
}

/** Why a task waits on a person, or null when it waits on nobody (or only on other tasks). */
export function inboxReason(task: Task): InboxReason | null {
  if (task.status === 'IN_REVIEW') return 'review';
  if (task.status === 'FAILED') return 'failed';
  if (task.status === 'BLOCKED' && task.blockedReason !== 'dependencies') return 'question';
  return null;
}

const ORDER: Record<InboxReason, number> = { question: 0, review: 1, failed: 2 };

/** The inbox: questions first, then reviews, then failures; the longest waiting first in each. */
export function inbox(tasks: Record<string, Task>): InboxItem[] {
  const items: InboxItem[] = [];
  for (const task of Object.values(tasks)) {
    const reason = inboxReason(task);
    if (reason) items.push({ task, reason });
  }
  const since = (t: Task) => t.updatedAt ?? t.completedAt ?? 0;
  return items.sort((a, b) => ORDER[a.reason] - ORDER[b.reason] || since(a.task) - since(b.task) || a.task.id.localeCompare(b.task.id));
}

/** The items of `after` that were not waiting in `before` (what a notification announces). */
export function arrivals(before: InboxItem[], after: InboxItem[]): InboxItem[] {
  const known = new Set(before.map((i) => `${i.task.id}:${i.reason}`));
  return after.filter((i) => !known.has(`${i.task.id}:${i.reason}`));
}

/** The tab's title: the count of what waits on you first, so it shows in a row of tabs. */
export function tabTitle(count: number): string {
  return count > 0 ? `(${count}) waaah` : 'waaah';
}

export const REASON_TEXT: Record<InboxReason, string> = {
  question: 'Waiting for your answer', review: 'Waiting for your review', failed: 'Failed',
};

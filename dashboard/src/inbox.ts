/** What waits on a person: questions to answer, reviews to decide, stalled and failed tasks. Pure. */
import { span, statusSince } from './clock';
import type { Status, Task } from './types';

export type InboxReason = 'question' | 'review' | 'stalled' | 'failed';

export interface InboxItem {
  task: Task;
  reason: InboxReason;
}

/** A task an agent holds (ASSIGNED or IN_PROGRESS) counts as stalled after this long without a sign
 * of life: no move, edit, message or transcript entry. Ten minutes, the runner's own default
 * `--stall-timeout` (600 s): a task silent that long is one the runner would have killed. */
export const STALL_MS = 10 * 60_000;
export const WORKING: readonly Status[] = ['ASSIGNED', 'IN_PROGRESS'];

/** When the task was last heard from: the latest of its status change, its last change (`updatedAt`,
 * a card's `statusAt`), its last progress report (`lastProgressAt`, a card's `progressAt`: what a
 * reloaded page knows of a busy task), its last message, and what the events told (`heard`, from the
 * state module). */
export function lastHeard(task: Task, heard: Record<string, number> = {}): number {
  const messages = task.messages ?? [];
  const message = messages.length ? messages[messages.length - 1].timestamp : 0;
  return Math.max(statusSince(task), task.updatedAt ?? 0, task.statusAt ?? 0, task.progressAt ?? 0,
    task.lastProgressAt ?? 0, message, heard[task.id] ?? 0);
}

/** Held by an agent and silent for STALL_MS at `now` (never before the clock has started, `now` 0). */
export function isStalled(task: Task, now: number, heard: Record<string, number> = {}): boolean {
  return now > 0 && WORKING.includes(task.status) && now - lastHeard(task, heard) >= STALL_MS;
}

/** Why a task waits on a person, or null when it waits on nobody (or only on other tasks). */
export function inboxReason(task: Task, now = 0, heard: Record<string, number> = {}): InboxReason | null {
  if (task.status === 'IN_REVIEW') return 'review';
  if (task.status === 'FAILED') return 'failed';
  if (task.status === 'BLOCKED' && task.blockedReason !== 'dependencies') return 'question';
  if (isStalled(task, now, heard)) return 'stalled';
  return null;
}

const ORDER: Record<InboxReason, number> = { question: 0, review: 1, stalled: 2, failed: 3 };

/** The inbox: questions first, then reviews, stalled tasks, failures; the longest waiting first in each.
 * Stalled tasks need `now` (the page's clock) and what the events told of each task (`heard`). */
export function inbox(tasks: Record<string, Task>, now = 0, heard: Record<string, number> = {}): InboxItem[] {
  const items: InboxItem[] = [];
  for (const task of Object.values(tasks)) {
    const reason = inboxReason(task, now, heard);
    if (reason) items.push({ task, reason });
  }
  return inboxOrder(items, heard);
}

/** Sorts `items` in the inbox's order (a total order: the task id settles ties). */
export function inboxOrder(items: InboxItem[], heard: Record<string, number> = {}): InboxItem[] {
  const since = (i: InboxItem) => (i.reason === 'stalled' ? lastHeard(i.task, heard) : i.task.updatedAt ?? i.task.completedAt ?? 0);
  return items.sort((a, b) => ORDER[a.reason] - ORDER[b.reason] || since(a) - since(b) || a.task.id.localeCompare(b.task.id));
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
  question: 'Waiting for your answer', review: 'Waiting for your review', stalled: 'Stalled', failed: 'Failed',
};

const FAILURE_TEXT: Record<string, string> = {
  stalled: 'stalled (the agent went silent)', timeout: 'timed out', agent_exit: 'the agent exited',
};

/** What an inbox item says under its title: why it waits, and for a stalled one since when. */
export function whyText(item: InboxItem, now: number, heard: Record<string, number> = {}): string {
  const { task, reason } = item;
  if (reason === 'stalled') return `Stalled: no progress for ${span(now - lastHeard(task, heard))}`;
  if (reason === 'failed' && task.failureReason) return `Failed · ${FAILURE_TEXT[task.failureReason] ?? task.failureReason}`;
  return REASON_TEXT[reason];
}


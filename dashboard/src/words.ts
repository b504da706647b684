/** Statuses in words, the one mapping every view and the activity feed use. Pure. */
import type { Task } from './types';

const STATUS_WORDS: Record<string, string> = {
  QUEUED: 'Queued', PENDING_ACK: 'Offered to an agent', ASSIGNED: 'Assigned', IN_PROGRESS: 'In progress',
  BLOCKED: 'Blocked', IN_REVIEW: 'In review', REJECTED: 'Changes requested', APPROVED_QUEUED: 'Approved, queued',
  APPROVED_PENDING_ACK: 'Approved, offered', COMPLETED: 'Done', FAILED: 'Failed', CANCELLED: 'Cancelled',
};

const AGENT_WORDS: Record<string, string> = { PROCESSING: 'Working', WAITING: 'Waiting for work', OFFLINE: 'Offline' };

const fallback = (status: string) => status.replace(/_/g, ' ').toLowerCase();

/** A task status in words (`IN_REVIEW` → `In review`). */
export function label(status: string): string {
  return STATUS_WORDS[status] ?? fallback(status);
}

/** An agent status in words (`PROCESSING` → `Working`). */
export function agentLabel(status: string): string {
  return AGENT_WORDS[status] ?? fallback(status);
}

/** A task's status in words, saying what a blocked one waits for. */
export function statusText(task: Task): string {
  if (task.status === 'BLOCKED' && task.blockedReason === 'dependencies') return 'Waiting for dependencies';
  if (task.status === 'BLOCKED' && (task.blockedReason === 'question' || !task.blockedReason)) return 'Waiting for an answer';
  return label(task.status);
}

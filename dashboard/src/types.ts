/** The JSON shapes the hub sends (src/waaah/domain/views.py). Fields a patch clears arrive as null. */

export const STATUSES = [
  'QUEUED', 'PENDING_ACK', 'ASSIGNED', 'IN_PROGRESS', 'BLOCKED', 'IN_REVIEW', 'REJECTED',
  'APPROVED_QUEUED', 'APPROVED_PENDING_ACK', 'COMPLETED', 'FAILED', 'CANCELLED',
] as const;
export type Status = (typeof STATUSES)[number];
export type Priority = 'critical' | 'high' | 'normal';
export const FINISHED: readonly Status[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

export interface Message {
  id: string;
  taskId: string;
  role: 'user' | 'agent' | 'system' | string;
  content: string;
  timestamp: number;
  isRead?: boolean;
  replyTo?: string;
  metadata?: Record<string, unknown> | null;
}

export interface HistoryEntry {
  timestamp: number;
  status: string;
  agentId?: string;
  message?: string;
}

export interface TaskResponse {
  message?: string;
  diff?: string;
  artifacts?: unknown;
  blockedReason?: string;
  [key: string]: unknown;
}

/** A task as far as we know it: a compact card from `sync:full`, or the full task from REST/`created`. */
export interface Task {
  id: string;
  status: Status;
  title?: string | null;
  priority?: Priority | string | null;
  createdAt?: number | null;
  updatedAt?: number | null;
  assignedTo?: string | null;
  completedAt?: number | null;
  dependencies?: string[] | null;
  blockedReason?: string | null;
  /** Why a FAILED task failed, a short token (`agent_exit`, `stalled`, …); null when none. */
  failureReason?: string | null;
  requiredCapabilities?: string[] | null;
  prompt?: string | null;
  response?: TaskResponse | null;
  messages?: Message[] | null;
  history?: HistoryEntry[] | null;
  to?: { agentId?: string | null; requiredCapabilities?: string[]; workspaceId?: string | null } | null;
  context?: Record<string, unknown> | null;
  source?: string | null;
  requiresReview?: boolean | null;
  approvedAt?: number | null;
  /** A card's: when its status last changed (empty: read createdAt, or completedAt once finished). */
  statusAt?: number | null;
  /** A card's: its row in a plan (`T1`…) and the plan's name, from `context`. */
  planId?: string | null;
  plan?: string | null;
  /** A card's: its last progress report when it came after `statusAt` (the full task's `lastProgressAt`). */
  progressAt?: number | null;
  /** The full task's: its agent's last ack, progress report or response. */
  lastProgressAt?: number | null;
  workspaceId?: string | null;
  /** Set by the state module when only a patch is known; the full task is fetched over REST. */
  stub?: boolean;
  [key: string]: unknown;
}

export type AgentStatus = 'PROCESSING' | 'WAITING' | 'OFFLINE';

export interface Agent {
  id: string;
  displayName?: string | null;
  role?: string | null;
  status: AgentStatus | string;
  lastSeen?: number | null;
  createdAt?: number | null;
  currentTasks?: string[] | null;
  capabilities?: string[] | null;
  color?: string | null;
  workspaceContext?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface ReviewComment {
  id: string;
  taskId: string;
  filePath: string;
  lineNumber: number | null;
  content: string;
  authorRole: string;
  authorId?: string | null;
  threadId?: string | null;
  resolved: number | boolean;
  createdAt: number;
}

/** What `sync:full` carries: with `taskFields` (clients with patterns, as the dashboard), each task is a
 * row of values in that order, trailing empty ones left out and others null (see docs/realtime.md);
 * without it (clients without patterns), each task is a card object. */
export type SyncFull =
  | { taskFields: string[]; tasks: TaskRow[]; agents: Agent[]; seq: number }
  | { taskFields?: undefined; tasks: Task[]; agents: Agent[]; seq: number };

/** One card of `sync:full` as a row: values in `taskFields` order (id, status, title, priority, …). */
export type TaskRow = unknown[];

/**
 * The activity feed: what each event says in words, live or read back from the event log
 * (`GET /admin/events`), kept newest first by `seq`. Pure.
 */
import type { Agent, Message, Task } from './types';
import { agentLabel, label } from './words';

export interface ActivityEntry {
  seq: number;
  /** When it happened: the event log's time, or when the live event arrived. */
  at: number;
  text: string;
  taskId?: string;
  agentId?: string;
}

/** One event as `GET /admin/events` returns it. */
export interface LoggedEvent {
  seq: number;
  name: string;
  payload: unknown;
  createdAt: number;
}

export const ACTIVITY_LIMIT = 200;
/** How many past events a page load reads back from the log. */
export const ACTIVITY_BACKFILL = 100;

export function titleOf(task: Partial<Task> | undefined, id: string): string {
  return (task?.title || id).toString();
}

export const createdText = (task: Partial<Task>, id: string) => `New task “${titleOf(task, id)}” (${label(task.status ?? '')})`;
export const deletedText = (task: Partial<Task> | undefined, id: string) => `Deleted “${titleOf(task, id)}”`;
export const movedText = (task: Partial<Task>, id: string, status: string) =>
  `“${titleOf(task, id)}” → ${label(status)}${task.assignedTo ? ` · ${task.assignedTo}` : ''}`;
export const messageText = (task: Partial<Task>, id: string, m: Message) => `“${titleOf(task, id)}” · ${m.role}: ${m.content}`;

export function agentText(agent: Partial<Agent>, id: string, joined: boolean): string {
  const name = agent.displayName || id;
  return joined ? `Agent ${name} joined (${agentLabel(agent.status ?? '')})` : `Agent ${name} is ${agentLabel(agent.status ?? '')}`;
}

/** Entries by seq, newest first, each seq once, at most ACTIVITY_LIMIT. */
export function mergeActivity(known: ActivityEntry[], added: ActivityEntry[]): ActivityEntry[] {
  const bySeq = new Map<number, ActivityEntry>();
  for (const entry of [...known, ...added]) if (!bySeq.has(entry.seq)) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, ACTIVITY_LIMIT);
}

/** The seq to read the log after, to get the last `count` events up to `seq`. */
export function backfillSince(seq: number, count = ACTIVITY_BACKFILL): number {
  return Math.max(0, seq - count);
}

type Payload = Record<string, unknown> & { id: string; status?: string; messages?: Message[] | null };

/** What a logged event says, from its payload alone (the state before it is not known); null for
 * events the feed does not show (transcripts, updates that moved nothing). */
export function describeLogged(event: LoggedEvent, tasks: Record<string, Task>, agents: Record<string, Agent>): ActivityEntry | null {
  const body = event.payload as Payload | null;
  if (!body || typeof body.id !== 'string') return null;
  const id = body.id;
  const base = { seq: event.seq, at: event.createdAt };
  const [entity] = event.name.split(':', 1);
  const kind = event.name.slice(event.name.lastIndexOf(':') + 1);
  if (entity === 'agent' && kind === 'status') {
    const agent = { ...agents[id], ...body } as Partial<Agent>;
    return { ...base, agentId: id, text: agentText(agent, id, false) };
  }
  if (entity !== 'task') return null;
  const task = { ...tasks[id], ...body } as Partial<Task>;
  if (kind === 'created') return { ...base, taskId: id, text: createdText(task, id) };
  if (kind === 'deleted') return { ...base, taskId: id, text: deletedText(tasks[id], id) };
  if (kind !== 'updated') return null;
  if (typeof body.status === 'string') return { ...base, taskId: id, text: movedText(task, id, body.status) };
  const last = body.messages?.at(-1);
  return last ? { ...base, taskId: id, text: messageText(task, id, last) } : null;
}

/** The entries about one task and/or one agent (an agent's own events, and those of the tasks it holds
 * or held, as their text names it); an empty filter keeps all. */
export function filterActivity(entries: ActivityEntry[], filter: { taskId: string; agentId: string },
  tasks: Record<string, Task> = {}): ActivityEntry[] {
  return entries.filter((e) => {
    if (filter.taskId && e.taskId !== filter.taskId) return false;
    if (!filter.agentId) return true;
    if (e.agentId === filter.agentId) return true;
    return e.taskId !== undefined && (tasks[e.taskId]?.assignedTo === filter.agentId || e.text.includes(`· ${filter.agentId}`));
  });
}

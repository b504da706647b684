/**
 * The one place live state changes: `sync:full`, task and agent events, gaps and resume,
 * tasks loaded over REST. Pure: no sockets, no DOM, `now` comes in with the action.
 */
import {
  agentText, createdText, deletedText, describeLogged, mergeActivity, messageText, movedText,
  type ActivityEntry, type LoggedEvent,
} from './activity';
import { applyLive, applyPage, openTranscript, type Transcript, type TranscriptEntry, type TranscriptPage } from './transcript';
import type { Check } from './checks';
import type { Agent, SyncFull, Task } from './types';
import { FINISHED } from './types';

export type Connection = 'connecting' | 'connected' | 'disconnected';

export type { ActivityEntry } from './activity';

export interface LiveState {
  tasks: Record<string, Task>;
  agents: Record<string, Agent>;
  /** seq of the last event applied; -1 until the first `sync:full`. */
  seq: number;
  synced: boolean;
  /** How many `sync:full` were applied: views holding REST details reload when it changes. */
  syncs: number;
  connection: Connection;
  /** A `request:sync` is due (or outstanding) from this seq. */
  resyncSince: number | null;
  activity: ActivityEntry[];
  /** Paging of finished tasks over REST ("load more"): how far REST's own order has been read. */
  finished: { offset: number; total: number | null };
  lastError: string | null;
  /** The transcript of the task whose detail is open (null when none is). */
  transcript: Transcript | null;
  /** The checks of the task whose detail is open, as last loaded (null when none were). */
  checks: { taskId: string; list: Check[] } | null;
  /** When each task was last heard from, by the events' own times (a change, a message, a transcript
   * entry, a logged event): what tells a stalled task from a busy one between status changes. */
  heard: Record<string, number>;
}

export type LiveAction =
  | { type: 'sync:full'; payload: SyncFull; now: number }
  | { type: 'event'; name: string; payload: unknown; now: number }
  | { type: 'connection'; status: Connection }
  | { type: 'task:loaded'; task: Task }
  | { type: 'finished:page'; tasks: Task[]; offset: number; total: number }
  | { type: 'transcript:open'; taskId: string | null }
  | { type: 'transcript:loaded'; taskId: string; page: TranscriptPage }
  | { type: 'activity:loaded'; events: LoggedEvent[] }
  | { type: 'checks:loaded'; taskId: string; checks: Check[] };

export const initialLive: LiveState = {
  tasks: {}, agents: {}, seq: -1, synced: false, syncs: 0, connection: 'connecting',
  resyncSince: null, activity: [], finished: { offset: 0, total: null }, lastError: null, transcript: null,
  checks: null, heard: {},
};

export function reduceLive(state: LiveState, action: LiveAction): LiveState {
  switch (action.type) {
    case 'sync:full':
      return applySync(state, action.payload);
    case 'event':
      return receive(state, action.name, action.payload, action.now);
    case 'connection':
      return onConnection(state, action.status);
    case 'task:loaded':
      return { ...state, tasks: { ...state.tasks, [action.task.id]: mergeLoaded(state.tasks[action.task.id], action.task) } };
    case 'finished:page':
      return applyFinishedPage(state, action.tasks, action.offset, action.total);
    case 'transcript:open':
      return { ...state, transcript: action.taskId === null ? null : openTranscript(action.taskId) };
    case 'transcript:loaded':
      return state.transcript?.taskId === action.taskId ? { ...state, transcript: applyPage(state.transcript, action.page) } : state;
    case 'activity:loaded':
      return applyLogged(state, action.events);
    case 'checks:loaded':
      return { ...state, checks: { taskId: action.taskId, list: action.checks } };
  }
}

/** Finished tasks known now (from sync:full, events and REST pages). */
export function finishedCount(state: LiveState): number {
  return Object.values(state.tasks).filter((t) => FINISHED.includes(t.status)).length;
}

/** The seq to send in `request:sync` after this transition, or null when none is due. */
export function syncRequest(before: LiveState, after: LiveState): number | null {
  return after.resyncSince !== null && after.resyncSince !== before.resyncSince ? after.resyncSince : null;
}

/** The cards of a `sync:full`: its rows turned into the card objects they stand for (empty values
 * left out, as in the object form), or its card objects as they are. */
export function syncCards(payload: SyncFull): Task[] {
  if (!payload.taskFields) return payload.tasks ?? [];
  const fields = payload.taskFields;
  return payload.tasks.map((row) => {
    const card: Record<string, unknown> = {};
    row.forEach((value, i) => { if (value !== null && value !== undefined && i < fields.length) card[fields[i]] = value; });
    return card as Task;
  });
}

function applySync(state: LiveState, payload: SyncFull): LiveState {
  const tasks: Record<string, Task> = {};
  for (const task of syncCards(payload)) tasks[task.id] = task;
  const agents: Record<string, Agent> = {};
  for (const agent of payload.agents ?? []) agents[agent.id] = agent;
  // REST paging of finished tasks starts over: its order need not match the sync's for equal times.
  return {
    ...state, tasks, agents, seq: payload.seq, synced: true, syncs: state.syncs + 1, resyncSince: null,
    finished: { offset: 0, total: null },
  };
}

function onConnection(state: LiveState, status: Connection): LiveState {
  // A reconnect needs no request: its handshake carried `since` (handshakeAuth), so the server
  // replays what was missed, or sends a fresh sync:full when it no longer has it.
  return { ...state, connection: status };
}

/** The handshake's `auth` for every (re)connect: after the first sync, the last seq applied as `since`. */
export function handshakeAuth(apiKey: string, subscribe: string[], state: LiveState): Record<string, unknown> {
  return { apiKey, subscribe, ...(state.synced ? { since: state.seq } : {}) };
}

type Kind = 'created' | 'updated' | 'deleted' | 'transcript' | 'status';
const TASK_KINDS: readonly Kind[] = ['created', 'updated', 'deleted', 'transcript'];

/** `task:{id}:created` → ['task', 'created'] (also the unscoped `task:created`). */
export function parseEventName(name: string): { entity: 'task' | 'agent' | 'hook'; kind: Kind } | null {
  const entity = name.slice(0, name.indexOf(':'));
  const kind = name.slice(name.lastIndexOf(':') + 1) as Kind;
  if (entity === 'task' && TASK_KINDS.includes(kind)) return { entity, kind };
  if (entity === 'agent' && kind === 'status') return { entity, kind };
  if (entity === 'hook' && (kind === 'status' || kind === 'deleted')) return { entity, kind };
  return null;
}

function receive(state: LiveState, name: string, payload: unknown, now: number): LiveState {
  if (name === 'error') {
    const message = (payload as { message?: string } | null)?.message;
    return { ...state, lastError: message ?? 'The server reported an error' };
  }
  const parsed = parseEventName(name);
  const body = payload as { id?: string; seq?: number } | null;
  if (!parsed || !body || typeof body.id !== 'string' || typeof body.seq !== 'number') return state;
  if (!state.synced || body.seq <= state.seq) return state; // before the first sync, or a duplicate
  if (body.seq > state.seq + 1) {
    // A gap: drop this one and ask for everything after the last applied seq (once).
    return state.resyncSince === state.seq ? state : { ...state, resyncSince: state.seq };
  }
  const { seq: _seq, ...fields } = body as Record<string, unknown> & { id: string; seq: number };
  const heard = parsed.entity === 'task' ? hear(state.heard, fields.id, eventTime(fields)) : state.heard;
  const next = { ...state, seq: body.seq, resyncSince: null, heard };
  if (parsed.entity === 'hook') return next; // a webhook's state: no card shows it, but its seq counts
  if (parsed.entity === 'agent') return applyAgent(next, fields as Agent, body.seq, now);
  if (parsed.kind === 'created') return applyCreated(next, fields as Task, body.seq, now);
  if (parsed.kind === 'deleted') return applyDeleted(next, fields.id, body.seq, now);
  if (parsed.kind === 'transcript') return applyTranscript(next, fields as TranscriptEvent);
  return applyUpdated(next, fields as Partial<Task> & { id: string }, body.seq, now);
}

/** The time a task event tells of: its `updatedAt`, its last message's, its transcript entries' (0: none). */
export function eventTime(fields: Record<string, unknown>): number {
  const times = [fields.updatedAt, fields.createdAt];
  const messages = fields.messages;
  if (Array.isArray(messages) && messages.length) times.push((messages[messages.length - 1] as { timestamp?: unknown }).timestamp);
  if (Array.isArray(fields.entries)) for (const entry of fields.entries) times.push((entry as { at?: unknown }).at);
  return Math.max(0, ...times.map((t) => (typeof t === 'number' ? t : 0)));
}

/** `heard` with `id` heard from at `at`, when that is later than known (the same object otherwise). */
function hear(heard: Record<string, number>, id: string, at: number): Record<string, number> {
  return at > (heard[id] ?? 0) ? { ...heard, [id]: at } : heard;
}

interface TranscriptEvent { id: string; entries?: TranscriptEntry[]; total?: number }

/** Transcripts are not part of the board: only the open detail's is kept. */
function applyTranscript(state: LiveState, event: TranscriptEvent): LiveState {
  if (!state.transcript) return state;
  const entries = Array.isArray(event.entries) ? event.entries : [];
  const transcript = applyLive(state.transcript, event.id, entries, event.total ?? 0);
  return transcript === state.transcript ? state : { ...state, transcript };
}

function log(state: LiveState, entry: ActivityEntry): LiveState {
  return { ...state, activity: mergeActivity(state.activity, [entry]) };
}

/** Past events read back from the event log join the feed, in seq order with the live ones. */
function applyLogged(state: LiveState, events: LoggedEvent[]): LiveState {
  const entries = events.flatMap((e) => describeLogged(e, state.tasks, state.agents) ?? []);
  let heard = state.heard;
  for (const e of events) {
    const id = (e.payload as { id?: unknown } | null)?.id;
    if (e.name.startsWith('task:') && typeof id === 'string') heard = hear(heard, id, e.createdAt);
  }
  return { ...state, activity: mergeActivity(state.activity, entries), heard };
}

function applyCreated(state: LiveState, task: Task, seq: number, now: number): LiveState {
  const next = { ...state, tasks: { ...state.tasks, [task.id]: task } };
  return log(next, { seq, at: task.createdAt ?? now, taskId: task.id, text: createdText(task, task.id) });
}

function applyDeleted(state: LiveState, id: string, seq: number, now: number): LiveState {
  const { [id]: gone, ...tasks } = state.tasks;
  return log({ ...state, tasks }, { seq, at: now, taskId: id, text: deletedText(gone, id) });
}

function applyUpdated(state: LiveState, patch: Partial<Task> & { id: string }, seq: number, now: number): LiveState {
  const old = state.tasks[patch.id];
  const task = (old ? { ...old, ...patch } : { ...patch, stub: true }) as Task;
  // The time in its status starts at this move (a card's own statusAt would count edits too).
  if (patch.status && patch.status !== old?.status) task.statusAt = patch.updatedAt ?? now;
  const next = { ...state, tasks: { ...state.tasks, [patch.id]: task } };
  const at = patch.updatedAt ?? now;
  if (patch.status && patch.status !== old?.status) {
    return log(next, { seq, at, taskId: task.id, text: movedText(task, task.id, patch.status) });
  }
  const added = newMessage(old, patch);
  if (added) return log(next, { seq, at, taskId: task.id, text: messageText(task, task.id, added) });
  return next;
}

function newMessage(old: Task | undefined, patch: Partial<Task>) {
  const messages = patch.messages;
  if (!messages || messages.length === 0) return null;
  return messages.length > (old?.messages?.length ?? 0) ? messages[messages.length - 1] : null;
}

function applyAgent(state: LiveState, patch: Agent, seq: number, now: number): LiveState {
  const old = state.agents[patch.id];
  const agent = { ...old, ...patch } as Agent;
  const next = { ...state, agents: { ...state.agents, [agent.id]: agent } };
  // Stamped when the event came: an agent's lastSeen is when it was last heard from, not this change.
  if (!old) return log(next, { seq, at: now, agentId: agent.id, text: agentText(agent, agent.id, true) });
  if (patch.status && patch.status !== old.status) return log(next, { seq, at: now, agentId: agent.id, text: agentText(agent, agent.id, false) });
  return next;
}

/** A task fetched over REST merged with what the events told us; the more recently updated one wins. */
export function mergeLoaded(known: Task | undefined, loaded: Task): Task {
  if (!known) return loaded;
  const { stub: _stub, ...live } = known;
  return (loaded.updatedAt ?? 0) >= (live.updatedAt ?? 0) ? { ...live, ...loaded } : { ...loaded, ...live };
}

function applyFinishedPage(state: LiveState, page: Task[], offset: number, total: number): LiveState {
  const tasks = { ...state.tasks };
  for (const task of page) tasks[task.id] = mergeLoaded(tasks[task.id], task);
  return { ...state, tasks, finished: { offset: Math.max(state.finished.offset, offset + page.length), total } };
}

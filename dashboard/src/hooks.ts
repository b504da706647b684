/**
 * The Webhooks panel's state: the hub's subscriptions as `GET /admin/hooks` gives them, kept live from
 * `hook:{id}:status` / `hook:{id}:deleted` events while the panel is open. Pure: no fetch, no DOM.
 */
import type { LiveAction } from './state';

/** The pattern set for what needs a person (questions, reviews, failures). */
export const NEEDS_YOU = 'needs-you';

/** A webhook with its delivery state, never its secret (`GET /admin/hooks`). */
export interface Hook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  secretHint: string;
  createdAt: number;
  cursor: number;
  backlog: number;
  paused: boolean;
  failures: number;
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  nextAttemptAt: number | null;
}

/** `POST /admin/hooks/{id}/test`: how the signed ping went. */
export interface TestResult {
  delivered: boolean;
  status: number | null;
  error: string | null;
}

export interface HookForm {
  url: string;
  kind: 'needs-you' | 'patterns';
  /** Glob patterns as typed: a comma list. */
  patterns: string;
}

interface HookEvent {
  name: string;
  payload: Partial<Hook> & { id: string; seq: number };
}

export interface HooksState {
  open: boolean;
  /** The hooks by id (each with the seq of the last event applied to it); null until the list is read. */
  hooks: Record<string, Hook & { seq: number }> | null;
  /** The seq the list was read at: older events are already in it. */
  seq: number;
  /** Events that arrive while the list is being read, applied once it is (those after its seq). */
  held: HookEvent[];
  /** Hooks an event changed: their delivery state (backlog, last success…) is read again. */
  stale: string[];
  /** The whole list is read again (after a sync:full, events may have been skipped). */
  reload: boolean;
  form: HookForm;
  formError: string | null;
  adding: boolean;
  /** The hook just added with its secret: shown this once, the hub never returns it again. */
  created: { id: string; url: string; secret: string } | null;
  tests: Record<string, TestResult | 'sending'>;
  /** The hook whose removal waits for a confirmation. */
  confirming: string | null;
}

export type HooksAction =
  | { type: 'hooks:open'; open: boolean }
  | { type: 'hooks:loaded'; hooks: Hook[]; seq: number }
  | { type: 'hooks:reloading' }
  | { type: 'hooks:refreshing'; ids: string[] }
  | { type: 'hooks:one'; hook: Hook }
  | { type: 'hooks:gone'; id: string }
  | { type: 'hooks:form'; form: Partial<HookForm> }
  | { type: 'hooks:adding' }
  | { type: 'hooks:add-failed'; message: string }
  | { type: 'hooks:created'; hook: Hook; secret: string }
  | { type: 'hooks:secret-seen' }
  | { type: 'hooks:test'; id: string; result: TestResult | 'sending' }
  | { type: 'hooks:confirm'; id: string | null };

const EMPTY_FORM: HookForm = { url: '', kind: 'needs-you', patterns: '' };

export const initialHooks: HooksState = {
  open: false, hooks: null, seq: -1, held: [], stale: [], reload: false, form: EMPTY_FORM, formError: null,
  adding: false, created: null, tests: {}, confirming: null,
};

export function isHooksAction(action: { type: string }): action is HooksAction {
  return action.type.startsWith('hooks:');
}

export function reduceHooks(state: HooksState, action: HooksAction | LiveAction): HooksState {
  switch (action.type) {
    case 'hooks:open':
      // Closed, nothing is kept (nor the secret): opening reads the list afresh.
      return action.open ? (state.open ? state : { ...initialHooks, open: true }) : initialHooks;
    case 'hooks:loaded':
      return state.open ? loaded(state, action.hooks, action.seq) : state;
    case 'hooks:reloading':
      return { ...state, reload: false };
    case 'hooks:refreshing':
      return { ...state, stale: state.stale.filter((id) => !action.ids.includes(id)) };
    case 'hooks:one':
      return refreshed(state, action.hook);
    case 'hooks:gone':
      return removed(state, action.id);
    case 'hooks:form':
      return { ...state, form: { ...state.form, ...action.form } };
    case 'hooks:adding':
      return { ...state, adding: true, formError: null };
    case 'hooks:add-failed':
      return { ...state, adding: false, formError: action.message }; // the form keeps what was typed
    case 'hooks:created':
      return created(state, action.hook, action.secret);
    case 'hooks:secret-seen':
      return { ...state, created: null };
    case 'hooks:test':
      return { ...state, tests: { ...state.tests, [action.id]: action.result } };
    case 'hooks:confirm':
      return { ...state, confirming: action.id };
    case 'sync:full':
      return state.hooks ? { ...state, reload: true } : state;
    case 'event':
      return received(state, action.name, action.payload);
    default:
      return state;
  }
}

function loaded(state: HooksState, hooks: Hook[], seq: number): HooksState {
  const byId = Object.fromEntries(hooks.map((h) => [h.id, { ...h, seq }]));
  const fresh: HooksState = { ...state, hooks: byId, seq, held: [], stale: [] };
  return state.held.reduce<HooksState>((s, e) => received(s, e.name, e.payload), fresh);
}

function received(state: HooksState, name: string, payload: unknown): HooksState {
  if (!state.open || !name.startsWith('hook:')) return state;
  const body = payload as HookEvent['payload'] | null;
  if (!body || typeof body.id !== 'string' || typeof body.seq !== 'number') return state;
  if (!state.hooks) return { ...state, held: [...state.held, { name, payload: body }] };
  const known = state.hooks[body.id];
  if (body.seq <= (known?.seq ?? state.seq)) return state; // already in the list, or a replay
  if (name.endsWith(':deleted')) return removed(state, body.id);
  if (!name.endsWith(':status')) return state;
  const { seq, ...fields } = body;
  const hook = { ...(known ?? placeholder(body.id)), ...fields, seq };
  const stale = state.stale.includes(body.id) ? state.stale : [...state.stale, body.id];
  return { ...state, hooks: { ...state.hooks, [body.id]: hook }, stale };
}

/** A hook known only from its event (added elsewhere): the fields the event lacks come with its re-read. */
function placeholder(id: string): Hook {
  return {
    id, url: '', events: [], description: null, secretHint: '', createdAt: 0, cursor: 0, backlog: 0, paused: false,
    failures: 0, lastSuccessAt: null, lastFailureAt: null, lastError: null, nextAttemptAt: null,
  };
}

function refreshed(state: HooksState, hook: Hook): HooksState {
  const known = state.hooks?.[hook.id];
  if (!state.hooks || !known) return state; // removed meanwhile: not brought back
  return { ...state, hooks: { ...state.hooks, [hook.id]: { ...hook, seq: known.seq } } };
}

function removed(state: HooksState, id: string): HooksState {
  if (!state.hooks) return state;
  const { [id]: _gone, ...hooks } = state.hooks;
  const { [id]: _test, ...tests } = state.tests;
  return {
    ...state, hooks, tests, stale: state.stale.filter((s) => s !== id),
    confirming: state.confirming === id ? null : state.confirming,
  };
}

function created(state: HooksState, hook: Hook, secret: string): HooksState {
  const known = state.hooks?.[hook.id];
  const hooks = state.hooks ? { ...state.hooks, [hook.id]: { ...hook, seq: known?.seq ?? state.seq } } : state.hooks;
  return { ...state, hooks, adding: false, formError: null, form: EMPTY_FORM, created: { id: hook.id, url: hook.url, secret } };
}

/** What the form sends as `events`: the needs-you set, or the comma list's patterns (the hub checks them). */
export function formEvents(form: HookForm): string[] {
  if (form.kind === 'needs-you') return [NEEDS_YOU];
  return form.patterns.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export interface HookRow {
  id: string;
  url: string;
  patterns: string;
  paused: boolean;
  failures: number;
  lastSuccessAt: number | null;
  lastError: string | null;
  backlog: number;
  test: TestResult | 'sending' | null;
  confirming: boolean;
}

/** When a hook was added; one known only from its event (not read yet) is the newest. */
const addedAt = (hook: Hook) => hook.createdAt || Number.MAX_SAFE_INTEGER;

/** The list as the panel shows it: oldest first. */
export function hookRows(state: HooksState): HookRow[] {
  return Object.values(state.hooks ?? {})
    .sort((a, b) => addedAt(a) - addedAt(b) || a.id.localeCompare(b.id))
    .map((h) => ({
      id: h.id, url: h.url, patterns: h.events.join(', '), paused: h.paused, failures: h.failures,
      lastSuccessAt: h.lastSuccessAt, lastError: h.lastError, backlog: h.backlog,
      test: state.tests[h.id] ?? null, confirming: state.confirming === h.id,
    }));
}

/** A test delivery's outcome in words. */
export function testText(result: TestResult | 'sending'): string {
  if (result === 'sending') return 'Sending a test…';
  if (result.delivered) return `Test delivered (HTTP ${result.status ?? '?'})`;
  return `Test failed: ${result.error ?? (result.status === null ? 'no answer' : `HTTP ${result.status}`)}`;
}

/** The hooks whose state must be read again now (each once: the caller reports them as refreshing). */
export function hooksToRead(state: HooksState): { list: boolean; ids: string[] } {
  if (!state.open) return { list: false, ids: [] };
  return { list: state.reload, ids: state.hooks ? state.stale : [] };
}

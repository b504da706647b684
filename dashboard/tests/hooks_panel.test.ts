import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formEvents, hookRows, hooksToRead, initialHooks, reduceHooks, testText, type Hook, type HooksAction, type HooksState,
} from '../src/hooks';
import type { LiveAction } from '../src/state';
import { reduce, type AppState } from '../src/store';
import { initialLive } from '../src/state';

const NOW = 1_700_000_000_000;
const run = (state: HooksState, ...actions: (HooksAction | LiveAction)[]): HooksState => actions.reduce(reduceHooks, state);
const event = (name: string, payload: Record<string, unknown>): LiveAction => ({ type: 'event', name, payload, now: NOW });

function hook(id: string, fields: Partial<Hook> = {}): Hook {
  return {
    id, url: `https://example.com/${id}`, events: ['needs-you'], description: null, secretHint: 'abcd', createdAt: NOW,
    cursor: 10, backlog: 0, paused: false, failures: 0, lastSuccessAt: null, lastFailureAt: null, lastError: null,
    nextAttemptAt: null, ...fields,
  };
}

const opened = (...hooks: Hook[]) => run(initialHooks, { type: 'hooks:open', open: true }, { type: 'hooks:loaded', hooks, seq: 10 });

describe('the webhooks list', () => {
  it('is read when the panel opens and forgotten, secret included, when it closes', () => {
    const state = run(opened(hook('h1')), { type: 'hooks:created', hook: hook('h2'), secret: 's3cret-s3cret-s3cret' });
    assert.equal(state.created?.secret, 's3cret-s3cret-s3cret');
    assert.deepEqual(hookRows(state).map((r) => r.id), ['h1', 'h2']);
    const closed = run(state, { type: 'hooks:open', open: false });
    assert.equal(closed.hooks, null);
    assert.equal(closed.created, null);
  });

  it('shows the secret once: dismissed, it is gone', () => {
    const state = run(opened(), { type: 'hooks:created', hook: hook('h2'), secret: 'x'.repeat(20) }, { type: 'hooks:secret-seen' });
    assert.equal(state.created, null);
    assert.equal(hookRows(state).length, 1);
  });

  it('ignores hook events while closed, so nothing is asked for', () => {
    const state = run(initialHooks, event('hook:h1:status', { id: 'h1', seq: 11, paused: true }));
    assert.equal(state, initialHooks);
    assert.deepEqual(hooksToRead(state), { list: false, ids: [] });
  });
});

describe('hook events', () => {
  it('pause a hook live and ask for its re-read (the event lacks backlog and last success)', () => {
    const state = run(opened(hook('h1')), event('hook:h1:status', { id: 'h1', seq: 11, paused: true, failures: 1, lastError: 'HTTP 503' }));
    const [row] = hookRows(state);
    assert.equal(row.paused, true);
    assert.equal(row.failures, 1);
    assert.equal(row.lastError, 'HTTP 503');
    assert.deepEqual(hooksToRead(state), { list: false, ids: ['h1'] });
    const reading = run(state, { type: 'hooks:refreshing', ids: ['h1'] });
    assert.deepEqual(hooksToRead(reading).ids, []);
    const read = run(reading, { type: 'hooks:one', hook: hook('h1', { paused: true, failures: 1, backlog: 3, lastFailureAt: NOW }) });
    assert.equal(hookRows(read)[0].backlog, 3);
  });

  it('add a hook created elsewhere and remove a deleted one', () => {
    const added = run(opened(hook('h1')), event('hook:h2:status', { id: 'h2', seq: 11, url: 'https://b.example/x', events: ['*'] }));
    assert.deepEqual(hookRows(added).map((r) => [r.id, r.url, r.patterns]), [['h1', 'https://example.com/h1', 'needs-you'], ['h2', 'https://b.example/x', '*']]);
    const confirming = run(added, { type: 'hooks:confirm', id: 'h1' });
    const removed = run(confirming, event('hook:h1:deleted', { id: 'h1', seq: 12 }));
    assert.deepEqual(hookRows(removed).map((r) => r.id), ['h2']);
    assert.equal(removed.confirming, null);
  });

  it('already in the list (older than its read) or replayed change nothing', () => {
    const state = opened(hook('h1'));
    assert.equal(run(state, event('hook:h1:status', { id: 'h1', seq: 10, paused: true })), state);
    const once = run(state, event('hook:h1:status', { id: 'h1', seq: 12, paused: true }));
    const resumedLater = run(once, event('hook:h1:status', { id: 'h1', seq: 11, paused: false }));
    assert.equal(resumedLater, once);
  });

  it('that arrive while the list is read are applied after it, if newer than the read', () => {
    const reading = run(initialHooks, { type: 'hooks:open', open: true },
      event('hook:h1:status', { id: 'h1', seq: 9, paused: true }), event('hook:h1:status', { id: 'h1', seq: 11, paused: true }));
    const state = run(reading, { type: 'hooks:loaded', hooks: [hook('h1', { paused: false })], seq: 10 });
    assert.equal(hookRows(state)[0].paused, true);
    assert.deepEqual(state.held, []);
  });

  it('a re-read does not bring back a hook removed meanwhile', () => {
    const state = run(opened(hook('h1')), event('hook:h1:deleted', { id: 'h1', seq: 11 }), { type: 'hooks:one', hook: hook('h1') });
    assert.deepEqual(hookRows(state), []);
  });

  it('after a sync:full the open list is read again', () => {
    const state = run(opened(hook('h1')), { type: 'sync:full', payload: { tasks: [], agents: [], seq: 20 }, now: NOW });
    assert.equal(hooksToRead(state).list, true);
    assert.equal(hooksToRead(run(state, { type: 'hooks:reloading' })).list, false);
  });
});

describe('the add form', () => {
  it('sends the needs-you set or the comma list, and keeps what was typed when the hub refuses it', () => {
    assert.deepEqual(formEvents({ url: '', kind: 'needs-you', patterns: 'ignored' }), ['needs-you']);
    assert.deepEqual(formEvents({ url: '', kind: 'patterns', patterns: ' task:*:updated, ,agent:*:status ' }), ['task:*:updated', 'agent:*:status']);
    const typed = run(opened(), { type: 'hooks:form', form: { url: 'ftp://nope', kind: 'patterns', patterns: 'task:*:updated' } },
      { type: 'hooks:adding' }, { type: 'hooks:add-failed', message: 'url: must be an http:// or https:// URL with a host' });
    assert.equal(typed.formError, 'url: must be an http:// or https:// URL with a host');
    assert.deepEqual(typed.form, { url: 'ftp://nope', kind: 'patterns', patterns: 'task:*:updated' });
    assert.equal(typed.adding, false);
    const added = run(typed, { type: 'hooks:created', hook: hook('h9'), secret: 'y'.repeat(20) });
    assert.equal(added.form.url, '');
    assert.equal(added.formError, null);
  });
});

describe('test deliveries', () => {
  it('show how the ping went', () => {
    const state = run(opened(hook('h1')), { type: 'hooks:test', id: 'h1', result: 'sending' });
    assert.equal(testText(hookRows(state)[0].test ?? 'sending'), 'Sending a test…');
    assert.equal(testText({ delivered: true, status: 200, error: null }), 'Test delivered (HTTP 200)');
    assert.equal(testText({ delivered: false, status: 500, error: 'HTTP 500' }), 'Test failed: HTTP 500');
    assert.equal(testText({ delivered: false, status: null, error: null }), 'Test failed: no answer');
  });
});

describe('the store', () => {
  it('gives hook events to both the board (their seq) and the panel, and panel actions to the panel alone', () => {
    const view = {} as AppState['view'];
    let state: AppState = { live: initialLive, view, hooks: initialHooks };
    state = reduce(state, { type: 'sync:full', payload: { tasks: [], agents: [], seq: 10 }, now: NOW });
    state = reduce(state, { type: 'hooks:open', open: true });
    state = reduce(state, { type: 'hooks:loaded', hooks: [hook('h1')], seq: 10 });
    assert.equal(state.view, view);
    state = reduce(state, event('hook:h1:status', { id: 'h1', seq: 11, paused: true }));
    assert.equal(state.live.seq, 11);
    assert.equal(hookRows(state.hooks)[0].paused, true);
  });
});

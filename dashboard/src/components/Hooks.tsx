import { hookRows, testText, type HookRow, type HooksState } from '../hooks';
import { useActions } from './context';
import { dateTime } from './format';
import './hooks.css';

/** The Webhooks panel: the hub's subscriptions with their delivery state, and a form to add one. */
export function HooksPanel({ hooks }: { hooks: HooksState }) {
  const actions = useActions();
  const rows = hookRows(hooks);
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && actions.hooks.close()}
      onKeyDown={(e) => e.key === 'Escape' && actions.hooks.close()}>
      <section class="modal hooks-panel" role="dialog" aria-label="Webhooks">
        <div class="hooks-head">
          <h2>Webhooks</h2>
          <button type="button" onClick={() => actions.hooks.close()}>Close</button>
        </div>
        {hooks.created && <Secret created={hooks.created} />}
        {hooks.hooks === null ? <p class="muted small">Loading…</p>
          : rows.length === 0 ? <p class="muted small" data-testid="hooks-empty">No webhooks yet.</p>
            : <ul class="hooks-list" aria-label="Webhook subscriptions">{rows.map((row) => <HookItem key={row.id} row={row} />)}</ul>}
        <AddForm hooks={hooks} />
      </section>
    </div>
  );
}

function Secret({ created }: { created: NonNullable<HooksState['created']> }) {
  const actions = useActions();
  return (
    <div class="hook-secret" role="status" data-testid="hook-secret">
      <strong>Copy this secret now: the hub shows it only once.</strong>
      <span class="muted small">It signs each delivery to {created.url} (the Waaah-Signature header).</span>
      <div class="hook-secret-row">
        <input class="mono" readOnly value={created.secret} aria-label="Webhook secret"
          onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        <button type="button" onClick={() => void actions.hooks.copySecret(created.secret)}>Copy</button>
        <button type="button" onClick={() => actions.hooks.secretSeen()}>Done</button>
      </div>
    </div>
  );
}

function HookItem({ row }: { row: HookRow }) {
  const actions = useActions();
  return (
    <li class={`hook-item ${row.paused ? 'hook-paused' : ''}`} data-hook-id={row.id} aria-label={`Webhook ${row.url}`}>
      <div class="hook-top">
        <span class="hook-url mono">{row.url}</span>
        <span class={`badge hook-state ${row.paused ? 'is-paused' : 'is-active'}`} data-testid="hook-state">
          {row.paused ? 'Paused' : 'Active'}</span>
      </div>
      <div class="muted small">Events: <span class="mono">{row.patterns}</span></div>
      <dl class="hook-facts small">
        <dt>Last success</dt><dd data-testid="hook-last-success">{row.lastSuccessAt ? dateTime(row.lastSuccessAt) : 'never'}</dd>
        <dt>Failures in a row</dt><dd data-testid="hook-failures">{row.failures}</dd>
        <dt>Backlog</dt><dd data-testid="hook-backlog">{row.backlog}</dd>
      </dl>
      {row.lastError && <div class="hook-error small" data-testid="hook-last-error">Last error: {row.lastError}</div>}
      {row.test && <div class={`small ${row.test !== 'sending' && !row.test.delivered ? 'hook-error' : 'hook-ok'}`}
        role="status" data-testid="hook-test-result">{testText(row.test)}</div>}
      <div class="buttons">
        <button type="button" disabled={row.test === 'sending'} onClick={() => void actions.hooks.test(row.id)}>Test</button>
        {row.paused && <button type="button" class="primary" onClick={() => void actions.hooks.resume(row.id)}>Resume</button>}
        {row.confirming ? (
          <span class="hook-confirm">
            Remove this webhook?
            <button type="button" class="danger" onClick={() => void actions.hooks.remove(row.id)}>Yes, remove</button>
            <button type="button" onClick={() => actions.hooks.confirmRemove(null)}>Keep</button>
          </span>
        ) : <button type="button" class="danger" onClick={() => actions.hooks.confirmRemove(row.id)}>Remove</button>}
      </div>
    </li>
  );
}

function AddForm({ hooks }: { hooks: HooksState }) {
  const actions = useActions();
  const { form } = hooks;
  const submit = (e: Event) => {
    e.preventDefault();
    void actions.hooks.add();
  };
  return (
    <form class="hook-form" onSubmit={submit} aria-label="Add a webhook">
      <h3>Add a webhook</h3>
      <label>URL
        <input name="url" value={form.url} placeholder="https://example.com/waaah"
          onInput={(e) => actions.hooks.form({ url: (e.currentTarget as HTMLInputElement).value })} />
      </label>
      <fieldset>
        <legend>Events</legend>
        <label class="check">
          <input type="radio" name="kind" checked={form.kind === 'needs-you'}
            onChange={() => actions.hooks.form({ kind: 'needs-you' })} />
          What needs you (questions, reviews, failures)
        </label>
        <label class="check">
          <input type="radio" name="kind" checked={form.kind === 'patterns'}
            onChange={() => actions.hooks.form({ kind: 'patterns' })} />
          Patterns
        </label>
        {form.kind === 'patterns' && (
          <input name="patterns" aria-label="Patterns (comma-separated)" value={form.patterns} placeholder="task:*:updated, agent:*:status"
            onInput={(e) => actions.hooks.form({ patterns: (e.currentTarget as HTMLInputElement).value })} />
        )}
      </fieldset>
      {hooks.formError && <div class="hook-error small" role="alert" data-testid="hook-form-error">{hooks.formError}</div>}
      <div class="buttons end">
        <button type="submit" class="primary" disabled={hooks.adding}>{hooks.adding ? 'Adding…' : 'Add webhook'}</button>
      </div>
    </form>
  );
}

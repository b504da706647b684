/** What the Webhooks panel's buttons do: call `/admin/hooks`, then tell the store. Also re-reads the
 * hooks an event changed, while the panel is open (nothing is asked while it is closed). */
import { ApiError } from './api';
import { formEvents, hooksToRead, type Hook, type HookForm, type TestResult } from './hooks';
import type { Store } from './store';

type Json = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export interface HooksApi {
  list(): Promise<{ hooks: Hook[]; seq: number }>;
  one(id: string): Promise<Hook>;
  add(url: string, events: string[]): Promise<Hook & { secret: string }>;
  test(id: string): Promise<TestResult>;
  resume(id: string): Promise<Hook>;
  remove(id: string): Promise<unknown>;
}

export function hooksApi(json: Json): HooksApi {
  const hook = (id: string) => `/admin/hooks/${encodeURIComponent(id)}`;
  return {
    list: () => json('GET', '/admin/hooks'),
    one: (id) => json('GET', hook(id)),
    add: (url, events) => json('POST', '/admin/hooks', { url, events }),
    test: (id) => json('POST', `${hook(id)}/test`),
    resume: (id) => json('POST', `${hook(id)}/resume`),
    remove: (id) => json('DELETE', hook(id)),
  };
}

type Notify = (kind: 'error' | 'info', text: string) => void;

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export type HookActions = ReturnType<typeof createHookActions>;

export function createHookActions(store: Store, api: HooksApi, notify: Notify) {
  const hooks = () => store.get().hooks;

  function failed(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) store.dispatch({ type: 'key:prompt', message: err.message });
    else notify('error', message(err));
  }

  async function load(): Promise<void> {
    try {
      const list = await api.list();
      store.dispatch({ type: 'hooks:loaded', hooks: list.hooks, seq: list.seq });
    } catch (err) {
      failed(err);
    }
  }

  async function reread(id: string): Promise<void> {
    try {
      store.dispatch({ type: 'hooks:one', hook: await api.one(id) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) store.dispatch({ type: 'hooks:gone', id });
      else failed(err);
    }
  }

  // An event says a hook changed but carries only part of its state: read that hook again.
  store.subscribe(() => {
    const due = hooksToRead(hooks());
    if (due.list) {
      store.dispatch({ type: 'hooks:reloading' });
      void load();
    }
    if (due.ids.length === 0) return;
    store.dispatch({ type: 'hooks:refreshing', ids: due.ids });
    for (const id of due.ids) void reread(id);
  });

  return {
    async open() {
      if (hooks().open) return;
      store.dispatch({ type: 'hooks:open', open: true });
      await load();
    },
    close: () => store.dispatch({ type: 'hooks:open', open: false }),
    form: (form: Partial<HookForm>) => store.dispatch({ type: 'hooks:form', form }),
    async add() {
      const { form, adding } = hooks();
      if (adding) return;
      store.dispatch({ type: 'hooks:adding' });
      try {
        const { secret, ...hook } = await api.add(form.url.trim(), formEvents(form));
        store.dispatch({ type: 'hooks:created', hook, secret });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) failed(err);
        store.dispatch({ type: 'hooks:add-failed', message: message(err) });
      }
    },
    secretSeen: () => store.dispatch({ type: 'hooks:secret-seen' }),
    async copySecret(secret: string) {
      try {
        await navigator.clipboard.writeText(secret);
        notify('info', 'Secret copied');
      } catch {
        notify('error', 'The browser refused the clipboard: select the secret and copy it');
      }
    },
    async test(id: string) {
      store.dispatch({ type: 'hooks:test', id, result: 'sending' });
      try {
        store.dispatch({ type: 'hooks:test', id, result: await api.test(id) });
      } catch (err) {
        store.dispatch({ type: 'hooks:test', id, result: { delivered: false, status: null, error: message(err) } });
      }
    },
    async resume(id: string) {
      try {
        store.dispatch({ type: 'hooks:one', hook: await api.resume(id) });
      } catch (err) {
        failed(err);
      }
    },
    confirmRemove: (id: string | null) => store.dispatch({ type: 'hooks:confirm', id }),
    async remove(id: string) {
      try {
        await api.remove(id);
        store.dispatch({ type: 'hooks:gone', id });
        notify('info', 'Webhook removed');
      } catch (err) {
        store.dispatch({ type: 'hooks:confirm', id: null });
        failed(err);
      }
    },
  };
}

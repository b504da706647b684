/** The socket: feeds every event to the store and sends `request:sync` when the state module asks. */
import { io } from 'socket.io-client';
import { handshakeAuth, syncRequest } from './state';
import type { Store } from './store';
import type { SyncFull } from './types';

export const SUBSCRIBE = ['task:*:*', 'agent:*:*', 'hook:*:*'];
const AUTH_CODES = new Set(['AUTH_MISSING', 'AUTH_INVALID']);

export interface LiveHooks {
  /** The key was refused: show the key screen. */
  onAuthFailed(message: string): void;
  /** A task is known only from a patch: load it over REST. */
  onStub(taskId: string): void;
  /** The server reported a bad request on the socket. */
  onError(message: string): void;
}

/** After a refusal that is not about the key (e.g. the hub still starting), try again after this long. */
const RETRY_REFUSED_MS = 1000;

export interface LiveConnection {
  close(): void;
}

export function connect(store: Store, apiKey: string, hooks: LiveHooks): LiveConnection {
  let stopped = false;
  const socket = io({
    // A function: every reconnect sends the seq reached, and the server replays only what was missed.
    path: '/socket.io/', auth: (cb) => cb(handshakeAuth(apiKey, SUBSCRIBE, store.get().live)),
    // A restarted hub answers within a second: the first retry comes after ~250 ms (±50 %), then
    // doubles up to 2 s, so a page is back soon after the hub without many pages retrying in step.
    transports: ['websocket', 'polling'], tryAllTransports: true, reconnectionDelay: 250, reconnectionDelayMax: 2000,
  });

  function apply(action: Parameters<Store['dispatch']>[0]): void {
    const before = store.get().live;
    store.dispatch(action);
    const after = store.get().live;
    const since = syncRequest(before, after);
    if (since !== null) socket.emit('request:sync', { since });
    if (action.type === 'event') {
      const id = (action.payload as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && after.tasks[id]?.stub && !before.tasks[id]?.stub) hooks.onStub(id);
    }
  }

  socket.on('connect', () => apply({ type: 'connection', status: 'connected' }));
  socket.on('disconnect', (reason: string) => {
    apply({ type: 'connection', status: 'disconnected' });
    // The server closing the socket on purpose stops socket.io's own retries: come back anyway.
    if (reason === 'io server disconnect') setTimeout(() => { if (!stopped) socket.connect(); }, RETRY_REFUSED_MS);
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string; message?: string } }) => {
    const code = err.data?.code ?? /AUTH_(MISSING|INVALID)/.exec(err.message)?.[0];
    if (code && AUTH_CODES.has(code)) {
      socket.disconnect();
      hooks.onAuthFailed(code === 'AUTH_MISSING' ? 'Enter the API key.' : 'The server refused this API key.');
      return;
    }
    apply({ type: 'connection', status: 'disconnected' });
    // A refusal by the server's handler stops socket.io's own retries; transport errors do not.
    if (!socket.active) setTimeout(() => { if (!socket.active && !stopped) socket.connect(); }, RETRY_REFUSED_MS);
  });
  socket.on('sync:full', (payload: SyncFull) => apply({ type: 'sync:full', payload, now: Date.now() }));
  socket.onAny((name: string, payload: unknown) => {
    if (name === 'sync:full') return;
    apply({ type: 'event', name, payload, now: Date.now() });
    if (name === 'error') hooks.onError((payload as { message?: string } | null)?.message ?? 'The server reported an error');
  });
  return {
    close() {
      stopped = true;
      socket.close();
    },
  };
}

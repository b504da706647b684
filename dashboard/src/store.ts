/** The app's single store: live state, view state and the Webhooks panel's, changed only by their reducers. */
import { useEffect, useState } from 'preact/hooks';
import { initialHooks, isHooksAction, reduceHooks, type HooksAction, type HooksState } from './hooks';
import { initialLive, reduceLive, type LiveAction, type LiveState } from './state';
import { reduceView, type ViewAction, type ViewState } from './view';

export interface AppState {
  live: LiveState;
  view: ViewState;
  hooks: HooksState;
}

export type Action = LiveAction | ViewAction | HooksAction;

const LIVE_TYPES = new Set<Action['type']>([
  'sync:full', 'event', 'connection', 'task:loaded', 'finished:page', 'transcript:open', 'transcript:loaded', 'activity:loaded',
  'checks:loaded',
]);

export function reduce(state: AppState, action: Action): AppState {
  if (isHooksAction(action) || action.type === 'event' || action.type === 'sync:full') {
    const hooks = reduceHooks(state.hooks, action);
    if (hooks !== state.hooks) state = { ...state, hooks };
    if (isHooksAction(action)) return state;
  }
  if (LIVE_TYPES.has(action.type)) {
    const live = reduceLive(state.live, action as LiveAction);
    return live === state.live ? state : { ...state, live };
  }
  const view = reduceView(state.view, action as ViewAction);
  return view === state.view ? state : { ...state, view };
}

export interface Store {
  get(): AppState;
  dispatch(action: Action): void;
  subscribe(listener: () => void): () => void;
}

export function createStore(view: ViewState): Store {
  let state: AppState = { live: initialLive, view, hooks: initialHooks };
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    dispatch(action) {
      const next = reduce(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Re-render a component whenever the store changes. */
export function useStore(store: Store): AppState {
  const [state, setState] = useState(store.get());
  useEffect(() => {
    setState(store.get());
    return store.subscribe(() => setState(store.get()));
  }, [store]);
  return state;
}

/** Boot: key, store, socket, routes; then render. */
import { render } from 'preact';
import { createActions, type Session } from './actions';
import { createApi } from './api';
import { App } from './components/App';
import { forgetKey, saveKey, takeKeyFromUrl } from './key';
import { connect, type LiveConnection } from './live';
import { taskIdFromPath } from './router';
import { arrivals, inbox, tabTitle, REASON_TEXT, type InboxItem } from './inbox';
import { createStore } from './store';
import { initialView, type Notifications, type Theme } from './view';
import './styles.css';

const storage = window.localStorage;
const THEME_KEY = 'waaah.theme';
const savedTheme = storage.getItem(THEME_KEY);
const theme: Theme = savedTheme === 'light' || savedTheme === 'dark'
  ? savedTheme : window.matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';

const NOTIFY_KEY = 'waaah.notifications';
const canNotify = typeof Notification !== 'undefined';
const notifications: Notifications = !canNotify ? 'unsupported'
  : storage.getItem(NOTIFY_KEY) === 'on' && Notification.permission === 'granted' ? 'on' : 'off';

let apiKey = takeKeyFromUrl(window.location, window.history, storage);
let socket: LiveConnection | null = null;
const store = createStore(initialView(theme, taskIdFromPath(window.location.pathname), notifications));
const api = createApi('', () => apiKey);

const session: Session = {
  useKey(key) {
    apiKey = key;
    saveKey(storage, key);
    store.dispatch({ type: 'key:accepted' });
    socket?.close();
    socket = connect(store, key, {
      onAuthFailed(message) {
        forgetKey(storage); // a refused key is no use next time either
        store.dispatch({ type: 'key:prompt', message });
      },
      onStub: (id) => void actions.loadStub(id),
      onError: (message) => actions.notify('error', message),
    });
  },
  signOut() {
    forgetKey(storage);
    apiKey = null;
    socket?.close();
    socket = null;
    store.dispatch({ type: 'key:prompt', message: 'Enter the API key.' });
  },
  saveTheme: (value) => storage.setItem(THEME_KEY, value),
  saveNotifications: (on) => storage.setItem(NOTIFY_KEY, on ? 'on' : 'off'),
};
const actions = createActions(store, api, session);

// The tab title counts what waits on the person; each new arrival (after the first sync) notifies.
let waiting: InboxItem[] | null = null;
let waitingTasks: unknown = null;
store.subscribe(() => {
  const { live, view } = store.get();
  if (!live.synced || live.tasks === waitingTasks) return;
  waitingTasks = live.tasks;
  const now = inbox(live.tasks);
  document.title = tabTitle(now.length);
  const fresh = waiting === null ? [] : arrivals(waiting, now);
  waiting = now;
  if (view.notifications !== 'on' || !canNotify || Notification.permission !== 'granted') return;
  for (const item of fresh) new Notification(REASON_TEXT[item.reason], { body: item.task.title ?? item.task.id, tag: item.task.id });
});

// The open task's details and transcript come over REST once per route and per sync:full; events keep them live.
let loadedFor = '';
let activityFor = 0;
store.subscribe(() => {
  const { live, view } = store.get();
  if (live.synced && live.syncs !== activityFor) {
    activityFor = live.syncs; // once per sync:full: the feed's past, then events keep it live
    void actions.loadActivity(live.seq);
  }
  document.documentElement.dataset.theme = view.theme;
  if (!view.taskId && live.transcript) actions.closeTranscript();
  const want = view.taskId && live.synced ? `${view.taskId}#${live.syncs}` : '';
  if (want === loadedFor) return;
  loadedFor = want; // before loading: the load dispatches, and this listener runs again
  if (!want) return;
  void actions.loadTask(view.taskId as string);
  void actions.loadTranscript(view.taskId as string);
});
document.documentElement.dataset.theme = theme;
window.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  const { view } = store.get();
  if (view.dialog) void actions.dialog(null);
  else if (view.taskId) actions.open(null);
});
window.addEventListener('popstate', () => store.dispatch({ type: 'route', taskId: taskIdFromPath(window.location.pathname) }));

if (apiKey) session.useKey(apiKey);
else store.dispatch({ type: 'key:prompt', message: 'Enter the API key to open the dashboard.' });

render(<App store={store} actions={actions} />, document.getElementById('app') as HTMLElement);

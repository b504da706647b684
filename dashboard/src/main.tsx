/** Boot: key, store, socket, routes; then render. */
import { render } from 'preact';
import { createActions, type Session } from './actions';
import { createApi } from './api';
import { App } from './components/App';
import { forgetKey, saveKey, takeKeyFromUrl } from './key';
import { connect, type LiveConnection } from './live';
import { pageFromPath, taskIdFromPath } from './router';
import { boardOrder } from './board';
import { selectBoard, selectInbox } from './derive';
import { commandFor, moveSelection } from './keys';
import { arrivals, tabTitle, REASON_TEXT, type InboxItem } from './inbox';
import { createStore } from './store';
import { initialView, type Notifications, type Side, type Theme } from './view';
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

/** The agents and activity panels: as the person left them, else collapsed below this width. */
const SIDE_KEY = 'waaah.side';
const NARROW = '(max-width: 1100px)';
const savedSide = storage.getItem(SIDE_KEY);
const side: Side = savedSide === 'open' || savedSide === 'collapsed' ? savedSide
  : window.matchMedia(NARROW).matches ? 'collapsed' : 'open';

let apiKey = takeKeyFromUrl(window.location, window.history, storage);
let socket: LiveConnection | null = null;
const store = createStore(initialView(theme, taskIdFromPath(window.location.pathname), notifications,
  pageFromPath(window.location.pathname), Date.now(), side));
/** Ages and times in a status move on by themselves: a clock, no requests. */
const TICK_MS = 15_000;
setInterval(() => store.dispatch({ type: 'tick', now: Date.now() }), TICK_MS);
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
        store.dispatch({ type: 'key:prompt', message, tried: key }); // kept in the input to correct it
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
  saveSide: (value) => storage.setItem(SIDE_KEY, value),
};
const actions = createActions(store, api, session);

// The tab title counts what waits on the person; each new arrival (after the first sync) notifies.
// Stalled tasks arrive with the clock: the inbox is read again when the tasks, the clock or `heard` move.
let waiting: InboxItem[] | null = null;
let waitingFor: unknown[] = [];
store.subscribe(() => {
  const { live, view } = store.get();
  const inputs = [live.tasks, view.now, live.heard];
  if (!live.synced || inputs.every((value, i) => value === waitingFor[i])) return;
  waitingFor = inputs;
  const now = selectInbox(live.tasks, view.now, live.heard);
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
// Once per opened queued task: why it is (not) picked up. Once per agent page: its recent tasks.
let eligibilityFor = '';
let agentTasksFor = '';
store.subscribe(() => {
  const { live, view } = store.get();
  const task = view.taskId ? live.tasks[view.taskId] : undefined;
  const queued = task && (task.status === 'QUEUED' || task.status === 'APPROVED_QUEUED') ? `${task.id}#${task.status}` : '';
  if (queued !== eligibilityFor) {
    eligibilityFor = queued;
    if (queued && task) void actions.loadEligibility(task.id);
  }
  const agent = view.page.kind === 'agent' && live.synced ? `${view.page.id}#${live.syncs}` : '';
  if (agent !== agentTasksFor) {
    agentTasksFor = agent;
    if (agent && view.page.kind === 'agent') void actions.loadAgentTasks(view.page.id);
  }
});

function typingIn(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return true;
  return key === 'Enter' && (target.tagName === 'BUTTON' || target.tagName === 'A' || target.getAttribute('role') === 'button');
}

window.addEventListener('keydown', (event) => {
  const command = commandFor(event.key, typingIn(event.target, event.key), event.ctrlKey || event.metaKey || event.altKey);
  const { live, view } = store.get();
  if (!command || view.keyPrompt) return;
  if (command === 'close') {
    if (view.dialog) void actions.dialog(null);
    else if (view.editing) actions.edit(null);
    else if (view.taskId) actions.open(null);
    return;
  }
  if (view.dialog || (view.taskId && command !== 'search')) return;
  event.preventDefault();
  if (command === 'search') {
    if (view.taskId) actions.open(null);
    if (view.page.kind !== 'board') actions.openPage({ kind: 'board' });
    requestAnimationFrame(() => document.querySelector<HTMLInputElement>('input[aria-label="Search tasks"]')?.focus());
  } else if (command === 'new-task') void actions.dialog('new-task');
  else if (command === 'help') void actions.dialog('keys');
  else if (command === 'open') { if (view.selected && live.tasks[view.selected]) actions.open(view.selected); }
  else if (view.page.kind === 'board') {
    const next = moveSelection(boardOrder(selectBoard(live.tasks, view.filter)), view.selected, command === 'next' ? 1 : -1);
    actions.select(next);
    if (next) requestAnimationFrame(() => document.querySelector(`.card[data-task-id="${CSS.escape(next)}"]`)?.scrollIntoView({ block: 'nearest' }));
  }
});
window.addEventListener('popstate', () => {
  const taskId = taskIdFromPath(window.location.pathname);
  store.dispatch({ type: 'route', taskId, ...(taskId ? {} : { page: pageFromPath(window.location.pathname) }) });
});

if (apiKey) session.useKey(apiKey);
else store.dispatch({ type: 'key:prompt', message: 'Enter the API key to open the dashboard.' });

render(<App store={store} actions={actions} />, document.getElementById('app') as HTMLElement);

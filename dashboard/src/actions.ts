/** What buttons and forms do: call the REST API, then tell the store. Components call only these. */
import { ApiError, type Api, type NewTaskInput, type TaskEdit } from './api';
import { pathForPage, pathForTask } from './router';
import { ACTIVITY_BACKFILL, backfillSince } from './activity';
import { finishedCount } from './state';
import { createHookActions } from './hookActions';
import type { Column } from './board';
import type { Store } from './store';
import { TRANSCRIPT_KEEP } from './transcript';
import type { Theme, Filter, Page, Side, ViewState } from './view';

/** How many of an agent's tasks its page lists. */
export const AGENT_TASKS = 20;

export const PAGE_SIZE = 50;
/** A request that got no answer while the socket still looked up waits this long before it is shown as
 *  an error: if the server went away, the socket learns it meanwhile and the offline banner says it. */
const UNANSWERED_GRACE_MS = 1500;
const MAX_PAGE = 1000; // the server's limit for one page

export interface Session {
  /** Store a key and (re)connect the socket with it. */
  useKey(key: string): void;
  /** Forget the key and show the key screen. */
  signOut(): void;
  saveTheme(theme: Theme): void;
  saveNotifications(on: boolean): void;
  saveSide(side: Side): void;
}

export type Actions = ReturnType<typeof createActions>;

export function createActions(store: Store, api: Api, session: Session) {
  let nextNotice = 1;
  const notify = (kind: 'error' | 'info', text: string) => {
    const id = nextNotice++;
    store.dispatch({ type: 'notice', kind, text, id });
    setTimeout(() => store.dispatch({ type: 'notice:dismiss', id }), kind === 'error' ? 8000 : 3000);
  };

  async function run<T>(work: () => Promise<T>, done?: string): Promise<T | undefined> {
    store.dispatch({ type: 'busy', busy: true });
    try {
      const result = await work();
      if (done) notify('info', done);
      return result;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) store.dispatch({ type: 'key:prompt', message: err.message });
      else if (err instanceof ApiError) notify('error', err.message);
      else {
        const text = err instanceof Error ? err.message : String(err);
        const shown = () => { if (store.get().live.connection !== 'disconnected') notify('error', text); };
        if (store.get().live.connection !== 'disconnected') setTimeout(shown, UNANSWERED_GRACE_MS); // else the banner says it
      }
      return undefined;
    } finally {
      store.dispatch({ type: 'busy', busy: false });
    }
  }

  async function loadTask(id: string): Promise<void> {
    await run(async () => {
      const [task, comments] = await Promise.all([api.task(id), api.reviewComments(id)]);
      store.dispatch({ type: 'task:loaded', task });
      store.dispatch({ type: 'review-comments', taskId: id, comments });
      // Dependencies too old for sync:full come over REST once; events keep them fresh after.
      const missing = (task.dependencies ?? []).filter((dep) => !store.get().live.tasks[dep]);
      for (const dep of await Promise.all(missing.map((d) => api.task(d).catch(() => null)))) {
        if (dep) store.dispatch({ type: 'task:loaded', task: dep });
      }
    });
  }

  /** The task's newest entries over REST (events add the ones that follow); a new task starts afresh. */
  async function loadTranscript(id: string): Promise<void> {
    if (store.get().live.transcript?.taskId !== id) store.dispatch({ type: 'transcript:open', taskId: id });
    const page = await run(async () => {
      const first = await api.transcript(id, 0, TRANSCRIPT_KEEP);
      const last = first.entries.length ? first.entries[first.entries.length - 1].n : first.total;
      return last < first.total ? api.transcript(id, first.total - TRANSCRIPT_KEEP, TRANSCRIPT_KEEP) : first;
    });
    if (page) store.dispatch({ type: 'transcript:loaded', taskId: id, page });
  }

  return {
    notify,
    hooks: createHookActions(store, api.hooks, notify),
    dismiss: (id: number) => store.dispatch({ type: 'notice:dismiss', id }),
    open(taskId: string | null) {
      const view = store.get().view;
      if (view.taskId === taskId) return;
      history.pushState(null, '', taskId ? pathForTask(taskId) : pathForPage(view.page));
      store.dispatch({ type: 'route', taskId });
    },
    /** Reject from a card: the detail opens at its feedback field (rejecting needs a reason). */
    openToReject(taskId: string) {
      history.pushState(null, '', pathForTask(taskId));
      store.dispatch({ type: 'route', taskId, focus: 'reject' });
    },
    /** Open (or, with null, close) a card's inline answer box. */
    answering: (taskId: string | null) => store.dispatch({ type: 'answering', taskId }),
    /** Send an answer typed on a card; its box closes once the hub took it. */
    async answerOnCard(id: string, answer: string) {
      const done = await run(() => api.answer(id, answer), 'Answer sent');
      if (done !== undefined && store.get().view.answering === id) store.dispatch({ type: 'answering', taskId: null });
      return done;
    },
    side(side: Side) {
      session.saveSide(side);
      store.dispatch({ type: 'side', side });
    },
    /** Show the board, an agent's page or a plan's graph (closing any detail). */
    openPage(page: Page) {
      history.pushState(null, '', pathForPage(page));
      store.dispatch({ type: 'route', taskId: null, page });
    },
    select: (taskId: string | null) => store.dispatch({ type: 'select', taskId }),
    showMore: (column: Column['key']) => store.dispatch({ type: 'column-more', column }),
    edit: (taskId: string | null) => store.dispatch({ type: 'edit', taskId }),
    async editTask(id: string, changes: TaskEdit) {
      const task = await run(() => api.edit(id, changes), 'Task saved');
      if (task) store.dispatch({ type: 'edit', taskId: null });
    },
    /** Why a queued task is not picked up: asked when its detail opens (events do not carry it). */
    async loadEligibility(id: string) {
      const answer = await api.eligibility(id).catch(() => null);
      if (answer) store.dispatch({ type: 'eligibility:loaded', answer });
    },
    async loadAgentTasks(agentId: string) {
      const tasks = await run(() => api.agentTasks(agentId, AGENT_TASKS));
      if (tasks) store.dispatch({ type: 'agent-tasks', agentId, tasks });
    },
    filterActivity: (filter: Partial<ViewState['activityFilter']>) => store.dispatch({ type: 'activity-filter', filter }),
    loadTask,
    loadTranscript,
    /** The feed's recent past from the event log, up to the seq the board was synced at. */
    async loadActivity(seq: number) {
      const page = await api.events(backfillSince(seq), ACTIVITY_BACKFILL).catch(() => null);
      if (page) store.dispatch({ type: 'activity:loaded', events: page.events.filter((e) => e.seq <= seq) });
    },
    closeTranscript: () => store.dispatch({ type: 'transcript:open', taskId: null }),
    async loadStub(id: string) {
      const task = await api.task(id).catch(() => null);
      if (task) store.dispatch({ type: 'task:loaded', task });
    },
    async loadMoreFinished() {
      const live = store.get().live;
      const offset = live.finished.offset;
      // The first page also covers the finished tasks sync:full brought, so none is skipped.
      const limit = Math.min(MAX_PAGE, offset === 0 ? finishedCount(live) + PAGE_SIZE : PAGE_SIZE);
      const page = await run(() => api.finished(offset, limit));
      if (page) store.dispatch({ type: 'finished:page', tasks: page.tasks, offset, total: page.total });
    },
    async createTask(input: NewTaskInput): Promise<boolean> {
      const created = await run(() => api.enqueue(input), 'Task created');
      if (created) store.dispatch({ type: 'dialog', dialog: null });
      return created !== undefined;
    },
    cancel: (id: string) => run(() => api.act(id, 'cancel'), 'Task cancelled'),
    retry: (id: string) => run(() => api.act(id, 'retry'), 'Task queued again'),
    approve: (id: string) => run(() => api.act(id, 'approve'), 'Task approved'),
    approveOverride: (id: string, reason: string) => run(() => api.approveOverride(id, reason), 'Task approved with an override'),
    loadChecks: async (id: string) => {
      const found = await run(() => api.checks(id));
      if (found) store.dispatch({ type: 'checks:loaded', taskId: id, checks: found.checks });
    },
    async remove(id: string) {
      if ((await run(() => api.remove(id), 'Task deleted')) !== undefined && store.get().view.taskId === id) {
        history.pushState(null, '', pathForTask(null));
        store.dispatch({ type: 'route', taskId: null });
      }
    },
    reject: (id: string, feedback: string) => run(() => api.reject(id, feedback), 'Task rejected'),
    answer: (id: string, answer: string) => run(() => api.answer(id, answer), 'Answer sent'),
    comment: (id: string, content: string) => run(() => api.comment(id, content), 'Comment sent'),
    /** Resolves to true once stored (the form then clears), undefined when refused (the text stays). */
    async addReviewComment(id: string, filePath: string, lineNumber: number | null, content: string) {
      const done = await run(() => api.addReviewComment(id, filePath, lineNumber, content), 'Review comment added');
      if (done === undefined) return undefined;
      store.dispatch({ type: 'comment-at', at: null });
      const comments = await run(() => api.reviewComments(id));
      if (comments) store.dispatch({ type: 'review-comments', taskId: id, comments });
      return true;
    },
    commentAt: (at: { filePath: string; lineNumber: number } | null) => store.dispatch({ type: 'comment-at', at }),
    filter: (filter: Partial<Filter>) => store.dispatch({ type: 'filter', filter }),
    async dialog(dialog: ViewState['dialog']) {
      store.dispatch({ type: 'dialog', dialog });
      if (dialog !== 'new-task') return;
      const loaded = await run(() => Promise.all([api.capabilities(), api.workspaces()]));
      if (loaded) store.dispatch({ type: 'options', capabilities: loaded[0], workspaces: loaded[1] });
    },
    theme(theme: Theme) {
      session.saveTheme(theme);
      store.dispatch({ type: 'theme', theme });
    },
    /** Ask the browser for permission (a click must start this), then notify on each arrival. */
    async enableNotifications() {
      if (typeof Notification === 'undefined') return store.dispatch({ type: 'notifications', state: 'unsupported' });
      const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      store.dispatch({ type: 'notifications', state: permission === 'granted' ? 'on' : 'denied' });
      session.saveNotifications(permission === 'granted');
    },
    disableNotifications() {
      store.dispatch({ type: 'notifications', state: 'off' });
      session.saveNotifications(false);
    },
    useKey: (key: string) => session.useKey(key),
    signOut: () => session.signOut(),
  };
}

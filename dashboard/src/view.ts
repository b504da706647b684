/** What the person is looking at: route, filters, theme, dialogs, notices, review comments. Pure. */
import { COLUMN_PAGE, type Column } from './board';
import type { ReviewComment, Status, Task } from './types';

export type Theme = 'dark' | 'light';

export interface Filter {
  text: string;
  priority: '' | 'critical' | 'high' | 'normal';
  agentId: string;
  showCancelled: boolean;
  status: '' | Status;
  workspace: string;
  capability: string;
  plan: string;
  /** '' keeps each column's own order (to do by priority, the others most recent first). */
  sort: '' | 'newest' | 'oldest' | 'priority';
}

/** The page under the header: the board, an agent's page or a plan's graph. */
export type Page = { kind: 'board' } | { kind: 'agent'; id: string } | { kind: 'plan'; name: string };

/** `GET /admin/tasks/{id}/eligibility`: why a queued task is (not) being picked up. */
export interface Eligibility {
  taskId: string;
  status: string;
  dispatchable: boolean;
  pickedUpSoon: boolean;
  reasons: string[];
  agents: { agentId: string; eligible: boolean; waiting: boolean; reason: string | null }[];
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface ViewState {
  /** The task whose detail is open, or null for the board alone. */
  taskId: string | null;
  filter: Filter;
  theme: Theme;
  dialog: 'new-task' | 'keys' | null;
  /** The key screen is shown (no key yet, or the key was refused) with this message; `tried` is the
   * refused key, kept in its input. */
  keyPrompt: { message: string; tried?: string } | null;
  page: Page;
  /** The card `j`/`k` moved to (Enter opens it). */
  selected: string | null;
  /** The open task whose fields are being edited. */
  editing: string | null;
  /** The clock ages and times in a status are measured against; ticks while the page is open. */
  now: number;
  eligibility: Eligibility | null;
  /** An agent's recent tasks (`GET /admin/tasks?agentId=`), loaded when its page opens. */
  agentTasks: { agentId: string; tasks: Task[] } | null;
  activityFilter: { taskId: string; agentId: string };
  notices: Notice[];
  reviewComments: Record<string, ReviewComment[]>;
  /** The diff line a review comment is being written for. */
  commentAt: { filePath: string; lineNumber: number } | null;
  busy: boolean;
  /** Choices for the new-task form, loaded when it opens. */
  options: { capabilities: string[]; workspaces: string[] } | null;
  /** Browser notifications when something starts waiting on the person (opt-in). */
  notifications: Notifications;
  /** The card whose inline answer box is open (Answer on a card waiting for an answer). */
  answering: string | null;
  /** A form of the detail to focus as it opens: Reject on a card opens the detail at its feedback. */
  focus: 'reject' | null;
  /** The agents and activity panels beside the board, shown or collapsed (remembered by the browser). */
  side: Side;
  /** How many cards each column draws, where "Show more" raised it above COLUMN_PAGE. */
  columnLimits: Partial<Record<Column['key'], number>>;
}

export type Side = 'open' | 'collapsed';

export type Notifications = 'off' | 'on' | 'denied' | 'unsupported';

export type ViewAction =
  | { type: 'route'; taskId: string | null; page?: Page; focus?: 'reject' }
  | { type: 'answering'; taskId: string | null }
  | { type: 'side'; side: Side }
  | { type: 'column-more'; column: Column['key'] }
  | { type: 'filter'; filter: Partial<Filter> }
  | { type: 'theme'; theme: Theme }
  | { type: 'dialog'; dialog: ViewState['dialog'] }
  | { type: 'key:prompt'; message: string; tried?: string }
  | { type: 'key:accepted' }
  | { type: 'notice'; kind: Notice['kind']; text: string; id: number }
  | { type: 'notice:dismiss'; id: number }
  | { type: 'review-comments'; taskId: string; comments: ReviewComment[] }
  | { type: 'comment-at'; at: ViewState['commentAt'] }
  | { type: 'busy'; busy: boolean }
  | { type: 'options'; capabilities: string[]; workspaces: string[] }
  | { type: 'notifications'; state: Notifications }
  | { type: 'select'; taskId: string | null }
  | { type: 'edit'; taskId: string | null }
  | { type: 'tick'; now: number }
  | { type: 'eligibility:loaded'; answer: Eligibility | null }
  | { type: 'agent-tasks'; agentId: string; tasks: Task[] }
  | { type: 'activity-filter'; filter: Partial<ViewState['activityFilter']> };

export const NOTICE_LIMIT = 4;

export function initialView(theme: Theme, taskId: string | null, notifications: Notifications = 'off',
  page: Page = { kind: 'board' }, now = 0, side: Side = 'open'): ViewState {
  return {
    taskId, theme, dialog: null, keyPrompt: null, notices: [], reviewComments: {}, commentAt: null, busy: false, options: null,
    notifications, page, selected: null, editing: null, now, eligibility: null, agentTasks: null,
    activityFilter: { taskId: '', agentId: '' }, answering: null, focus: null, side, columnLimits: {},
    filter: { text: '', priority: '', agentId: '', showCancelled: false, status: '', workspace: '', capability: '', plan: '', sort: '' },
  };
}

export function reduceView(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'route': {
      const page = action.page ?? state.page;
      const moved = action.taskId !== state.taskId;
      return {
        ...state, taskId: action.taskId, page, commentAt: null, editing: moved ? null : state.editing,
        eligibility: moved ? null : state.eligibility, selected: action.taskId ?? state.selected,
        focus: action.focus ?? null, answering: action.taskId ? null : state.answering,
      };
    }
    case 'filter':
      return { ...state, filter: { ...state.filter, ...action.filter } };
    case 'theme':
      return { ...state, theme: action.theme };
    case 'dialog':
      return { ...state, dialog: action.dialog };
    case 'key:prompt':
      return { ...state, keyPrompt: { message: action.message, ...(action.tried ? { tried: action.tried } : {}) } };
    case 'key:accepted':
      return { ...state, keyPrompt: null };
    case 'notice': {
      const notice = { id: action.id, kind: action.kind, text: action.text };
      return { ...state, notices: [...state.notices, notice].slice(-NOTICE_LIMIT) };
    }
    case 'notice:dismiss':
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
    case 'review-comments':
      return { ...state, reviewComments: { ...state.reviewComments, [action.taskId]: action.comments } };
    case 'comment-at':
      return { ...state, commentAt: action.at };
    case 'busy':
      return { ...state, busy: action.busy };
    case 'options':
      return { ...state, options: { capabilities: action.capabilities, workspaces: action.workspaces } };
    case 'notifications':
      return { ...state, notifications: action.state };
    case 'select':
      return { ...state, selected: action.taskId };
    case 'edit':
      return { ...state, editing: action.taskId };
    case 'tick':
      return { ...state, now: action.now };
    case 'eligibility:loaded':
      // Only the open task's answer is kept: one that comes back after the detail moved on is dropped.
      return action.answer && action.answer.taskId !== state.taskId ? state : { ...state, eligibility: action.answer };
    case 'agent-tasks':
      return state.page.kind === 'agent' && state.page.id === action.agentId
        ? { ...state, agentTasks: { agentId: action.agentId, tasks: action.tasks } } : state;
    case 'answering':
      return { ...state, answering: action.taskId };
    case 'side':
      return { ...state, side: action.side };
    case 'column-more': {
      const limit = (state.columnLimits[action.column] ?? COLUMN_PAGE) + COLUMN_PAGE;
      return { ...state, columnLimits: { ...state.columnLimits, [action.column]: limit } };
    }
    case 'activity-filter':
      return { ...state, activityFilter: { ...state.activityFilter, ...action.filter } };
  }
}

/** What the person is looking at: route, filters, theme, dialogs, notices, review comments. Pure. */
import type { ReviewComment } from './types';

export type Theme = 'dark' | 'light';

export interface Filter {
  text: string;
  priority: '' | 'critical' | 'high' | 'normal';
  agentId: string;
  showCancelled: boolean;
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
  dialog: 'new-task' | null;
  /** The key screen is shown (no key yet, or the key was refused) with this message. */
  keyPrompt: { message: string } | null;
  notices: Notice[];
  reviewComments: Record<string, ReviewComment[]>;
  /** The diff line a review comment is being written for. */
  commentAt: { filePath: string; lineNumber: number } | null;
  busy: boolean;
  /** Choices for the new-task form, loaded when it opens. */
  options: { capabilities: string[]; workspaces: string[] } | null;
  /** Browser notifications when something starts waiting on the person (opt-in). */
  notifications: Notifications;
}

export type Notifications = 'off' | 'on' | 'denied' | 'unsupported';

export type ViewAction =
  | { type: 'route'; taskId: string | null }
  | { type: 'filter'; filter: Partial<Filter> }
  | { type: 'theme'; theme: Theme }
  | { type: 'dialog'; dialog: ViewState['dialog'] }
  | { type: 'key:prompt'; message: string }
  | { type: 'key:accepted' }
  | { type: 'notice'; kind: Notice['kind']; text: string; id: number }
  | { type: 'notice:dismiss'; id: number }
  | { type: 'review-comments'; taskId: string; comments: ReviewComment[] }
  | { type: 'comment-at'; at: ViewState['commentAt'] }
  | { type: 'busy'; busy: boolean }
  | { type: 'options'; capabilities: string[]; workspaces: string[] }
  | { type: 'notifications'; state: Notifications };

export const NOTICE_LIMIT = 4;

export function initialView(theme: Theme, taskId: string | null, notifications: Notifications = 'off'): ViewState {
  return {
    taskId, theme, dialog: null, keyPrompt: null, notices: [], reviewComments: {}, commentAt: null, busy: false, options: null,
    notifications,
    filter: { text: '', priority: '', agentId: '', showCancelled: false },
  };
}

export function reduceView(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'route':
      return { ...state, taskId: action.taskId, commentAt: null };
    case 'filter':
      return { ...state, filter: { ...state.filter, ...action.filter } };
    case 'theme':
      return { ...state, theme: action.theme };
    case 'dialog':
      return { ...state, dialog: action.dialog };
    case 'key:prompt':
      return { ...state, keyPrompt: { message: action.message } };
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
  }
}

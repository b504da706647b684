/** REST calls with the key in X-API-Key. Errors carry the server's `error` text. */
import { hooksApi, type HooksApi } from './hookActions';
import type { LoggedEvent } from './activity';
import type { Check } from './checks';
import type { TranscriptPage } from './transcript';
import type { ReviewComment, Task } from './types';
import type { Eligibility } from './view';

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly code: string | null) {
    super(message);
  }
}

export interface NewTaskInput {
  prompt: string;
  title?: string;
  priority: string;
  requiredCapabilities: string[];
  workspaceId?: string;
  dependencies: string[];
}

export interface Api {
  task(id: string): Promise<Task>;
  hooks: HooksApi;
  finished(offset: number, limit: number): Promise<{ tasks: Task[]; total: number }>;
  enqueue(input: NewTaskInput): Promise<{ taskId: string }>;
  act(id: string, action: 'cancel' | 'retry' | 'approve'): Promise<unknown>;
  remove(id: string): Promise<unknown>;
  reject(id: string, feedback: string): Promise<unknown>;
  answer(id: string, answer: string): Promise<unknown>;
  comment(id: string, content: string): Promise<unknown>;
  reviewComments(id: string): Promise<ReviewComment[]>;
  transcript(id: string, after: number, limit: number): Promise<TranscriptPage>;
  addReviewComment(id: string, filePath: string, lineNumber: number | null, content: string): Promise<unknown>;
  capabilities(): Promise<string[]>;
  events(since: number, limit: number): Promise<{ events: LoggedEvent[]; lastSeq: number }>;
  workspaces(): Promise<string[]>;
  checks(id: string): Promise<{ checks: Check[] }>;
  approveOverride(id: string, reason: string): Promise<unknown>;
  edit(id: string, changes: TaskEdit): Promise<Task>;
  eligibility(id: string): Promise<Eligibility>;
  agentTasks(agentId: string, limit: number): Promise<Task[]>;
}

/** What the detail's edit form changes (PATCH /admin/tasks/{id}); a null title clears it. */
export interface TaskEdit {
  title: string | null;
  prompt: string;
  priority: string;
  dependencies: string[];
}

const FINISHED_STATUSES = 'COMPLETED,FAILED,CANCELLED';

export function createApi(base: string, key: () => string | null): Api {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { 'X-API-Key': key() ?? '' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      const data = await response.json().catch(() => null) as { error?: string; code?: string } | null;
      throw new ApiError(data?.error ?? `${method} ${path} failed (${response.status})`, response.status, data?.code ?? null);
    }
    return response;
  }
  const json = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
    (await call(method, path, body)).json() as Promise<T>;
  const task = (id: string) => `/admin/tasks/${encodeURIComponent(id)}`;

  return {
    task: (id) => json('GET', task(id)),
    hooks: hooksApi(json),
    async finished(offset, limit) {
      const response = await call('GET', `/admin/tasks?status=${FINISHED_STATUSES}&limit=${limit}&offset=${offset}`);
      const tasks = (await response.json()) as Task[];
      return { tasks, total: Number(response.headers.get('X-Total-Count') ?? tasks.length) };
    },
    enqueue: (input) => json('POST', '/admin/enqueue', { ...input, source: 'UI' }),
    act: (id, action) => json('POST', `${task(id)}/${action}`),
    remove: (id) => json('DELETE', task(id)),
    reject: (id, feedback) => json('POST', `${task(id)}/reject`, { feedback }),
    answer: (id, answer) => json('POST', `${task(id)}/answer`, { answer }),
    comment: (id, content) => json('POST', `${task(id)}/comments`, { content }),
    reviewComments: (id) => json('GET', `${task(id)}/review-comments`),
    transcript: (id, after, limit) => json('GET', `${task(id)}/transcript?after=${after}&limit=${limit}`),
    addReviewComment: (id, filePath, lineNumber, content) =>
      json('POST', `${task(id)}/review-comments`, { filePath, lineNumber, content }),
    events: (since, limit) => json('GET', `/admin/events?since=${since}&limit=${limit}`),
    capabilities: async () => (await json<{ capabilities: string[] }>('GET', '/admin/capabilities')).capabilities,
    checks: (id) => json('GET', `${task(id)}/checks`),
    approveOverride: (id, reason) => json('POST', `${task(id)}/approve`, { override: reason }),
    edit: (id, changes) => json('PATCH', task(id), changes),
    eligibility: (id) => json('GET', `${task(id)}/eligibility`),
    agentTasks: (agentId, limit) => json('GET', `/admin/tasks?agentId=${encodeURIComponent(agentId)}&limit=${limit}`),
    workspaces: async () => (await json<{ path: string }[]>('GET', '/admin/workspaces')).map((w) => w.path),
  };
}

/** Page routes under /admin/: the board, /admin/task/<id> for a task's detail, /admin/agent/<id> for an
 * agent's page and /admin/plan/<name> for a plan's graph. */
import type { Page } from './view';

export const BASE = '/admin/';
const TASK_PREFIX = `${BASE}task/`;
const AGENT_PREFIX = `${BASE}agent/`;
const PLAN_PREFIX = `${BASE}plan/`;

function rest(pathname: string, prefix: string): string | null {
  if (!pathname.startsWith(prefix)) return null;
  const value = decodeURIComponent(pathname.slice(prefix.length).replace(/\/$/, ''));
  return value || null;
}

export function taskIdFromPath(pathname: string): string | null {
  return rest(pathname, TASK_PREFIX);
}

export function pageFromPath(pathname: string): Page {
  const agent = rest(pathname, AGENT_PREFIX);
  if (agent) return { kind: 'agent', id: agent };
  const plan = rest(pathname, PLAN_PREFIX);
  return plan ? { kind: 'plan', name: plan } : { kind: 'board' };
}

export function pathForTask(taskId: string | null): string {
  return taskId ? TASK_PREFIX + encodeURIComponent(taskId) : BASE;
}

export function pathForPage(page: Page): string {
  if (page.kind === 'agent') return AGENT_PREFIX + encodeURIComponent(page.id);
  if (page.kind === 'plan') return PLAN_PREFIX + encodeURIComponent(page.name);
  return BASE;
}

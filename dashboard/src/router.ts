/** Page routes under /admin/: the board, and /admin/task/<id> for a task's detail. */

export const BASE = '/admin/';
const TASK_PREFIX = `${BASE}task/`;

export function taskIdFromPath(pathname: string): string | null {
  if (!pathname.startsWith(TASK_PREFIX)) return null;
  const id = decodeURIComponent(pathname.slice(TASK_PREFIX.length).replace(/\/$/, ''));
  return id || null;
}

export function pathForTask(taskId: string | null): string {
  return taskId ? TASK_PREFIX + encodeURIComponent(taskId) : BASE;
}

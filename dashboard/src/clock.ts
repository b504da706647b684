/** Time on the board: how old a task is, how long it has been in its status, durations per status,
 * and dates in the viewer's own time zone. Pure: `now` comes in. */
import { createdAt } from './board';
import type { HistoryEntry, Task } from './types';
import { FINISHED } from './types';

/** When the task entered its current status: its history's last move, else the card's `statusAt`,
 * else its completion (finished) or creation (never moved). */
export function statusSince(task: Task): number {
  const history = task.history ?? [];
  for (let i = history.length - 1; i >= 0; i--) if (history[i].status === task.status) return history[i].timestamp;
  if (typeof task.statusAt === 'number') return task.statusAt;
  if (FINISHED.includes(task.status) && typeof task.completedAt === 'number') return task.completedAt;
  return createdAt(task);
}

/** A span in words a glance reads: `40s`, `12m`, `3h 5m`, `2d 4h`. */
export function span(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

export interface Stay {
  entry: HistoryEntry;
  /** How long the task stayed in this status: until the next entry, or until now for the last. */
  ms: number;
  current: boolean;
}

/** The timeline with how long each status lasted (the last one still running unless finished). */
export function stays(history: readonly HistoryEntry[], now: number, finished: boolean): Stay[] {
  return history.map((entry, i) => {
    const last = i === history.length - 1;
    const end = last ? (finished ? entry.timestamp : now) : history[i + 1].timestamp;
    return { entry, ms: Math.max(0, end - entry.timestamp), current: last && !finished };
  });
}

const zone = (timeZone?: string) => (timeZone ? { timeZone } : {});

/** `Mar 4, 14:05:09` in the viewer's time zone (or `timeZone`, for tests). */
export function dateTime(ms: number | null | undefined, timeZone?: string): string {
  if (!ms) return '';
  return new Intl.DateTimeFormat(undefined, {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...zone(timeZone),
  }).format(ms);
}

/** `14:05:09` in the viewer's time zone. */
export function time(ms: number | null | undefined, timeZone?: string): string {
  if (!ms) return '';
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', ...zone(timeZone) }).format(ms);
}

/** The viewer's time zone, named on the page so a time is never ambiguous. */
export function viewerZone(): string {
  viewer ??= Intl.DateTimeFormat().resolvedOptions().timeZone; // read once: resolving it costs a millisecond or so
  return viewer;
}
let viewer: string | undefined;

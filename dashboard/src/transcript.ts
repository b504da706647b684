/**
 * The open task's transcript: what its agent's coding CLI said and did, loaded over REST when the
 * detail opens and extended by `task:{id}:transcript` events. Pure: used by the state module's reducer.
 */

export interface TranscriptEntry {
  n: number;
  kind: 'message' | 'tool_call' | 'tool_result' | 'error' | 'system' | string;
  text: string;
  at: number;
  agentId?: string | null;
}

/** A page from `GET /admin/tasks/{id}/transcript`. */
export interface TranscriptPage {
  entries: TranscriptEntry[];
  total: number;
  dropped: number;
}

export interface Transcript {
  taskId: string;
  /** Kept entries, by `n`, without repeats; at most `TRANSCRIPT_KEEP` (the newest). */
  entries: TranscriptEntry[];
  /** Entries the task has had so far (the newest `n`). */
  total: number;
  /** Older entries the hub no longer keeps. */
  dropped: number;
  /** The REST page has arrived (until then only live entries are known). */
  loaded: boolean;
}

/** The most entries a detail shows: the server's largest page. */
export const TRANSCRIPT_KEEP = 2000;

export function openTranscript(taskId: string): Transcript {
  return { taskId, entries: [], total: 0, dropped: 0, loaded: false };
}

/** `entries` and `more` as one list by `n`, each number once, the newest `TRANSCRIPT_KEEP` kept. */
export function mergeEntries(entries: TranscriptEntry[], more: TranscriptEntry[]): TranscriptEntry[] {
  const last = entries.length ? entries[entries.length - 1].n : 0;
  const merged = more.every((e) => e.n > last)
    ? [...entries, ...more] // the usual case: live entries after what is shown
    : [...new Map([...entries, ...more].map((e) => [e.n, e])).values()].sort((a, b) => a.n - b.n);
  return merged.length > TRANSCRIPT_KEEP ? merged.slice(merged.length - TRANSCRIPT_KEEP) : merged;
}

export function applyPage(transcript: Transcript, page: TranscriptPage): Transcript {
  return {
    ...transcript, loaded: true, entries: mergeEntries(transcript.entries, page.entries),
    total: Math.max(transcript.total, page.total), dropped: Math.max(transcript.dropped, page.dropped),
  };
}

/** A `task:{id}:transcript` event's entries added (ignored when it is about another task). */
export function applyLive(transcript: Transcript, taskId: string, entries: TranscriptEntry[], total: number): Transcript {
  if (transcript.taskId !== taskId) return transcript;
  return { ...transcript, entries: mergeEntries(transcript.entries, entries), total: Math.max(transcript.total, total) };
}

import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Transcript } from '../transcript';
import { time } from './format';

/** How close to the bottom (px) still counts as "at the bottom": the view then follows new entries. */
const FOLLOW_SLACK = 24;

const KIND_LABELS: Record<string, string> = {
  message: 'message', tool_call: 'tool call', tool_result: 'result', error: 'error', system: 'system',
};

/** The open task's live transcript: newest at the bottom, followed while the reader is at the bottom. */
export function TranscriptView({ transcript }: { transcript: Transcript | null }) {
  const box = useRef<HTMLOListElement>(null);
  const following = useRef(true);
  const entries = transcript?.entries ?? [];
  const newest = entries.length ? entries[entries.length - 1].n : 0;
  useLayoutEffect(() => {
    const el = box.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
  }, [newest, transcript?.taskId]);
  const onScroll = () => {
    const el = box.current;
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight <= FOLLOW_SLACK;
  };
  const dropped = transcript?.dropped ?? 0;
  const hidden = entries.length ? entries[0].n - 1 : 0;
  return (
    <section class="detail-section" aria-label="Transcript">
      <h3>Transcript {transcript && transcript.total > 0 && <span class="muted">({transcript.total})</span>}</h3>
      {hidden > 0 && (
        <p class="muted small" data-testid="transcript-dropped">
          {dropped >= hidden ? `${hidden} older entries are no longer kept` : `${hidden} older entries not shown`}
        </p>
      )}
      {entries.length === 0
        ? <p class="muted small" data-testid="transcript-empty">{transcript?.loaded ? 'No transcript yet.' : 'Loading…'}</p>
        : (
          <ol class="transcript" ref={box} onScroll={onScroll} data-testid="transcript">
            {entries.map((e) => (
              <li key={e.n} class={`transcript-entry kind-${e.kind}`} data-n={e.n} data-kind={e.kind}>
                <span class="transcript-head muted small mono">{time(e.at)} · {KIND_LABELS[e.kind] ?? e.kind}</span>
                <div class="pre transcript-text">{e.text}</div>
              </li>
            ))}
          </ol>
        )}
    </section>
  );
}

import type { ActivityEntry } from '../state';
import { useActions } from './context';
import { time } from './format';

export function Activity({ entries }: { entries: ActivityEntry[] }) {
  const actions = useActions();
  return (
    <section class="panel activity" aria-label="Activity">
      <h2>Activity</h2>
      {entries.length === 0 && <p class="muted small">Live changes appear here.</p>}
      <ol>
        {entries.map((e) => (
          <li key={e.seq}>
            <span class="muted small mono">{time(e.at)}</span>{' '}
            {e.taskId ? <button class="link" onClick={() => actions.open(e.taskId as string)}>{e.text}</button> : e.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

import { useState } from 'preact/hooks';
import { depCandidates, planIdOf } from '../plans';
import type { Task } from '../types';
import { cardTitle, shortId, statusText } from './format';

/** A searchable list of tasks to wait for; the picked ones are posted as `dependencies` checkboxes. */
export function DepPicker({ tasks, initial, exclude }: { tasks: Record<string, Task>; initial: string[]; exclude: string | null }) {
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<string[]>(initial);
  const toggle = (id: string) => setPicked(picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id]);
  const shown = depCandidates(tasks, query, picked, exclude);
  return (
    <fieldset class="dep-picker">
      <legend>Dependencies (must complete first)</legend>
      <input type="search" placeholder="Find a task by title, plan id or id…" aria-label="Find a dependency" value={query}
        onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
      <ul class="dep-options">
        {shown.map((t) => (
          <li key={t.id}>
            <label class="check">
              <input type="checkbox" name="dependencies" value={t.id} checked={picked.includes(t.id)} onChange={() => toggle(t.id)} />
              {planIdOf(t) && <span class="plan-id">{planIdOf(t)}</span>} {cardTitle(t)}
              <span class="muted small mono"> #{shortId(t.id)} · {statusText(t)}</span>
            </label>
          </li>
        ))}
        {shown.length === 0 && <li class="muted small">No task matches.</li>}
      </ul>
    </fieldset>
  );
}

import { COLUMNS, columnCount, countByStatus } from '../board';
import { inbox } from '../inbox';
import type { LiveState } from '../state';
import type { ViewState } from '../view';
import { useActions } from './context';

const BADGE: Record<LiveState['connection'], string> = {
  connecting: 'Connecting…', connected: 'Live', disconnected: 'Disconnected',
};

export function ConnectionBadge({ live }: { live: LiveState }) {
  const state = live.connection === 'connected' && !live.synced ? 'connecting' : live.connection;
  return <span class={`badge conn-${state}`} data-testid="connection" data-state={state}>{BADGE[state]}</span>;
}

export function Header({ live, view }: { live: LiveState; view: ViewState }) {
  const actions = useActions();
  const counts = countByStatus(live.tasks);
  const agents = Object.values(live.agents);
  const online = agents.filter((a) => a.status !== 'OFFLINE').length;
  const waiting = inbox(live.tasks).length;
  return (
    <header class="header">
      <div class="brand">waaah</div>
      <ul class="counts" aria-label="Task counts">
        {COLUMNS.map((c) => (
          <li key={c.key} data-testid={`count-${c.key}`}>
            <span class="count">{columnCount(counts, c) - (c.key === 'done' ? counts.CANCELLED ?? 0 : 0)}</span> {c.label.toLowerCase()}
          </li>
        ))}
        <li data-testid="count-agents"><span class="count">{online}/{agents.length}</span> agents online</li>
      </ul>
      <div class="tools">
        <a class={`badge inbox-link ${waiting > 0 ? 'has-items' : ''}`} href="#needs-you">
          Needs you <span class="count" data-testid="inbox-count">{waiting}</span></a>
        <ConnectionBadge live={live} />
        <button class="primary" onClick={() => void actions.dialog('new-task')}>New task</button>
        <button title="Switch theme" aria-label="Switch theme"
          onClick={() => actions.theme(view.theme === 'dark' ? 'light' : 'dark')}>{view.theme === 'dark' ? 'Light' : 'Dark'}</button>
        <button title="Forget the API key on this browser" onClick={() => actions.signOut()}>Sign out</button>
      </div>
    </header>
  );
}

export function FilterBar({ live, view }: { live: LiveState; view: ViewState }) {
  const actions = useActions();
  const { filter } = view;
  const cancelled = Object.values(live.tasks).filter((t) => t.status === 'CANCELLED').length;
  const agent = filter.agentId ? live.agents[filter.agentId] : undefined;
  return (
    <div class="filter-bar" role="search">
      <input type="search" placeholder="Search title, id, agent…" aria-label="Search tasks" value={filter.text}
        onInput={(e) => actions.filter({ text: (e.currentTarget as HTMLInputElement).value })} />
      <select aria-label="Priority" value={filter.priority}
        onChange={(e) => actions.filter({ priority: (e.currentTarget as HTMLSelectElement).value as ViewState['filter']['priority'] })}>
        <option value="">All priorities</option>
        <option value="critical">Critical</option>
        <option value="high">High</option>
        <option value="normal">Normal</option>
      </select>
      {filter.agentId && (
        <button class="chip" title="Show every agent's tasks" onClick={() => actions.filter({ agentId: '' })}>
          Agent: {agent?.displayName || filter.agentId} ✕
        </button>
      )}
      <label class="check">
        <input type="checkbox" checked={filter.showCancelled}
          onChange={(e) => actions.filter({ showCancelled: (e.currentTarget as HTMLInputElement).checked })} />
        Show cancelled ({cancelled})
      </label>
    </div>
  );
}

import { COLUMNS, columnCount } from '../board';
import { selectCancelled, selectChoices, selectCounts, selectInbox, selectPlans } from '../derive';
import { STATUSES } from '../types';
import { viewerZone } from '../clock';
import { label } from './format';
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
  const counts = selectCounts(live.tasks);
  const agents = Object.values(live.agents);
  const online = agents.filter((a) => a.status !== 'OFFLINE').length;
  const waiting = selectInbox(live.tasks, view.now, live.heard).length;
  return (
    <header class="header">
      <button class="brand link" onClick={() => actions.openPage({ kind: 'board' })}>waaah</button>
      <PlansNav live={live} view={view} />
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
        <button title="Webhook subscriptions and their deliveries" onClick={() => void actions.hooks.open()}>Webhooks</button>
        <button title="Switch theme" aria-label="Switch theme"
          onClick={() => actions.theme(view.theme === 'dark' ? 'light' : 'dark')}>{view.theme === 'dark' ? 'Light' : 'Dark'}</button>
        <button title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts" onClick={() => void actions.dialog('keys')}>?</button>
        <span class="muted small zone" title="Times are shown in this time zone">{viewerZone()}</span>
        <button title="Forget the API key on this browser" onClick={() => actions.signOut()}>Sign out</button>
      </div>
    </header>
  );
}

/** A tab per plan on the board: each opens the plan's dependency graph. */
function PlansNav({ live, view }: { live: LiveState; view: ViewState }) {
  const actions = useActions();
  const names = selectPlans(live.tasks);
  if (names.length === 0) return null;
  return (
    <nav class="plans-nav" aria-label="Plans">
      {names.map((name) => (
        <a key={name} href={`/admin/plan/${encodeURIComponent(name)}`}
          class={`tab ${view.page.kind === 'plan' && view.page.name === name ? 'active' : ''}`}
          onClick={(e) => { e.preventDefault(); actions.openPage({ kind: 'plan', name }); }}>Plan {name}</a>
      ))}
    </nav>
  );
}

function Choice({ name, value, all, options, set }: {
  name: string; value: string; all: string; options: { value: string; text: string }[]; set: (value: string) => void;
}) {
  return (
    <select aria-label={name} value={value} onChange={(e) => set((e.currentTarget as HTMLSelectElement).value)}>
      <option value="">{all}</option>
      {options.map((o) => <option key={o.value} value={o.value}>{o.text}</option>)}
    </select>
  );
}

const each = (values: readonly string[]) => values.map((v) => ({ value: v, text: v }));

export function FilterBar({ live, view }: { live: LiveState; view: ViewState }) {
  const actions = useActions();
  const { filter } = view;
  const cancelled = selectCancelled(live.tasks);
  const agent = filter.agentId ? live.agents[filter.agentId] : undefined;
  const choices = selectChoices(live.tasks);
  return (
    <div class="filter-bar" role="search">
      <input type="search" placeholder="Search title, id, agent… ( / )" aria-label="Search tasks" value={filter.text}
        onInput={(e) => actions.filter({ text: (e.currentTarget as HTMLInputElement).value })} />
      <select aria-label="Priority" value={filter.priority}
        onChange={(e) => actions.filter({ priority: (e.currentTarget as HTMLSelectElement).value as ViewState['filter']['priority'] })}>
        <option value="">All priorities</option>
        <option value="critical">Critical</option>
        <option value="high">High</option>
        <option value="normal">Normal</option>
      </select>
      <Choice name="Status" value={filter.status} all="All statuses" options={STATUSES.map((s) => ({ value: s, text: label(s) }))}
        set={(status) => actions.filter({ status: status as ViewState['filter']['status'] })} />
      <Choice name="Workspace" value={filter.workspace} all="All workspaces" options={each(choices.workspaces)}
        set={(workspace) => actions.filter({ workspace })} />
      <Choice name="Capability" value={filter.capability} all="All capabilities" options={each(choices.capabilities)}
        set={(capability) => actions.filter({ capability })} />
      <Choice name="Assignee" value={filter.agentId} all="Anyone"
        options={[...new Set([...choices.assignees, ...Object.keys(live.agents)])].sort().map((id) => ({ value: id, text: live.agents[id]?.displayName || id }))}
        set={(agentId) => actions.filter({ agentId })} />
      <Choice name="Plan" value={filter.plan} all="All plans" options={each(selectPlans(live.tasks))} set={(plan) => actions.filter({ plan })} />
      <select aria-label="Sort" value={filter.sort}
        onChange={(e) => actions.filter({ sort: (e.currentTarget as HTMLSelectElement).value as ViewState['filter']['sort'] })}>
        <option value="">Board order</option>
        <option value="newest">Newest first</option>
        <option value="oldest">Oldest first</option>
        <option value="priority">Priority</option>
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

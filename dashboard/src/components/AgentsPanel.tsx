import type { Agent, Task } from '../types';
import { useActions } from './context';
import { agentLabel, time } from './format';

const ORDER: Record<string, number> = { PROCESSING: 0, WAITING: 1, OFFLINE: 2 };

interface Props {
  agents: Record<string, Agent>;
  tasks: Record<string, Task>;
  selected: string;
}

export function AgentsPanel({ agents, tasks, selected }: Props) {
  const actions = useActions();
  const list = Object.values(agents).sort((a, b) =>
    (ORDER[a.status] ?? 3) - (ORDER[b.status] ?? 3) || (a.displayName || a.id).localeCompare(b.displayName || b.id));
  return (
    <section class="panel agents" aria-label="Agents">
      <h2>Agents <span class="count">{list.length}</span></h2>
      {list.length === 0 && <p class="muted small">No agent has registered yet.</p>}
      <ul>
        {list.map((agent) => (
          <li key={agent.id} class={`agent ${selected === agent.id ? 'selected' : ''}`} data-agent-id={agent.id}
            data-status={agent.status}>
            <button class="agent-name" title="Show this agent's tasks"
              onClick={() => actions.filter({ agentId: selected === agent.id ? '' : agent.id })}>
              <span class={`dot agent-${agent.status}`} aria-hidden="true" />
              {agent.displayName || agent.id}
            </button>
            <span class={`agent-status agent-${agent.status}`}>{agentLabel(agent.status)}</span>
            <a class="small agent-page-link" href={`/admin/agent/${encodeURIComponent(agent.id)}`}
              onClick={(e) => { e.preventDefault(); actions.openPage({ kind: 'agent', id: agent.id }); }}>page</a>
            <div class="agent-meta muted small">
              {agent.role && <span>{agent.role} · </span>}
              <span title="Last seen">{time(agent.lastSeen)}</span>
              {(agent.capabilities ?? []).length > 0 && <span> · {(agent.capabilities ?? []).join(', ')}</span>}
            </div>
            {(agent.currentTasks ?? []).map((id) => (
              <button key={id} class="link small current-task" title={id} onClick={() => actions.open(id)}>
                ▸ {tasks[id]?.title || id}
              </button>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}

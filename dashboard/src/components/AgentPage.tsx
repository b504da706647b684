import { span, statusSince } from '../clock';
import type { LiveState } from '../state';
import type { ViewState } from '../view';
import { Activity } from './Activity';
import { useActions } from './context';
import { agentLabel, cardTitle, dateTime, shortId, statusText } from './format';

/** One agent: what it is doing and for how long, what it did, its timeline and capabilities. */
export function AgentPage({ agentId, live, view }: { agentId: string; live: LiveState; view: ViewState }) {
  const actions = useActions();
  const agent = live.agents[agentId];
  const current = (agent?.currentTasks ?? []).map((id) => ({ id, task: live.tasks[id] }));
  const recent = view.agentTasks?.agentId === agentId ? view.agentTasks.tasks : null;
  return (
    <section class="agent-page panel" aria-label="Agent" data-agent-id={agentId}>
      <div class="page-head">
        <button class="link" onClick={() => actions.openPage({ kind: 'board' })}>← Board</button>
        <h2>{agent?.displayName || agentId} {agent && <span class={`agent-status agent-${agent.status}`}>{agentLabel(agent.status)}</span>}</h2>
      </div>
      {!agent ? <p class="muted">{live.synced ? 'No agent with this id is known.' : 'Connecting…'}</p> : (
        <>
          <p class="muted small">{agent.role ? `${agent.role} · ` : ''}last seen {dateTime(agent.lastSeen)}</p>
          <h3>Capabilities</h3>
          <p data-testid="agent-capabilities">{(agent.capabilities ?? []).map((c) => <span key={c} class="cap">{c}</span>)}
            {(agent.capabilities ?? []).length === 0 && <span class="muted">none</span>}</p>
          <h3>Working on</h3>
          {current.length === 0 ? <p class="muted small">Nothing right now.</p> : (
            <ul data-testid="agent-current">{current.map(({ id, task }) => (
              <li key={id}><button class="link" onClick={() => actions.open(id)}>{task ? cardTitle(task) : id}</button>
                {task && <span class="muted small"> · {statusText(task)} for {span(view.now - statusSince(task))}</span>}</li>
            ))}</ul>
          )}
        </>
      )}
      <h3>Recent tasks</h3>
      {recent === null ? <p class="muted small">Loading…</p> : recent.length === 0 ? <p class="muted small">None yet.</p> : (
        <ul data-testid="agent-recent">{recent.map((t) => (
          <li key={t.id}><button class="link" onClick={() => actions.open(t.id)}>{cardTitle(t)}</button>
            <span class="muted small mono"> #{shortId(t.id)}</span> <span class={`status-chip status-${t.status}`}>{statusText(t)}</span></li>
        ))}</ul>
      )}
      <Activity entries={live.activity} filter={{ taskId: '', agentId }} tasks={live.tasks} agents={live.agents} fixed />
    </section>
  );
}

import { filterActivity } from '../activity';
import type { ActivityEntry } from '../state';
import type { Agent, Task } from '../types';
import { useActions } from './context';
import { cardTitle, time } from './format';

interface Props {
  entries: ActivityEntry[];
  filter: { taskId: string; agentId: string };
  tasks: Record<string, Task>;
  agents: Record<string, Agent>;
  /** On an agent's page: its timeline, no filter controls. */
  fixed?: boolean;
}

export function Activity({ entries, filter, tasks, agents, fixed = false }: Props) {
  const actions = useActions();
  const shown = filterActivity(entries, filter, tasks);
  const taskIds = [...new Set(entries.flatMap((e) => (e.taskId ? [e.taskId] : [])))];
  return (
    <section class="panel activity" aria-label={fixed ? 'Agent timeline' : 'Activity'}>
      <h2>{fixed ? 'Timeline' : 'Activity'}</h2>
      {!fixed && (
        <div class="activity-filter">
          <select aria-label="Activity of task" value={filter.taskId}
            onChange={(e) => actions.filterActivity({ taskId: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">Every task</option>
            {taskIds.map((id) => <option key={id} value={id}>{tasks[id] ? cardTitle(tasks[id]) : id}</option>)}
          </select>
          <select aria-label="Activity of agent" value={filter.agentId}
            onChange={(e) => actions.filterActivity({ agentId: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">Every agent</option>
            {Object.values(agents).map((a) => <option key={a.id} value={a.id}>{a.displayName || a.id}</option>)}
          </select>
        </div>
      )}
      {shown.length === 0 && <p class="muted small">{entries.length ? 'Nothing matches.' : 'Live changes appear here.'}</p>}
      <ol>
        {shown.map((e) => (
          <li key={e.seq}>
            <span class="muted small mono">{time(e.at)}</span>{' '}
            {e.taskId ? <button class="link" onClick={() => actions.open(e.taskId as string)}>{e.text}</button> : e.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

import type { Task } from '../types';
import { blockedText, capabilitiesOf, cardTitle, label, shortId } from './format';
import { useActions } from './context';
import { inboxReason } from '../inbox';
import { checkBadge } from '../checks';

/** A card waiting on a person looks unlike one waiting on other tasks. */
function waits(task: Task): string {
  if (inboxReason(task) === 'question') return 'waits-answer';
  return task.status === 'BLOCKED' ? 'waits-deps' : '';
}

export function Card({ task, tasks }: { task: Task; tasks: Record<string, Task> }) {
  const actions = useActions();
  const deps = task.dependencies ?? [];
  const open = deps.filter((d) => tasks[d]?.status !== 'COMPLETED').length;
  const caps = capabilitiesOf(task);
  return (
    <button class={`card status-${task.status} ${waits(task)}`} data-task-id={task.id}
      data-status={task.status} onClick={() => actions.open(task.id)}>
      <div class="card-top">
        <span class="status-chip">{label(task.status)}</span>
        {task.priority && task.priority !== 'normal' && <span class={`prio prio-${task.priority}`}>{task.priority}</span>}
        {task.verification && <span class="verification-tag" data-testid="verification">verification</span>}
        {checkBadge(task) && <span class={`check-state check-${checkBadge(task)}`} data-testid="check-badge">checks {checkBadge(task)}</span>}
      </div>
      <div class="card-title">{cardTitle(task)}</div>
      <div class="card-meta">
        <span class="mono" title={task.id}>#{shortId(task.id)}</span>
        {task.assignedTo && <span class="agent-tag">@{task.assignedTo}</span>}
        {deps.length > 0 && <span title="Dependencies completed">deps {deps.length - open}/{deps.length}</span>}
        {caps.length > 0 && <span class="caps">{caps.join(', ')}</span>}
      </div>
      {task.status === 'BLOCKED' && task.blockedReason && <div class="card-blocked">{blockedText(task.blockedReason)}</div>}
      {task.status === 'FAILED' && task.failureReason && (
        <div class="card-failure"><span class="failure-reason" data-testid="failure-reason" title="Why it failed">{task.failureReason}</span></div>
      )}
    </button>
  );
}

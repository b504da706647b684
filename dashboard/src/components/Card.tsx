import { Component } from 'preact';
import type { Task } from '../types';
import { blockedText, capabilitiesOf, cardTitle, label, shortId } from './format';
import { useActions } from './context';
import { inboxReason } from '../inbox';
import { checkBadge } from '../checks';
import { createdAt } from '../board';
import { span, statusSince } from '../clock';
import { planIdOf } from '../plans';
import { CardActions } from './CardActions';

/** A card waiting on a person looks unlike one waiting on other tasks. */
function waits(task: Task): string {
  if (inboxReason(task) === 'question') return 'waits-answer';
  return task.status === 'BLOCKED' ? 'waits-deps' : '';
}

interface Props {
  task: Task;
  /** How many of its dependencies are completed. */
  depsDone: number;
  now: number;
  selected?: boolean;
  disabled?: boolean;
  /** Its inline answer box is open. */
  answering?: boolean;
  /** Held by an agent and silent for a while (see STALL_MS in inbox.ts). */
  stalled?: boolean;
}

export function Card({ task, depsDone, now, selected = false, disabled = false, answering = false, stalled = false }: Props) {
  const actions = useActions();
  const deps = task.dependencies ?? [];
  const caps = capabilitiesOf(task);
  const plan = planIdOf(task);
  return (
    <div class={`card status-${task.status} ${waits(task)} ${selected ? 'selected' : ''} ${stalled ? 'stalled' : ''}`} data-task-id={task.id}
      data-status={task.status} role="button" tabIndex={0} aria-current={selected ? 'true' : undefined}
      onClick={() => actions.open(task.id)} onKeyDown={(e) => e.key === 'Enter' && e.target === e.currentTarget && actions.open(task.id)}>
      <div class="card-top">
        <span class="status-chip">{label(task.status)}</span>
        {plan && <span class="plan-id" data-testid="plan-id" title="Plan id">{plan}</span>}
        {task.priority && task.priority !== 'normal' && <span class={`prio prio-${task.priority}`}>{task.priority}</span>}
        {task.verification && <span class="verification-tag" data-testid="verification">verification</span>}
        {checkBadge(task) && <span class={`check-state check-${checkBadge(task)}`} data-testid="check-badge">checks {checkBadge(task)}</span>}
      </div>
      <div class="card-title">{cardTitle(task)}</div>
      <div class="card-meta">
        <span class="mono" title={task.id}>#{shortId(task.id)}</span>
        {task.assignedTo && <span class="agent-tag">@{task.assignedTo}</span>}
        {deps.length > 0 && <span title="Dependencies completed">deps {depsDone}/{deps.length}</span>}
        {caps.length > 0 && <span class="caps">{caps.join(', ')}</span>}
      </div>
      {now > 0 && (
        <div class="card-time muted small">
          <span data-testid="age" title="Age">{span(now - createdAt(task))} old</span>
          {' · '}<span data-testid="status-time" title="Time in this status">{span(now - statusSince(task))} in status</span>
        </div>
      )}
      {stalled && <div class="card-stalled" data-testid="stalled" title="No progress for a while">stalled: no progress</div>}
      {task.status === 'BLOCKED' && task.blockedReason && <div class="card-blocked">{blockedText(task.blockedReason)}</div>}
      {task.status === 'FAILED' && task.failureReason && (
        <div class="card-failure"><span class="failure-reason" data-testid="failure-reason" title="Why it failed">{task.failureReason}</span></div>
      )}
      <CardActions task={task} disabled={disabled} answering={answering} />
    </div>
  );
}

function sameProps(a: Props, b: Props): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof Props>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** A card drawn again only when one of its own props changed: an event about one task, or the activity
 * feed arriving, leaves the other cards of the board as they are. */
export class BoardCard extends Component<Props> {
  shouldComponentUpdate(next: Props): boolean {
    return !sameProps(this.props, next);
  }

  render(props: Props) {
    return <Card {...props} />;
  }
}

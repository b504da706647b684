import type { Status, Task } from '../types';
import { useEffect, useRef } from 'preact/hooks';
import { FINISHED } from '../types';
import { useActions } from './context';
import { submitText } from './format';

export const RETRYABLE: readonly Status[] = ['FAILED', 'CANCELLED', 'PENDING_ACK', 'ASSIGNED', 'IN_PROGRESS', 'APPROVED_PENDING_ACK'];

function Review({ task, busy, focus }: { task: Task; busy: boolean; focus: boolean }) {
  const actions = useActions();
  const feedback = useRef<HTMLInputElement>(null);
  useEffect(() => { if (focus) feedback.current?.focus(); }, [focus]);
  const reject = submitText('feedback', (feedback) => actions.reject(task.id, feedback));
  return (
    <form class="review-form" onSubmit={reject}>
      <button type="button" class="primary" disabled={busy} onClick={() => void actions.approve(task.id)}>Approve</button>
      <input ref={feedback} name="feedback" placeholder="What should the agent change? (required to reject)" aria-label="Rejection feedback" required />
      <button type="submit" class="danger" disabled={busy}>Reject</button>
    </form>
  );
}

/** `focusReject`: the detail was opened by Reject on a card, so its feedback field takes the focus. */
export function TaskActions({ task, busy, focusReject = false }: { task: Task; busy: boolean; focusReject?: boolean }) {
  const actions = useActions();
  const finished = FINISHED.includes(task.status);
  return (
    <div class="task-actions">
      {task.status === 'IN_REVIEW' && <Review task={task} busy={busy} focus={focusReject} />}
      <div class="buttons">
        {!finished && <button disabled={busy} onClick={() => void actions.cancel(task.id)}>Cancel</button>}
        {RETRYABLE.includes(task.status) && <button disabled={busy} onClick={() => void actions.retry(task.id)}>Retry</button>}
        <button class="danger" disabled={busy}
          onClick={() => window.confirm('Delete this task?') && void actions.remove(task.id)}>Delete</button>
      </div>
    </div>
  );
}

import { useEffect, useRef } from 'preact/hooks';
import { inboxReason } from '../inbox';
import type { Task } from '../types';
import { useActions } from './context';
import { shortId, submitText } from './format';
import { RETRYABLE } from './TaskActions';

/** A click on a card's own controls acts, it does not also open the detail. */
const own = (event: Event) => event.stopPropagation();

/** A card's inline answer: one line of text and Send; Escape closes it. */
function AnswerBox({ task, disabled }: { task: Task; disabled: boolean }) {
  const actions = useActions();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  const send = submitText('answer', (text) => actions.answerOnCard(task.id, text));
  return (
    <form class="card-answer" onClick={own} onSubmit={send} aria-label={`Answer for ${shortId(task.id)}`}>
      <input ref={input} name="answer" aria-label="Your answer" placeholder="Your answer…" required
        onKeyDown={(e) => { if (e.key === 'Escape') actions.answering(null); }} />
      <button type="submit" class="primary small" disabled={disabled}>Send</button>
    </form>
  );
}

/** What a person can do right on the card: approve or reject a review, answer a question, retry. */
export function CardActions({ task, disabled, answering }: { task: Task; disabled: boolean; answering: boolean }) {
  const actions = useActions();
  const reason = inboxReason(task);
  if (reason === 'review') {
    return (
      <div class="card-actions">
        <button class="primary small" disabled={disabled} onClick={(e) => { own(e); void actions.approve(task.id); }}>Approve</button>
        <button class="danger small" disabled={disabled} onClick={(e) => { own(e); actions.openToReject(task.id); }}>Reject</button>
      </div>
    );
  }
  if (reason === 'question') {
    return answering ? <AnswerBox task={task} disabled={disabled} /> : (
      <div class="card-actions">
        <button class="primary small" disabled={disabled} onClick={(e) => { own(e); actions.answering(task.id); }}>Answer</button>
      </div>
    );
  }
  if (RETRYABLE.includes(task.status) && (task.status === 'FAILED' || task.status === 'CANCELLED')) {
    return (
      <div class="card-actions">
        <button class="small" disabled={disabled} onClick={(e) => { own(e); void actions.retry(task.id); }}>Retry</button>
      </div>
    );
  }
  return null;
}

import { selectInbox } from '../derive';
import { whyText, type InboxItem } from '../inbox';
import type { LiveState } from '../state';
import type { ViewState } from '../view';
import { useActions } from './context';
import { cardTitle, shortId, submitText } from './format';

function Item({ item, disabled, heard, now }: { item: InboxItem; disabled: boolean; heard: Record<string, number>; now: number }) {
  const actions = useActions();
  const { task, reason } = item;
  const answer = submitText('answer', (text) => actions.answer(task.id, text));
  return (
    <li class={`inbox-item reason-${reason}`} data-task-id={task.id} data-reason={reason}>
      <button class="link inbox-title" onClick={() => actions.open(task.id)}>{cardTitle(task)}</button>
      <span class="muted small mono">#{shortId(task.id)}</span>
      <div class="inbox-why" data-testid="inbox-why">{whyText(item, now, heard)}</div>
      {reason === 'review' && <button class="primary" disabled={disabled} onClick={() => void actions.approve(task.id)}>Approve</button>}
      {(reason === 'failed' || reason === 'stalled') && <button disabled={disabled} onClick={() => void actions.retry(task.id)}>Retry</button>}
      {reason === 'stalled' && <button disabled={disabled} onClick={() => void actions.cancel(task.id)}>Cancel</button>}
      {reason === 'question' && (
        <form class="inline-form" onSubmit={answer}>
          <input name="answer" aria-label={`Answer ${shortId(task.id)}`} placeholder="Your answer…" required />
          <button type="submit" disabled={disabled}>Answer</button>
        </form>
      )}
    </li>
  );
}

function NotifyButton({ state }: { state: ViewState['notifications'] }) {
  const actions = useActions();
  if (state === 'unsupported') return null;
  if (state === 'denied') return <span class="muted small" data-testid="notifications">Notifications are blocked by the browser</span>;
  return state === 'on'
    ? <button data-testid="notifications" onClick={() => actions.disableNotifications()}>Notifications on</button>
    : <button data-testid="notifications" onClick={() => void actions.enableNotifications()}>Notify me</button>;
}

/** What waits on the person, with the action each needs right there. */
export function Inbox({ live, view }: { live: LiveState; view: ViewState }) {
  const items = selectInbox(live.tasks, view.now, live.heard);
  return (
    <section class="panel inbox" id="needs-you" aria-label="Needs you">
      <h2>Needs you <span class="count">{items.length}</span> <NotifyButton state={view.notifications} /></h2>
      {items.length === 0 ? <p class="muted small">Nothing waits on you.</p> : (
        <ol>{items.map((item) => <Item key={item.task.id} item={item} heard={live.heard} now={view.now}
          disabled={view.busy || live.connection !== 'connected'} />)}</ol>
      )}
    </section>
  );
}

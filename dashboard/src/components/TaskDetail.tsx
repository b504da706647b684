import { createdAt } from '../board';
import type { LiveState } from '../state';
import type { Message, Task } from '../types';
import type { ViewState } from '../view';
import { useActions } from './context';
import { ChecksSection } from './Checks';
import { DiffView } from './DiffView';
import { blockedText, capabilitiesOf, dateTime, heading, label, submitText } from './format';
import { TaskActions } from './TaskActions';
import { TranscriptView } from './Transcript';

function Section({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return <section class="detail-section"><h3>{title}</h3>{children}</section>;
}

function question(task: Task): string | null {
  const block = [...(task.messages ?? [])].reverse().find((m) => m.metadata?.type === 'block_event');
  const asked = block?.metadata?.question;
  return typeof asked === 'string' ? asked : task.response?.blockedReason ?? null;
}

function Dependencies({ task, tasks }: { task: Task; tasks: Record<string, Task> }) {
  const actions = useActions();
  const deps = task.dependencies ?? [];
  if (deps.length === 0) return null;
  return (
    <Section title="Dependencies">
      <ul class="deps">
        {deps.map((id) => (
          <li key={id}>
            <button class="link mono" onClick={() => actions.open(id)}>{tasks[id]?.title || id}</button>{' '}
            <span class={`status-chip status-${tasks[id]?.status ?? 'unknown'}`}>{tasks[id] ? label(tasks[id].status) : 'not loaded'}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Timeline({ task }: { task: Task }) {
  const history = task.history ?? [];
  if (history.length === 0) return null;
  return (
    <Section title="Timeline">
      <ol class="timeline">
        {history.map((h, i) => (
          <li key={i}>
            <span class="muted small mono">{dateTime(h.timestamp)}</span> <span class={`status-chip status-${h.status}`}>{label(h.status)}</span>
            {h.agentId && <span class="agent-tag">@{h.agentId}</span>} {h.message && <span>{h.message}</span>}
          </li>
        ))}
      </ol>
    </Section>
  );
}

function kindOf(m: Message): string {
  const meta = m.metadata ?? {};
  return String(meta.messageType ?? meta.type ?? m.role);
}

function Messages({ task }: { task: Task }) {
  const actions = useActions();
  const submit = submitText('content', (content) => actions.comment(task.id, content));
  return (
    <Section title="Messages">
      <ol class="messages">
        {(task.messages ?? []).map((m) => (
          <li key={m.id} class={`message role-${m.role} kind-${kindOf(m)}`}>
            <div class="muted small"><span class="mono">{dateTime(m.timestamp)}</span> · {m.role} · {kindOf(m)}
              {typeof m.metadata?.percentage === 'number' && <span> · {m.metadata.percentage}%</span>}</div>
            <div class="pre">{m.content}</div>
          </li>
        ))}
      </ol>
      <form class="inline-form" onSubmit={submit}>
        <textarea name="content" rows={2} placeholder="Comment (delivered to the agent)…" aria-label="Comment" required />
        <button type="submit">Comment</button>
      </form>
    </Section>
  );
}

function Blocked({ task }: { task: Task }) {
  const actions = useActions();
  if (task.status !== 'BLOCKED') return null;
  const asked = task.blockedReason === 'question' || !task.blockedReason ? question(task) : null;
  const submit = submitText('answer', (answer) => actions.answer(task.id, answer));
  return (
    <Section title="Blocked">
      <p class="blocked-reason">{asked ?? blockedText(task.blockedReason ?? 'Blocked')}</p>
      {asked !== null && (
        <form class="inline-form" onSubmit={submit}>
          <textarea name="answer" rows={2} placeholder="Your answer…" aria-label="Answer" required />
          <button type="submit" class="primary">Answer</button>
        </form>
      )}
    </Section>
  );
}

export function TaskDetail({ taskId, live, view }: { taskId: string; live: LiveState; view: ViewState }) {
  const actions = useActions();
  const task = live.tasks[taskId];
  const comments = view.reviewComments[taskId] ?? [];
  return (
    <div class="drawer-backdrop" onClick={(e) => e.target === e.currentTarget && actions.open(null)}>
      <article class="drawer" aria-label="Task detail" data-task-id={taskId}>
        <header class="drawer-head">
          <div>
            <h2 class="detail-title">{heading(task, taskId)}</h2>
            <div class="muted small mono">{taskId}</div>
          </div>
          <button aria-label="Close" onClick={() => actions.open(null)}>✕</button>
        </header>
        {!task ? <p class="muted">{live.synced ? 'Loading…' : 'Connecting…'}</p> : (
          <>
            <div class="detail-meta">
              <span class={`status-chip status-${task.status}`} data-testid="detail-status">{label(task.status)}</span>
              <span class={`prio prio-${task.priority ?? 'normal'}`}>{task.priority ?? 'normal'}</span>
              {task.assignedTo && <span class="agent-tag">@{task.assignedTo}</span>}
              {task.status === 'FAILED' && task.failureReason && (
                <span class="failure-reason" data-testid="detail-failure-reason" title="Why it failed">{task.failureReason}</span>
              )}
              {capabilitiesOf(task).map((c) => <span key={c} class="cap">{c}</span>)}
              {task.to?.workspaceId && <span class="cap">workspace: {task.to.workspaceId}</span>}
              <span class="muted small">created {dateTime(createdAt(task))}</span>
            </div>
            <TaskActions task={task} busy={view.busy || live.connection === 'disconnected'} />
            <Blocked task={task} />
            <Section title="Prompt"><div class="pre prompt" data-testid="prompt">{task.prompt ?? ''}</div></Section>
            <ChecksSection task={task} checks={live.checks?.taskId === taskId ? live.checks.list : null} />
            {task.response?.message && <Section title="Response"><div class="pre">{task.response.message}</div></Section>}
            {task.response?.diff && (
              <Section title="Diff">
                <DiffView taskId={task.id} diff={task.response.diff} comments={comments} commentAt={view.commentAt} />
              </Section>
            )}
            {!task.response?.diff && comments.length > 0 && (
              <Section title="Review comments">
                <ul class="review-list">{comments.map((c) => (
                  <li key={c.id}><span class="mono small">{c.filePath}{c.lineNumber ? `:${c.lineNumber}` : ''}</span>
                    <div class="pre">{c.content}</div></li>
                ))}</ul>
              </Section>
            )}
            <Dependencies task={task} tasks={live.tasks} />
            <TranscriptView transcript={live.transcript?.taskId === taskId ? live.transcript : null} />
            <Timeline task={task} />
            <Messages task={task} />
          </>
        )}
      </article>
    </div>
  );
}

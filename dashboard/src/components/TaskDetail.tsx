import { createdAt } from '../board';
import type { LiveState } from '../state';
import type { Message, Task } from '../types';
import type { ViewState } from '../view';
import { useActions } from './context';
import { ChecksSection } from './Checks';
import { DiffView } from './DiffView';
import { blockedText, capabilitiesOf, cardTitle, dateTime, formValues, heading, label, statusText, submitText, text } from './format';
import { span, stays, statusSince } from '../clock';
import { dependents, planIdOf, planOf } from '../plans';
import { FINISHED } from '../types';
import type { Eligibility } from '../view';
import { DepPicker } from './DepPicker';
import { Markdown } from './Markdown';
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

function TaskLinks({ title, list, testId }: { title: string; list: { id: string; task: Task | undefined }[]; testId: string }) {
  const actions = useActions();
  return (
    <div class="task-links" data-testid={testId}>
      <h4>{title}</h4>
      {list.length === 0 ? <p class="muted small">Nothing</p> : (
        <ul class="deps">
          {list.map(({ id, task }) => (
            <li key={id} data-task-id={id}>
              {task && planIdOf(task) && <span class="plan-id">{planIdOf(task)}</span>}{' '}
              <button class="link mono" onClick={() => actions.open(id)}>{task ? cardTitle(task) : id}</button>{' '}
              <span class={`status-chip status-${task?.status ?? 'unknown'}`}>{task ? statusText(task) : 'not loaded'}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What the task waits for, and what waits for it (its dependents, from the board's cards). */
function Dependencies({ task, tasks }: { task: Task; tasks: Record<string, Task> }) {
  const deps = task.dependencies ?? [];
  const blocks = dependents(tasks, task.id);
  if (deps.length === 0 && blocks.length === 0) return null;
  return (
    <Section title="Dependencies">
      <div class="dep-columns">
        <TaskLinks title="Waits for" testId="waits-for" list={deps.map((id) => ({ id, task: tasks[id] }))} />
        <TaskLinks title="Blocks" testId="blocks" list={blocks.map((t) => ({ id: t.id, task: t }))} />
      </div>
    </Section>
  );
}

function Timeline({ task, now }: { task: Task; now: number }) {
  const history = task.history ?? [];
  if (history.length === 0) return null;
  return (
    <Section title="Timeline">
      <ol class="timeline">
        {stays(history, now || Date.now(), FINISHED.includes(task.status)).map(({ entry: h, ms, current }, i) => (
          <li key={i}>
            <span class="muted small mono">{dateTime(h.timestamp)}</span> <span class={`status-chip status-${h.status}`}>{label(h.status)}</span>
            {' '}<span class="stay muted small" data-testid="stay">{current ? `${span(ms)} so far` : span(ms)}</span>
            {h.agentId && <span class="agent-tag">@{h.agentId}</span>} {h.message && <span>{h.message}</span>}
          </li>
        ))}
      </ol>
    </Section>
  );
}

/** Why a queued task is (not) being picked up, as the hub answered when the detail opened. */
function EligibilityView({ answer }: { answer: Eligibility | null }) {
  if (!answer) return null;
  return (
    <Section title="Why it is waiting">
      <div data-testid="eligibility">
        {answer.pickedUpSoon ? <p>An eligible agent is waiting: it should be picked up now.</p>
          : <ul>{answer.reasons.map((r) => <li key={r}>{r}</li>)}</ul>}
        {answer.agents.length > 0 && (
          <ul class="muted small">{answer.agents.map((a) => (
            <li key={a.agentId}>@{a.agentId}: {a.eligible ? (a.waiting ? 'can take it now' : a.reason ?? 'eligible') : a.reason}</li>
          ))}</ul>
        )}
      </div>
    </Section>
  );
}

/** The open task's title, prompt, priority and dependencies, sent with PATCH. */
function EditForm({ task, tasks, busy }: { task: Task; tasks: Record<string, Task>; busy: boolean }) {
  const actions = useActions();
  const submit = (event: Event) => {
    const { data } = formValues(event);
    void actions.editTask(task.id, {
      title: text(data, 'title') || null, prompt: text(data, 'prompt'), priority: text(data, 'priority') || 'normal',
      dependencies: data.getAll('dependencies').map(String),
    });
  };
  return (
    <form class="edit-form" aria-label="Edit task" onSubmit={submit}>
      <label>Title<input name="title" defaultValue={task.title ?? ''} /></label>
      <label>Prompt<textarea name="prompt" rows={6} required defaultValue={task.prompt ?? ''} /></label>
      <label>Priority
        <select name="priority" defaultValue={task.priority ?? 'normal'}>
          <option value="normal">Normal</option><option value="high">High</option><option value="critical">Critical</option>
        </select>
      </label>
      <DepPicker tasks={tasks} initial={task.dependencies ?? []} exclude={task.id} />
      <div class="buttons end">
        <button type="button" onClick={() => actions.edit(null)}>Discard</button>
        <button type="submit" class="primary" disabled={busy}>Save</button>
      </div>
    </form>
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
              <span class={`status-chip status-${task.status}`} data-testid="detail-status">{statusText(task)}</span>
              {planIdOf(task) && <span class="plan-id">{planIdOf(task)}</span>}
              {planOf(task) && <a class="cap" href={`/admin/plan/${encodeURIComponent(planOf(task) as string)}`}
                onClick={(e) => { e.preventDefault(); actions.openPage({ kind: 'plan', name: planOf(task) as string }); }}>plan: {planOf(task)}</a>}
              <span class={`prio prio-${task.priority ?? 'normal'}`}>{task.priority ?? 'normal'}</span>
              {task.assignedTo && <span class="agent-tag">@{task.assignedTo}</span>}
              {task.status === 'FAILED' && task.failureReason && (
                <span class="failure-reason" data-testid="detail-failure-reason" title="Why it failed">{task.failureReason}</span>
              )}
              {capabilitiesOf(task).map((c) => <span key={c} class="cap">{c}</span>)}
              {task.to?.workspaceId && <span class="cap">workspace: {task.to.workspaceId}</span>}
              <span class="muted small">created {dateTime(createdAt(task))}</span>
              {view.now > 0 && <span class="muted small" data-testid="detail-status-time">
                {span(view.now - statusSince(task))} in this status</span>}
            </div>
            <TaskActions task={task} busy={view.busy || live.connection === 'disconnected'} focusReject={view.focus === 'reject'} />
            {!FINISHED.includes(task.status) && view.editing !== task.id && (
              <div class="buttons"><button onClick={() => actions.edit(task.id)}>Edit</button></div>
            )}
            {view.editing === task.id && <EditForm task={task} tasks={live.tasks} busy={view.busy || live.connection !== 'connected'} />}
            {view.eligibility?.taskId === task.id && <EligibilityView answer={view.eligibility} />}
            <Blocked task={task} />
            <Section title="Prompt"><Markdown source={task.prompt ?? ''} testId="prompt" /></Section>
            <ChecksSection task={task} checks={live.checks?.taskId === taskId ? live.checks.list : null} />
            {task.response?.message && <Section title="Response"><Markdown source={task.response.message} testId="response" /></Section>}
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
            <Timeline task={task} now={view.now} />
            <Messages task={task} />
          </>
        )}
      </article>
    </div>
  );
}

import { useEffect } from 'preact/hooks';
import { checkCount, gateHold, type Check } from '../checks';
import type { Task } from '../types';
import { useActions } from './context';
import { dateTime, submitText } from './format';

function CheckItem({ check }: { check: Check }) {
  return (
    <li class={`check check-${check.passed ? 'passed' : 'failed'}`} data-testid="check">
      <div class="small">
        <span class={`check-state check-${check.passed ? 'passed' : 'failed'}`}>{check.passed ? 'passed' : `failed (exit ${check.exitCode})`}</span>{' '}
        <span class="muted">{check.stage}</span> <code class="mono">{check.command}</code>{' '}
        <span class="muted mono" title={check.commit}>{check.commit.slice(0, 10)}</span>{' '}
        <span class="muted">{dateTime(check.ranAt)} · {Math.round(check.durationMs / 100) / 10}s</span>
      </div>
      {check.truncated && <div class="muted small">…output cut: its last 16,000 characters are kept</div>}
      {check.output && <pre class="pre check-output" data-testid="check-output">{check.output}</pre>}
    </li>
  );
}

function Override({ task }: { task: Task }) {
  const actions = useActions();
  const submit = submitText('reason', (reason) => actions.approveOverride(task.id, reason));
  return (
    <form class="inline-form" onSubmit={submit} data-testid="override-form">
      <textarea name="reason" rows={2} placeholder="Why approve over the failing check…" aria-label="Override reason" required />
      <button type="submit">Approve with override</button>
    </form>
  );
}

/** The review's verification: verify commands, their checks with the output, the gate and its override. */
export function ChecksSection({ task, checks }: { task: Task; checks: Check[] | null }) {
  const actions = useActions();
  const count = checkCount(task);
  useEffect(() => { void actions.loadChecks(task.id); }, [task.id, count]);
  const verify = (task.verify as string[] | undefined) ?? [];
  const override = task.approvalOverride as { reason: string; at: number } | null | undefined;
  if (verify.length === 0 && count === 0 && !override) return null;
  const hold = gateHold(task, checks ?? []);
  return (
    <section class="detail-section" data-testid="checks">
      <h3>{task.verification ? 'Plan verification' : 'Verification'}</h3>
      {verify.length > 0 && <div class="small">Verify: {verify.map((v) => <code key={v} class="mono verify-command">{v}</code>)}</div>}
      {hold && <p class="gate-hold" data-testid="gate-hold">Approval is held by the verification gate: {hold}</p>}
      {hold && <Override task={task} />}
      {override && (
        <p class="gate-override" data-testid="override-reason">Approved over the gate {dateTime(override.at)}: {override.reason}</p>
      )}
      <ol class="checks">{(checks ?? []).map((c) => <CheckItem key={c.id} check={c} />)}</ol>
    </section>
  );
}

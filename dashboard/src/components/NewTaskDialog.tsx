import type { LiveState } from '../state';
import { DepPicker } from './DepPicker';
import type { ViewState } from '../view';
import { useActions } from './context';
import { formValues, text } from './format';

export function NewTaskDialog({ live, options, busy }: { live: LiveState; options: ViewState['options']; busy: boolean }) {
  const actions = useActions();
  const submit = (event: Event) => {
    const { data } = formValues(event);
    const workspaceId = text(data, 'workspaceId');
    const title = text(data, 'title');
    void actions.createTask({
      prompt: text(data, 'prompt'), priority: text(data, 'priority') || 'normal',
      requiredCapabilities: data.getAll('capabilities').map(String), dependencies: data.getAll('dependencies').map(String),
      ...(title ? { title } : {}), ...(workspaceId ? { workspaceId } : {}),
    });
  };
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && void actions.dialog(null)}>
      <form class="modal" onSubmit={submit} aria-label="New task">
        <h2>New task</h2>
        <label>Prompt<textarea name="prompt" rows={6} required autofocus /></label>
        <label>Title (optional)<input name="title" /></label>
        <div class="row">
          <label>Priority
            <select name="priority" defaultValue="normal">
              <option value="normal">Normal</option><option value="high">High</option><option value="critical">Critical</option>
            </select>
          </label>
          <label>Workspace
            <input name="workspaceId" list="workspaces" placeholder="repo id (optional)" />
            <datalist id="workspaces">{(options?.workspaces ?? []).map((w) => <option key={w} value={w} />)}</datalist>
          </label>
        </div>
        <fieldset>
          <legend>Required capabilities</legend>
          {!options && <span class="muted small">Loading…</span>}
          {(options?.capabilities ?? []).map((c) => (
            <label key={c} class="check"><input type="checkbox" name="capabilities" value={c} /> {c}</label>
          ))}
        </fieldset>
        <DepPicker tasks={live.tasks} initial={[]} exclude={null} />
        <div class="buttons end">
          <button type="button" onClick={() => void actions.dialog(null)}>Close</button>
          <button type="submit" class="primary" disabled={busy}>Create task</button>
        </div>
      </form>
    </div>
  );
}

import { useActions } from './context';
import { formValues, text } from './format';

export function KeyScreen({ message }: { message: string }) {
  const actions = useActions();
  const submit = (event: Event) => {
    const { data } = formValues(event);
    const key = text(data, 'key');
    if (key) actions.useKey(key);
  };
  return (
    <div class="key-screen">
      <form class="key-card" onSubmit={submit} aria-label="Open the dashboard">
        <h1>waaah</h1>
        <p class="muted">{message}</p>
        <label>
          API key
          <input name="key" type="password" autocomplete="current-password" required autofocus />
        </label>
        <button type="submit" class="primary">Open dashboard</button>
        <p class="hint muted">The key is kept in this browser only. <code>waaah serve</code> prints a link that includes it.</p>
      </form>
    </div>
  );
}

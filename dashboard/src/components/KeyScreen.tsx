import { useActions } from './context';
import { formValues, text } from './format';

/** The key is asked for here; a refused key stays in the input, under its error, to be corrected. */
export function KeyScreen({ message, tried }: { message: string; tried?: string }) {
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
        {tried ? <p class="key-error" role="alert" data-testid="key-error">{message}</p> : <p class="muted">{message}</p>}
        <label>
          API key
          <input name="key" type="password" autocomplete="current-password" required autofocus defaultValue={tried ?? ''}
            aria-invalid={tried ? 'true' : undefined} />
        </label>
        <button type="submit" class="primary">Open dashboard</button>
        <p class="hint muted">The key is kept in this browser only. <code>waaah serve</code> prints a link that includes it.</p>
      </form>
    </div>
  );
}

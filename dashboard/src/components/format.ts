/** Small text helpers for rendering. */

export function time(ms: number | null | undefined): string {
  if (!ms) return '';
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function dateTime(ms: number | null | undefined): string {
  if (!ms) return '';
  return new Date(ms).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function label(status: string): string {
  return status.replace(/_/g, ' ').toLowerCase();
}

/** Values from a form's fields, for uncontrolled forms read on submit. */
export function formValues(event: Event): { form: HTMLFormElement; data: FormData } {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  return { form, data: new FormData(form) };
}

export function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * A submit handler for a form that sends one text field: `send` gets the trimmed value (never an
 * empty one unless `emptyOk`), and the form is cleared once it went through (`send` resolved to
 * something other than undefined).
 */
export function submitText(name: string, send: (value: string) => Promise<unknown>, emptyOk = false) {
  return async (event: Event): Promise<void> => {
    const { form, data } = formValues(event);
    const value = text(data, name);
    if ((value || emptyOk) && (await send(value)) !== undefined) form.reset();
  };
}

/** `task-1712345678901-ab12cd` → `ab12cd`: enough to tell cards apart; the full id is in the title. */
export function shortId(id: string): string {
  return id.slice(id.lastIndexOf('-') + 1) || id;
}

/** A task's `blockedReason` for people: `dependencies`, `question`, or a sentence from the server. */
export function blockedText(reason: string): string {
  if (reason === 'dependencies') return 'Waiting for its dependencies';
  if (reason === 'question') return 'Waiting for an answer';
  return reason;
}

/** Small text helpers for rendering. */
import type { Task } from '../types';

export { dateTime, time } from '../clock';
export { agentLabel, label, statusText } from '../words';

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

/** The first line of `text`, cut to `limit` characters (code points, as the server counts) with `…`. */
export function excerpt(text: string, limit: number): string {
  const line = text.trim().split('\n', 1)[0];
  const points = Array.from(line.slice(0, 2 * limit)); // 2 UTF-16 units per code point at most
  return points.length <= limit && line.length <= 2 * limit ? line : `${points.slice(0, limit - 1).join('')}…`;
}

/** As long as the server's card titles (`CARD_TITLE_LIMIT` in src/waaah/domain/views.py). */
export const CARD_TITLE_LIMIT = 56;
const HEADING_LIMIT = 160;

/** A card's title: the same whether the task came whole (an event, REST) or as a `sync:full` card. */
export function cardTitle(task: Task): string {
  return excerpt(task.title || task.prompt || task.id, CARD_TITLE_LIMIT);
}

/** The detail's heading: the title, else the prompt's first line, bounded (a prompt can be megabytes). */
export function heading(task: Task | undefined, id: string): string {
  return excerpt(task?.title || task?.prompt || id, HEADING_LIMIT);
}

/** The capabilities a task requires: the full task's `to`, else the card's own field. */
export function capabilitiesOf(task: Task): string[] {
  return task.to?.requiredCapabilities ?? task.requiredCapabilities ?? [];
}

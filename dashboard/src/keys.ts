/** The keyboard: which key does what, and moving the selection. Pure. */

export type KeyCommand = 'search' | 'new-task' | 'next' | 'previous' | 'open' | 'help' | 'close';

export const KEYS: readonly { key: string; command: KeyCommand; text: string }[] = [
  { key: '/', command: 'search', text: 'Search the board' },
  { key: 'n', command: 'new-task', text: 'New task' },
  { key: 'j', command: 'next', text: 'Select the next card' },
  { key: 'k', command: 'previous', text: 'Select the previous card' },
  { key: 'Enter', command: 'open', text: 'Open the selected card' },
  { key: '?', command: 'help', text: 'Show these keys' },
  { key: 'Escape', command: 'close', text: 'Close the detail or dialog' },
];

/** The command for a key press, or null. Typing in a field, or with Ctrl/⌘/Alt held, is never a command
 * (except Escape). */
export function commandFor(key: string, typing: boolean, modified: boolean): KeyCommand | null {
  if (key === 'Escape') return 'close';
  if (typing || modified) return null;
  return KEYS.find((k) => k.key === key)?.command ?? null;
}

/** The card after (delta 1) or before (-1) `current` in the board's order; the first (or last) when none is. */
export function moveSelection(order: readonly string[], current: string | null, delta: 1 | -1): string | null {
  if (order.length === 0) return null;
  const at = current === null ? -1 : order.indexOf(current);
  if (at < 0) return delta === 1 ? order[0] : order[order.length - 1];
  return order[Math.min(order.length - 1, Math.max(0, at + delta))];
}

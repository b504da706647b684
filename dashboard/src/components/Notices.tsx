import type { Notice } from '../view';
import { useActions } from './context';

export function Notices({ notices }: { notices: Notice[] }) {
  const actions = useActions();
  return (
    <div class="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} class={`notice ${n.kind}`} onClick={() => actions.dismiss(n.id)}>{n.text}</div>
      ))}
    </div>
  );
}

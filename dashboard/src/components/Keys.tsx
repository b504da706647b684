import { KEYS } from '../keys';
import { useActions } from './context';

export function KeysDialog() {
  const actions = useActions();
  return (
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && void actions.dialog(null)}>
      <section class="modal keys" role="dialog" aria-label="Keyboard shortcuts">
        <h2>Keys</h2>
        <dl class="key-list">
          {KEYS.map((k) => [<dt key={`${k.key}-k`}><kbd>{k.key}</kbd></dt>, <dd key={`${k.key}-d`}>{k.text}</dd>])}
        </dl>
        <div class="buttons end"><button type="button" onClick={() => void actions.dialog(null)}>Close</button></div>
      </section>
    </div>
  );
}

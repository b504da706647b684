import { COLUMNS, board } from '../board';
import { finishedCount, type LiveState } from '../state';
import type { Filter } from '../view';
import { Card } from './Card';
import { useActions } from './context';

function LoadMore({ live }: { live: LiveState }) {
  const actions = useActions();
  const { offset, total } = live.finished;
  if (total !== null && offset >= total) return <p class="muted small">All {total} finished tasks loaded</p>;
  return (
    <button class="load-more" onClick={() => void actions.loadMoreFinished()}>
      Load more finished{total !== null ? ` (${finishedCount(live)} of ${total})` : ''}
    </button>
  );
}

export function BoardView({ live, filter }: { live: LiveState; filter: Filter }) {
  const columns = board(live.tasks, filter);
  return (
    <section class="board" aria-label="Board">
      {COLUMNS.map((column) => (
        <div class={`column col-${column.key}`} key={column.key} data-column={column.key}>
          <h2>{column.label} <span class="count">{columns[column.key].length}</span></h2>
          <div class="cards">
            {columns[column.key].map((task) => <Card key={task.id} task={task} tasks={live.tasks} />)}
            {live.synced && columns[column.key].length === 0 && <p class="empty muted">Nothing here</p>}
            {column.key === 'done' && live.synced && <LoadMore live={live} />}
          </div>
        </div>
      ))}
    </section>
  );
}

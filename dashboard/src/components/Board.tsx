import { COLUMN_PAGE, COLUMNS, drawn, type Column } from '../board';
import { selectBoard, selectFinished } from '../derive';
import type { LiveState } from '../state';
import type { Task } from '../types';
import type { ViewState } from '../view';
import { BoardCard } from './Card';
import { isStalled } from '../inbox';
import { useActions } from './context';

function LoadMore({ live }: { live: LiveState }) {
  const actions = useActions();
  const { offset, total } = live.finished;
  if (total !== null && offset >= total) return <p class="muted small">All {total} finished tasks loaded</p>;
  return (
    <button class="load-more" onClick={() => void actions.loadMoreFinished()}>
      Load more finished{total !== null ? ` (${selectFinished(live.tasks)} of ${total})` : ''}
    </button>
  );
}

/** The end of a column that draws only its first cards: how many are left, and a page more. */
function ShowMore({ column, cards, shown }: { column: Column['key']; cards: readonly Task[]; shown: number }) {
  const actions = useActions();
  const left = cards.length - shown;
  if (left <= 0) return null;
  return (
    <button class="load-more" data-testid="column-more" onClick={() => actions.showMore(column)}>
      Show {Math.min(left, COLUMN_PAGE)} more ({left} not shown)
    </button>
  );
}

/** How many of a task's dependencies are completed. */
function depsDone(task: Task, tasks: LiveState['tasks']): number {
  let done = 0;
  for (const id of task.dependencies ?? []) if (tasks[id]?.status === 'COMPLETED') done++;
  return done;
}

/** What to do on a board with nothing on it: connect an agent, send a task, or watch the demo. */
export function EmptyBoard() {
  return (
    <section class="empty-board panel" data-testid="empty-board" aria-label="Getting started">
      <h2>No tasks yet</h2>
      <p>Connect a coding agent to this hub, from the repository it should work in:</p>
      <pre class="md-code"><code>waaah connect claude</code></pre>
      <p>or run agents next to a repository with the runner:</p>
      <pre class="md-code"><code>waaah agent run --cli claude</code></pre>
      <p>Then send work with <code>waaah send "…"</code> or the New task button (key <kbd>n</kbd>). To see the board move
        without an agent, start the simulated squad:</p>
      <pre class="md-code"><code>waaah demo</code></pre>
    </section>
  );
}

export function BoardView({ live, view }: { live: LiveState; view: ViewState }) {
  const columns = selectBoard(live.tasks, view.filter);
  const disabled = view.busy || live.connection !== 'connected';
  return (
    <>
      {live.synced && Object.keys(live.tasks).length === 0 && live.finished.total !== 0 && <EmptyBoard />}
      <section class="board" aria-label="Board">
        {COLUMNS.map((column) => {
          const cards = columns[column.key];
          const shown = drawn(cards, view.columnLimits[column.key] ?? COLUMN_PAGE, view.selected);
          return (
            <div class={`column col-${column.key}`} key={column.key} data-column={column.key}>
              <h2>{column.label} <span class="count">{cards.length}</span></h2>
              <div class="cards">
                {shown.map((task) => (
                  <BoardCard key={task.id} task={task} depsDone={depsDone(task, live.tasks)} now={view.now} selected={view.selected === task.id} disabled={disabled}
                    answering={view.answering === task.id} stalled={isStalled(task, view.now, live.heard)} />
                ))}
                <ShowMore column={column.key} cards={cards} shown={shown.length} />
                {live.synced && cards.length === 0 && <p class="empty muted">Nothing here</p>}
                {column.key === 'done' && live.synced && <LoadMore live={live} />}
              </div>
            </div>
          );
        })}
      </section>
    </>
  );
}

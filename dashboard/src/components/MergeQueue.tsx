import { selectMergeQueues } from '../derive';
import type { Task } from '../types';
import { useActions } from './context';

/** The merge queue per workspace, derived live from the cards: approved work waiting to merge or merging. */
export function MergeQueuePanel({ tasks }: { tasks: Record<string, Task> }) {
  const actions = useActions();
  const queues = selectMergeQueues(tasks);
  return (
    <section class="panel merge-queue" aria-label="Merge queue" data-testid="merge-queue">
      <h2>Merge queue</h2>
      {queues.length === 0 ? <p class="muted small">Nothing approved is waiting to merge.</p> : queues.map((q) => (
        <div key={q.workspace ?? ''} class="queue">
          <h3 class="small">{q.workspace ?? 'no workspace'}</h3>
          <ol>
            {q.tasks.map((row) => (
              <li key={row.taskId} data-task-id={row.taskId} data-state={row.state}>
                <button class="link" onClick={() => actions.open(row.taskId)}>{row.title}</button>{' '}
                <span class={`queue-state queue-${row.state}`}>{row.state}</span>
                {row.assignedTo && <span class="agent-tag">@{row.assignedTo}</span>}
              </li>
            ))}
          </ol>
        </div>
      ))}
    </section>
  );
}

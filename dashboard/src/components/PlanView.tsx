import { planGraph, planIdOf } from '../plans';
import { selectPlans } from '../derive';
import type { LiveState } from '../state';
import { excerpt } from './format';
import { useActions } from './context';
import { statusText } from './format';

const W = 190;
const H = 58;
const GAP_X = 70;
const GAP_Y = 18;
const PAD = 12;
/** Room above the first row for the arcs of edges that skip a column. */
const TOP = 44;

const x = (depth: number) => PAD + depth * (W + GAP_X);
const y = (row: number) => TOP + row * (H + GAP_Y);

/** A plan's dependency graph: one node per task (its plan id, title and status), an arrow from each
 * dependency to what waits for it; columns are dependency order. */
export function PlanView({ name, live }: { name: string; live: LiveState }) {
  const actions = useActions();
  const graph = planGraph(live.tasks, name);
  const at = new Map(graph.nodes.map((n) => [n.task.id, n]));
  const width = PAD * 2 + Math.max(1, graph.depths) * (W + GAP_X) - GAP_X;
  const height = TOP + PAD + Math.max(1, graph.rows) * (H + GAP_Y) - GAP_Y;
  return (
    <section class="plan-page panel" aria-label="Plan">
      <div class="page-head">
        <button class="link" onClick={() => actions.openPage({ kind: 'board' })}>← Board</button>
        <h2>Plan {name}</h2>
        <span class="muted small">{graph.nodes.length} tasks</span>
        <select aria-label="Plan" value={name}
          onChange={(e) => actions.openPage({ kind: 'plan', name: (e.currentTarget as HTMLSelectElement).value })}>
          {selectPlans(live.tasks).map((p) => <option key={p} value={p}>{p}</option>)}
        </select>
      </div>
      {graph.nodes.length === 0 ? <p class="muted">{live.synced ? 'No task on the board belongs to this plan.' : 'Connecting…'}</p> : (
        <div class="plan-scroll">
          <svg class="plan-graph" data-testid="plan-graph" width={width} height={height} viewBox={`0 0 ${width} ${height}`}
            role="img" aria-label={`Dependency graph of ${name}`}>
            <defs>
              <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
              </marker>
            </defs>
            {graph.edges.map(({ from, to }) => {
              const a = at.get(from);
              const b = at.get(to);
              if (!a || !b) return null;
              const x1 = x(a.depth) + W;
              const y1 = y(a.row) + H / 2;
              const x2 = x(b.depth);
              const y2 = y(b.row) + H / 2;
              const mid = (x1 + x2) / 2;
              // An edge that skips a column arcs over the nodes between, from the top edges.
              const d = b.depth - a.depth > 1
                ? `M ${x1 - W / 2} ${y(a.row)} C ${x1 - W / 2} ${y(0) - TOP + 4}, ${x2 + W / 2} ${y(0) - TOP + 4}, ${x2 + W / 2} ${y(b.row)}`
                : `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`;
              return <path key={`${from}>${to}`} class="edge" data-from={from} data-to={to} d={d} marker-end="url(#arrow)" />;
            })}
            {graph.nodes.map(({ task, depth, row }) => (
              <g key={task.id} class={`node status-${task.status}`} data-task-id={task.id} data-status={task.status}
                transform={`translate(${x(depth)} ${y(row)})`} tabIndex={0} role="button" aria-label={`${planIdOf(task) ?? ''} ${statusText(task)}`}
                onClick={() => actions.open(task.id)} onKeyDown={(e) => e.key === 'Enter' && actions.open(task.id)}>
                <rect width={W} height={H} rx="8" />
                <text x="10" y="18" class="node-id">{planIdOf(task) ?? ''}</text>
                <text x="10" y="35" class="node-title">{excerpt(task.title || task.id, 26)}</text>
                <text x="10" y="50" class="node-status">{statusText(task)}</text>
              </g>
            ))}
          </svg>
        </div>
      )}
    </section>
  );
}

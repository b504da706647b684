/** Plans on the board: a task's plan id, what it blocks, and the layout of a plan's dependency graph. Pure. */
import type { Task } from './types';

/** `T1`, `V1`…: the card's field, else the full task's `context.planId`. */
export function planIdOf(task: Task): string | null {
  const value = task.planId ?? task.context?.planId;
  return typeof value === 'string' && value ? value : null;
}

/** The plan a task belongs to (the plan file's name), or null. */
export function planOf(task: Task): string | null {
  const value = task.plan ?? task.context?.plan;
  return typeof value === 'string' && value ? value : null;
}

/** The plans on the board, by name. */
export function plans(tasks: Record<string, Task>): string[] {
  const names = new Set<string>();
  for (const task of Object.values(tasks)) {
    const plan = planOf(task);
    if (plan) names.add(plan);
  }
  return [...names].sort();
}

/** The tasks that wait for `id` (its dependents), oldest first. */
export function dependents(tasks: Record<string, Task>, id: string): Task[] {
  return Object.values(tasks).filter((t) => (t.dependencies ?? []).includes(id)).sort((a, b) => a.id.localeCompare(b.id));
}

export interface GraphNode {
  task: Task;
  /** Column: the longest chain of the plan's dependencies before it. */
  depth: number;
  /** Row within its column. */
  row: number;
}

export interface Graph {
  nodes: GraphNode[];
  /** Dependency → dependent, both in the plan. */
  edges: { from: string; to: string }[];
  depths: number;
  rows: number;
}

const planOrder = (a: Task, b: Task) =>
  (planIdOf(a) ?? '').localeCompare(planIdOf(b) ?? '', undefined, { numeric: true }) || a.id.localeCompare(b.id);

/** A plan's tasks laid out in columns by dependency depth (a cycle, which the hub refuses, is cut). */
export function planGraph(tasks: Record<string, Task>, plan: string): Graph {
  const members = Object.values(tasks).filter((t) => planOf(t) === plan).sort(planOrder);
  const ids = new Set(members.map((t) => t.id));
  const depth = new Map<string, number>();
  const visit = (task: Task, path: Set<string>): number => {
    const known = depth.get(task.id);
    if (known !== undefined) return known;
    path.add(task.id);
    let d = 0;
    for (const dep of task.dependencies ?? []) {
      if (ids.has(dep) && !path.has(dep)) d = Math.max(d, visit(tasks[dep], path) + 1);
    }
    path.delete(task.id);
    depth.set(task.id, d);
    return d;
  };
  const rows = new Map<number, number>();
  const nodes = members.map((task) => {
    const d = visit(task, new Set());
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    return { task, depth: d, row };
  });
  const edges = members.flatMap((t) => (t.dependencies ?? []).filter((d) => ids.has(d)).map((d) => ({ from: d, to: t.id })));
  return { nodes, edges, depths: Math.max(0, ...nodes.map((n) => n.depth + 1)), rows: Math.max(0, ...rows.values()) };
}

/** The tasks a dependency picker offers: not `exclude` (the task itself), not cancelled or failed,
 * matching `query` in title, plan id or id; the picked ones first, then the newest. */
export function depCandidates(tasks: Record<string, Task>, query: string, picked: readonly string[], exclude: string | null, limit = 30): Task[] {
  const q = query.trim().toLowerCase();
  const hit = (t: Task) => !q || [t.id, t.title, planIdOf(t)].some((v) => typeof v === 'string' && v.toLowerCase().includes(q));
  return Object.values(tasks)
    .filter((t) => t.id !== exclude && t.status !== 'CANCELLED' && t.status !== 'FAILED' && (picked.includes(t.id) || hit(t)))
    .sort((a, b) => Number(picked.includes(b.id)) - Number(picked.includes(a.id)) || b.id.localeCompare(a.id))
    .slice(0, limit);
}

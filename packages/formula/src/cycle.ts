/**
 * Cycle detection over the dependency graph of computed fields (field id → ids it reads),
 * iterative so that a long chain cannot overflow the stack. Returns the first cycle found
 * as a path that starts and ends on the same field ([a, b, a]), or null.
 */
import { DomainError } from '@tabula/schema-engine';

export function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 1 | 2>(); // 1 = on the current path, 2 = done
  for (const start of graph.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, 1);
    while (path.length > 0) {
      const node = path[path.length - 1]!;
      const deps = graph.get(node) ?? [];
      const i = next[next.length - 1]!;
      if (i >= deps.length) {
        state.set(node, 2);
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = i + 1;
      const dep = deps[i]!;
      const s = state.get(dep);
      if (s === 1) return [...path.slice(path.indexOf(dep)), dep];
      if (s === undefined) {
        state.set(dep, 1);
        path.push(dep);
        next.push(0);
      }
    }
  }
  return null;
}

/**
 * Throws the DomainError CYCLE naming the cycle by field keys (`{path: ["a", "b", "a"]}`)
 * when the graph has one; `keyOf` maps an id to the key shown to the user.
 */
export function assertNoCycle(graph: Map<string, string[]>, keyOf: (id: string) => string): void {
  const cycle = findCycle(graph);
  if (cycle) {
    const path = cycle.map(keyOf);
    throw new DomainError('CYCLE', `formula fields depend on each other in a cycle: ${path.join(' → ')}`, { path });
  }
}

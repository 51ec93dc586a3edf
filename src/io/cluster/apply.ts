import type { Change } from '../../plan/plan.ts';
import type { Cluster } from './cluster.ts';

/**
 * Writes every create/update of a plan, in the plan's order (pipelines, components, templates,
 * data streams, rules), stopping at the first failure so nothing is written on top of a missing
 * dependency. Unchanged objects cost no request.
 */
export async function applyPlan(changes: readonly Change[], cluster: Cluster, onApplied: (c: Change) => void): Promise<number> {
  let writes = 0;
  for (const c of changes) {
    if (c.action === 'unchanged') continue;
    await cluster.writeObject(c.desired);
    writes++;
    onApplied(c);
  }
  return writes;
}

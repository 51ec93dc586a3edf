import type { Change } from '../../plan/plan.ts';
import type { Cluster } from './cluster.ts';

/**
 * Writes every create/update of a plan, in the plan's order (pipelines, components, templates,
 * data streams, rules), stopping at the first failure so nothing is written on top of a missing
 * dependency. Unchanged objects cost no request. A data stream's rollout runs after its templates:
 * a compatible mapping is put in place, a breaking one starts a new write index.
 */
export async function applyPlan(changes: readonly Change[], cluster: Cluster, onApplied: (c: Change, detail?: string) => void): Promise<number> {
  if (changes.some((c) => c.rollout?.mode === 'refused')) throw new Error('applyPlan: the plan has a refused rollout');
  let writes = 0;
  for (const c of changes) {
    if (c.action === 'unchanged') continue;
    if (c.rollout) {
      if (c.rollout.mode === 'in_place') {
        await cluster.putDataStreamMapping(c.rollout.dataStream, c.rollout.mapping);
        onApplied(c, `mapping of ${c.rollout.writeIndex} updated in place`);
      } else {
        const index = await cluster.rollover(c.rollout.dataStream);
        onApplied(c, `rolled over: new write index ${index}, ${c.rollout.writeIndex} keeps its mapping`);
      }
    } else {
      await cluster.writeObject(c.desired);
      onApplied(c);
    }
    writes++;
  }
  return writes;
}

import type { Cluster } from '../io/cluster/cluster.ts';
import { desiredObjects, objectKey } from '../plan/objects.ts';
import { planChanges, type Change } from '../plan/plan.ts';
import type { RenderedEvent } from '../render/output.ts';
import type { ClusterArgs } from './cluster-options.ts';

export interface ClusterPlan {
  readonly events: readonly RenderedEvent[];
  readonly changes: readonly Change[];
  /** Things the plan leaves out, and why (no Kibana given, plugin missing). */
  readonly notes: readonly string[];
}

/**
 * The one "read cluster → plan" path `push` and `diff` share: desired objects for the cluster's
 * engine, each read back, compared by the pure planner.
 */
export async function planForCluster(cluster: Cluster, events: readonly RenderedEvent[], args: Pick<ClusterArgs, 'namespace'>): Promise<ClusterPlan> {
  const flavor = cluster.info.flavor;
  const rules = { kibana: cluster.kibana !== undefined, securityAnalytics: cluster.securityAnalytics };
  const desired = desiredObjects(events, flavor, { namespace: args.namespace, rules });
  const actual = new Map<string, unknown>();
  for (const d of desired) actual.set(objectKey(d), await cluster.readObject(d.kind, d.name));
  const ruleCount = events.reduce((n, e) => n + e.definition.detections.length, 0);
  const notes: string[] = [];
  if (ruleCount > 0 && flavor === 'elasticsearch' && !rules.kibana) notes.push(`${ruleCount} Elastic Security rule(s) not included: pass --kibana URL to push them to Kibana`);
  if (ruleCount > 0 && flavor === 'opensearch' && !rules.securityAnalytics) notes.push(`${ruleCount} Security Analytics rule(s) not included: the opensearch-security-analytics plugin is not installed on this cluster`);
  return { events, changes: planChanges(desired, actual), notes };
}

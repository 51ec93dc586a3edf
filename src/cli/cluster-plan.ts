import type { Cluster } from '../io/cluster/cluster.ts';
import { desiredObjects, objectKey } from '../plan/objects.ts';
import { classifyMappings } from '../plan/classify.ts';
import { planChanges, planRollout, withOwners, withRollout, type Change } from '../plan/plan.ts';
import { objectNames, ownersOf } from '../generate/naming.ts';
import type { ComponentTemplateBody } from '../generate/templates.ts';
import type { RenderedBundle } from '../render/bundle.ts';
import type { ClusterArgs } from './cluster-options.ts';

export interface ClusterPlan {
  readonly bundles: readonly RenderedBundle[];
  readonly changes: readonly Change[];
  /** Things the plan leaves out, and why (no Kibana given, plugin missing). */
  readonly notes: readonly string[];
}

/**
 * The one "read cluster → plan" path `push` and `diff` share: desired objects for the cluster's
 * engine, each read back, compared by the pure planner.
 */
export async function planForCluster(cluster: Cluster, bundles: readonly RenderedBundle[], args: Pick<ClusterArgs, 'namespace'> & { allowBreaking?: boolean }): Promise<ClusterPlan> {
  const flavor = cluster.info.flavor;
  const rules = { kibana: cluster.kibana !== undefined, securityAnalytics: cluster.securityAnalytics };
  const desired = desiredObjects(bundles, flavor, { namespace: args.namespace, rules });
  const actual = new Map<string, unknown>();
  for (const d of desired) actual.set(objectKey(d), await cluster.readObject(d.kind, d.name));
  const ruleCount = bundles.reduce((n, b) => n + b.bundle.events.reduce((m, e) => m + e.detections.length, 0), 0);
  const notes: string[] = [];
  if (ruleCount > 0 && flavor === 'elasticsearch' && !rules.kibana) notes.push(`${ruleCount} Elastic Security rule(s) not included: pass --kibana URL to push them to Kibana`);
  if (ruleCount > 0 && flavor === 'opensearch' && !rules.securityAnalytics) notes.push(`${ruleCount} Security Analytics rule(s) not included: the opensearch-security-analytics plugin is not installed on this cluster`);
  const given = new Set(bundles.flatMap((b) => b.bundle.events.map((e) => e.name)));
  const changes = withOwners(planChanges(desired, actual), given, ownersOf);
  // An existing data stream is compared with its write index: that is what new events land in.
  const withRollouts: Change[] = [];
  for (const c of changes) {
    if (c.kind !== 'data_stream' || c.action !== 'unchanged') {
      withRollouts.push(c);
      continue;
    }
    const b = bundles.find((x) => x.bundle.dataset === c.desired.dataset)!;
    const mappings = b.artifacts.find((a) => a.kind === 'component_template' && a.target === flavor && a.name === objectNames(b.bundle).mappings);
    const desiredMapping = (mappings?.body as ComponentTemplateBody | undefined)?.template?.mappings;
    const write = await cluster.writeIndexMapping(c.name);
    if (!write || !desiredMapping) {
      withRollouts.push(c);
      continue;
    }
    const diff = classifyMappings(write.mappings.properties, desiredMapping.properties, { event: b.bundle.dataset, target: flavor, againstIndex: true });
    const rollout = planRollout(c.name, write.index, diff, { properties: desiredMapping.properties, dynamic_templates: desiredMapping.dynamic_templates }, args.allowBreaking ?? false);
    withRollouts.push(rollout ? withRollout(c, rollout) : c);
  }
  return { bundles, changes: withRollouts, notes };
}

import type { Engine } from '../terms.ts';
import type { Artifact } from '../generate/index.ts';
import { notEvforgesBecause, objectNames, ownersOf } from '../generate/naming.ts';
import type { RenderedDataset } from '../render/dataset.ts';
import { classifyMappings } from './classify.ts';
import { desiredObjects } from './objects.ts';
import { type DesiredObject } from '../terms.ts';
import { planChanges, planRollout, withOwners, withRollout, type Change } from './plan.ts';

/** What a cluster is, as far as the plan cares: its engine, and which rule services it reaches. */
export interface ClusterTraits {
  readonly engine: Engine;
  /** A Kibana was given: Elastic Security rules can be pushed. */
  readonly kibana: boolean;
  /** The opensearch-security-analytics plugin is installed. */
  readonly securityAnalytics: boolean;
}

/** The write index of an existing data stream (its newest backing index) and that index's mapping. */
export interface WriteIndex {
  readonly index: string;
  readonly mappings: { readonly properties?: unknown };
  /** The index template the data stream was created from, as the cluster reports it. */
  readonly template?: string;
}

/** What the cluster holds of the desired objects: read at the edge (src/io/cluster-state.ts), planned here. */
export interface ClusterState {
  /** Each desired object as the cluster returned it, by `objectKey`; undefined when absent. */
  readonly objects: ReadonlyMap<string, unknown>;
  /** The write index of each desired data stream that exists, by data stream name. */
  readonly writeIndexes: ReadonlyMap<string, WriteIndex>;
}

export interface ClusterPlan {
  readonly changes: readonly Change[];
  /** Things the plan leaves out, and why (no Kibana given, plugin missing). */
  readonly notes: readonly string[];
}

export interface ClusterPlanOptions {
  /** Data stream namespace: `logs-<dataset>-<namespace>`. */
  readonly namespace: string;
  /** Roll a data stream over for a breaking mapping change instead of refusing it. */
  readonly allowBreaking?: boolean;
}

/** The objects these datasets put on a cluster of these traits, in the order they are applied. */
export function clusterObjects(datasets: readonly RenderedDataset[], traits: ClusterTraits, namespace: string): DesiredObject[] {
  return desiredObjects(datasets, traits.engine, { namespace, rules: { kibana: traits.kibana, securityAnalytics: traits.securityAnalytics } });
}

/**
 * The one "read cluster → plan" path `push`, `diff` and `test` share, minus the reading: the
 * desired objects against what the cluster holds, each change with its owners, and an existing
 * data stream compared through its write index (that is what new events land in). Pure.
 */
export function planAgainst(datasets: readonly RenderedDataset[], desired: readonly DesiredObject[], state: ClusterState, traits: ClusterTraits, options: ClusterPlanOptions): ClusterPlan {
  const ruleCount = datasets.reduce((n, b) => n + b.dataset.events.reduce((m, e) => m + e.detections.length, 0), 0);
  const notes: string[] = [];
  if (ruleCount > 0 && traits.engine === 'elasticsearch' && !traits.kibana) notes.push(`${ruleCount} Elastic Security rule(s) not included: pass --kibana URL to push them to Kibana`);
  if (ruleCount > 0 && traits.engine === 'opensearch' && !traits.securityAnalytics) notes.push(`${ruleCount} Security Analytics rule(s) not included: the opensearch-security-analytics plugin is not installed on this cluster`);
  const given = new Set(datasets.flatMap((b) => b.dataset.events.map((e) => e.name)));
  const changes = withOwners(planChanges(desired, state.objects), given, { ownersOf, notEvforgesBecause })
    .map((c) => withWriteIndex(c, datasets, state, traits.engine, options.allowBreaking ?? false))
    .map((c, _i, all) => withDataStreamOwner(c, state, all));
  return { changes, notes };
}

/**
 * A data stream is evforge's when it was created from evforge's index template of its name and
 * that template is evforge's on the cluster (or is being created by this push). One created from
 * another template (Fleet's, the built-in `logs`), or whose template is not evforge's, is marked
 * like any object evforge did not make.
 */
function withDataStreamOwner(c: Change, state: ClusterState, all: readonly Change[]): Change {
  if (c.kind !== 'data_stream' || c.action === 'create') return c;
  const write = state.writeIndexes.get(c.name);
  const template = all.find((t) => t.kind === 'index_template' && t.desired.dataset === c.desired.dataset);
  const after = [...c.desired.events].sort();
  const mark = (why: string): Change => ({ ...c, owners: { before: [], after, foreign: [], notEvforges: why } });
  if (write?.template !== undefined && template && write.template !== template.name) return mark(`it was made from index template ${write.template}, not from evforge's ${template.name}`);
  if (template?.owners?.notEvforges) return mark(`its index template ${template.name} is not evforge's`);
  return c;
}

/** An existing data stream's change, with the rollout its write index needs to take the desired mapping. */
function withWriteIndex(c: Change, datasets: readonly RenderedDataset[], state: ClusterState, engine: Engine, allowBreaking: boolean): Change {
  if (c.kind !== 'data_stream' || c.action !== 'unchanged') return c;
  const b = datasets.find((x) => x.dataset.name === c.desired.dataset);
  const write = state.writeIndexes.get(c.name);
  if (!b || !write) return c;
  const name = objectNames(b.dataset.name).mappings;
  const component = b.artifacts.find((a): a is Artifact<'component_template'> => a.kind === 'component_template' && a.engine === engine && a.name === name);
  const desiredMapping = component?.body.template?.mappings;
  if (!desiredMapping) return c;
  const diff = classifyMappings(write.mappings.properties, desiredMapping.properties, { event: b.dataset.name, engine, againstIndex: true });
  const rollout = planRollout(c.name, write.index, diff, { properties: desiredMapping.properties, dynamic_templates: desiredMapping.dynamic_templates }, allowBreaking);
  return rollout ? withRollout(c, rollout) : c;
}

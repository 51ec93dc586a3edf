import { applyPlan } from '../io/cluster/apply.ts';
import type { Cluster, ClusterInfo } from '../io/cluster/cluster.ts';
import { clusterTraits, readClusterState } from '../io/cluster-state.ts';
import { clusterObjects, planAgainst, type ClusterPlan } from '../plan/cluster-plan.ts';
import { countChanges, type Change } from '../plan/plan.ts';
import { PushStoppedError } from './push-stopped.ts';
import type { RenderedBundle } from '../render/bundle.ts';
import { withCluster, type ClusterOperationOptions } from './connection.ts';
import { renderDefinitions } from './definitions.ts';

/** What `push` would change on a cluster. */
export interface DiffResult extends ClusterPlan {
  readonly cluster: ClusterInfo;
  /** Nothing to create or update. */
  readonly inSync: boolean;
}

export type DiffOptions = ClusterOperationOptions;

/** The plan against what the cluster holds: each object's action, a readable diff for updates, the rollout of an existing data stream. Writes nothing. */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  const bundles = await renderDefinitions(options.definitions ?? [], options.cwd);
  return withCluster(options, (cluster, namespace) => planFor(cluster, bundles, namespace, false));
}

async function planFor(cluster: Cluster, bundles: readonly RenderedBundle[], namespace: string, allowBreaking: boolean): Promise<DiffResult> {
  const traits = clusterTraits(cluster);
  const desired = clusterObjects(bundles, traits, namespace);
  const plan = planAgainst(bundles, desired, await readClusterState(cluster, desired), traits, { namespace, allowBreaking });
  const n = countChanges(plan.changes);
  return { ...plan, cluster: cluster.info, inSync: n.create + n.update === 0 };
}

export interface PushOptions extends ClusterOperationOptions {
  /** Roll a data stream over for a breaking mapping change (old indices keep theirs) instead of refusing. */
  readonly allowBreaking?: boolean;
  /** Replace objects that definitions not given produced: they become these definitions' own. */
  readonly takeOver?: boolean;
  /** Plan only; write nothing. */
  readonly dryRun?: boolean;
  /** Called with the plan before anything is written. */
  readonly onPlan?: (plan: DiffResult) => void;
  /** Called after each write, in order. */
  readonly onApplied?: (change: Change, detail: string | undefined) => void;
}

/**
 * How a push ended: the cluster was in sync already, the plan was applied, only planned (dry
 * run), or refused with nothing written — objects of definitions not given (`takeOver` replaces
 * them), or a breaking mapping change (`allowBreaking` rolls over).
 */
export type PushOutcome =
  | { readonly status: 'in_sync' | 'dry_run' }
  | { readonly status: 'applied'; readonly writes: number }
  | { readonly status: 'refused_foreign'; readonly refused: readonly Change[]; readonly owners: readonly string[] }
  | { readonly status: 'refused_breaking'; readonly refused: readonly Change[] };

export type PushResult = DiffResult & PushOutcome;

export { PushStoppedError };

/**
 * Reads the cluster, plans, and applies the plan in dependency order (pipelines, components,
 * templates, data streams, rules). Re-running writes nothing. A failed write throws
 * `PushStoppedError` naming what was written; its `cause` is the cluster's error.
 */
export async function push(options: PushOptions): Promise<PushResult> {
  const bundles = await renderDefinitions(options.definitions ?? [], options.cwd);
  return withCluster(options, async (cluster, namespace): Promise<PushResult> => {
    const plan = await planFor(cluster, bundles, namespace, options.allowBreaking ?? false);
    options.onPlan?.(plan);
    if (plan.inSync) return { ...plan, status: 'in_sync' };
    const taken = plan.changes.filter((c) => c.owners && c.owners.foreign.length > 0);
    if (taken.length > 0 && !options.takeOver) {
      return { ...plan, status: 'refused_foreign', refused: taken, owners: [...new Set(taken.flatMap((c) => c.owners?.foreign ?? []))].sort() };
    }
    const refused = plan.changes.filter((c) => c.rollout?.mode === 'refused');
    if (refused.length > 0) return { ...plan, status: 'refused_breaking', refused };
    if (options.dryRun) return { ...plan, status: 'dry_run' };
    const written: Change[] = [];
    try {
      const writes = await applyPlan(plan.changes, cluster, (c, detail) => {
        written.push(c);
        options.onApplied?.(c, detail);
      });
      return { ...plan, status: 'applied', writes };
    } catch (err) {
      throw new PushStoppedError(written, plan.changes.filter((c) => c.action !== 'unchanged' && !written.includes(c)), { cause: err });
    }
  });
}

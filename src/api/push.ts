import { checkLimits, measureDataStream, type DataStreamMeasure, type EngineLimits, type LimitProblem } from '../generate/limits.ts';
import { applyPlan } from './apply.ts';
import type { Cluster, ClusterInfo } from '../io/cluster/cluster.ts';
import { clusterTraits, readClusterState, readLimitContext } from './cluster-state.ts';
import { clusterObjects, planAgainst, type ClusterPlan } from '../plan/cluster-plan.ts';
import { countChanges, type Change } from '../plan/plan.ts';
import { PushLostError, PushStoppedError } from './push-errors.ts';
import type { RenderedDataset } from '../render/dataset.ts';
import { withCluster, type ClusterOperationOptions } from './connection.ts';
import { renderDefinitions } from './definitions.ts';

/** What `push` would change on a cluster. */
export interface DiffResult extends ClusterPlan {
  readonly cluster: ClusterInfo;
  /** Nothing to create or update. */
  readonly inSync: boolean;
  /** Each data stream's objects measured against this cluster's limits (generate/limits.ts), per engine of the cluster. */
  readonly limits: {
    readonly measures: readonly DataStreamMeasure[];
    readonly engine: EngineLimits;
    readonly problems: readonly LimitProblem[];
    readonly note?: string;
  };
}

export type DiffOptions = ClusterOperationOptions;

/** The plan against what the cluster holds: each object's action, a readable diff for updates, the rollout of an existing data stream. Writes nothing. */
export async function diff(options: DiffOptions): Promise<DiffResult> {
  const datasets = await renderDefinitions(options.definitions ?? [], options.cwd);
  return withCluster(options, (cluster, namespace) => planFor(cluster, datasets, namespace, false));
}

async function planFor(cluster: Cluster, datasets: readonly RenderedDataset[], namespace: string, allowBreaking: boolean): Promise<DiffResult> {
  const traits = clusterTraits(cluster);
  const desired = clusterObjects(datasets, traits, namespace);
  const plan = planAgainst(datasets, desired, await readClusterState(cluster, desired), traits, { namespace, allowBreaking });
  const n = countChanges(plan.changes);
  const context = await readLimitContext(cluster, desired);
  const measures = datasets.map((b) => measureDataStream(b.dataset.name, traits.engine, desired.filter((d) => d.dataset === b.dataset.name), context.others));
  const limits = { measures, engine: context.limits, problems: measures.flatMap((m) => checkLimits(m, context.limits)), ...(context.note ? { note: context.note } : {}) };
  return { ...plan, cluster: cluster.info, inSync: n.create + n.update === 0, limits };
}

export interface PushOptions extends ClusterOperationOptions {
  /** Roll a data stream over for a breaking mapping change (old indices keep theirs) instead of refusing. */
  readonly allowBreaking?: boolean;
  /** Replace objects that definitions not given produced: they become these definitions' own. */
  readonly takeOver?: boolean;
  /** Plan only; write nothing. */
  readonly dryRun?: boolean;
  /** Called with the plan before anything is written, unless the push is refused (the result carries the plan then). */
  readonly onPlan?: (plan: DiffResult) => void;
  /** Called after each write, in order. */
  readonly onApplied?: (change: Change, detail: string | undefined) => void;
}

/**
 * How a push ended: the cluster was in sync already, the plan was applied, only planned (dry
 * run), refused with nothing written — objects of definitions not given or that evforge did not
 * make (`takeOver` replaces them), an engine limit the objects would go over, or a breaking
 * mapping change (`allowBreaking` rolls over) — or lost to a concurrent writer (another push of
 * the data stream), naming who holds the object now.
 */
export type PushOutcome =
  | { readonly status: 'in_sync' | 'dry_run' }
  | { readonly status: 'applied'; readonly writes: number }
  | {
      readonly status: 'refused_foreign';
      readonly refused: readonly Change[];
      /** Owner definitions of the refused objects that were not given. */
      readonly owners: readonly string[];
      /** The refused objects evforge did not make (`owners.notEvforges` says why). */
      readonly notEvforges: readonly Change[];
    }
  | { readonly status: 'refused_limits'; readonly problems: readonly LimitProblem[] }
  | { readonly status: 'refused_breaking'; readonly refused: readonly Change[] }
  | { readonly status: 'lost'; readonly object: Change; readonly winners: readonly string[] | undefined; readonly why: string; readonly written: readonly Change[] };

export type PushResult = DiffResult & PushOutcome;

/**
 * Why a plan must not be applied, if it must not: objects of definitions not given, or that
 * evforge did not make (unless `takeOver`); an engine limit; a breaking change not allowed. A plan
 * with nothing to write is never refused (the cluster already holds it).
 */
function refusalOf(plan: DiffResult, takeOver: boolean): PushOutcome | undefined {
  if (plan.inSync) return undefined;
  const taken = plan.changes.filter((c) => c.owners && (c.owners.foreign.length > 0 || c.owners.notEvforges !== undefined));
  if (taken.length > 0 && !takeOver) {
    return { status: 'refused_foreign', refused: taken, owners: [...new Set(taken.flatMap((c) => c.owners?.foreign ?? []))].sort(), notEvforges: taken.filter((c) => c.owners?.notEvforges !== undefined) };
  }
  if (plan.limits.problems.length > 0) return { status: 'refused_limits', problems: plan.limits.problems };
  const refused = plan.changes.filter((c) => c.rollout?.mode === 'refused');
  if (refused.length > 0) return { status: 'refused_breaking', refused };
  return undefined;
}

export { PushStoppedError };

/**
 * Reads the cluster, plans, and applies the plan in dependency order (pipelines, components,
 * templates, data streams, rules). Re-running writes nothing. A failed write throws
 * `PushStoppedError` naming what was written; its `cause` is the cluster's error.
 */
export async function push(options: PushOptions): Promise<PushResult> {
  const datasets = await renderDefinitions(options.definitions ?? [], options.cwd);
  return withCluster(options, async (cluster, namespace): Promise<PushResult> => {
    const plan = await planFor(cluster, datasets, namespace, options.allowBreaking ?? false);
    // Every refusal is decided before onPlan and before any write: a refused push writes nothing.
    const refusal = refusalOf(plan, options.takeOver ?? false);
    if (refusal) return { ...plan, ...refusal };
    options.onPlan?.(plan);
    if (plan.inSync) return { ...plan, status: 'in_sync' };
    if (options.dryRun) return { ...plan, status: 'dry_run' };
    const written: Change[] = [];
    try {
      const writes = await applyPlan(plan.changes, cluster, (c, detail) => {
        written.push(c);
        options.onApplied?.(c, detail);
      });
      return { ...plan, status: 'applied', writes };
    } catch (err) {
      if (err instanceof PushLostError) return { ...plan, status: 'lost', object: err.change, winners: err.winners, why: err.why, written };
      throw new PushStoppedError(written, plan.changes.filter((c) => c.action !== 'unchanged' && !written.includes(c)), { cause: err });
    }
  });
}

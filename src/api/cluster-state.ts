import type { ClusterState, ClusterTraits, WriteIndex } from '../plan/cluster-plan.ts';
import { objectKey, type DesiredObject } from '../terms.ts';
import { ENGINE_DEFAULTS, SETTING, type EngineLimits } from '../generate/limits.ts';
import { isRecord } from '../guards.ts';
import type { Cluster } from '../io/cluster/cluster.ts';
import { ClusterError } from '../io/cluster/errors.ts';

/** The traits of a connected cluster that decide which objects it should hold. */
export function clusterTraits(cluster: Cluster): ClusterTraits {
  return { engine: cluster.info.engine, kibana: cluster.kibana !== undefined, securityAnalytics: cluster.securityAnalytics };
}

/**
 * Reads what the cluster holds of the desired objects, one by one in their order, and the write
 * index of each data stream that exists; the pure planner (src/plan/cluster-plan.ts) does the rest.
 */
export async function readClusterState(cluster: Cluster, desired: readonly DesiredObject[]): Promise<ClusterState> {
  const objects = new Map<string, unknown>();
  for (const d of desired) objects.set(objectKey(d), await cluster.readObject(d.kind, d.name));
  const writeIndexes = new Map<string, WriteIndex>();
  for (const d of desired) {
    if (d.kind !== 'data_stream' || objects.get(objectKey(d)) === undefined) continue;
    const write = await cluster.writeIndexMapping(d.name);
    if (write) writeIndexes.set(d.name, write);
  }
  return { objects, writeIndexes };
}

/** What the engine limits of a push are read from: the cluster's settings, and components its templates compose that evforge does not write. */
export interface LimitContext {
  readonly limits: EngineLimits;
  /** Components named in a desired index template's `composed_of` that are not desired objects (Elasticsearch's `@custom`), as the cluster holds them. */
  readonly others: ReadonlyMap<string, unknown>;
  /** Why the defaults stand in for the cluster's settings, when they do. */
  readonly note?: string;
}

/**
 * Reads the limits a push's objects meet on this cluster: `script.max_size_in_bytes` from
 * `GET _cluster/settings?include_defaults=true` (transient over persistent over defaults), and the
 * components a desired template composes besides evforge's (their settings and mappings count).
 * A user without the privilege to read cluster settings gets the engine defaults, with a note.
 */
export async function readLimitContext(cluster: Cluster, desired: readonly DesiredObject[]): Promise<LimitContext> {
  let limits: EngineLimits = { ...ENGINE_DEFAULTS, from: 'engine default' };
  let note: string | undefined;
  try {
    const settings = await cluster.clusterSettings();
    const raw = settings[SETTING.script];
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
    if (value !== undefined) limits = { ...limits, scriptMaxSizeInBytes: value, from: "the cluster's settings" };
  } catch (err) {
    if (!(err instanceof ClusterError) || (err.details.status !== 401 && err.details.status !== 403)) throw err;
    note = `the cluster settings could not be read (HTTP ${err.details.status}): scripts are checked against the engine default of script.max_size_in_bytes`;
  }
  const names = new Set(desired.map((d) => d.name));
  const others = new Map<string, unknown>();
  for (const d of desired) {
    if (d.kind !== 'index_template' || !isRecord(d.body) || !Array.isArray(d.body['composed_of'])) continue;
    for (const n of d.body['composed_of']) {
      if (typeof n !== 'string' || names.has(n) || others.has(n)) continue;
      others.set(n, await cluster.readObject('component_template', n));
    }
  }
  return { limits, others, ...(note ? { note } : {}) };
}

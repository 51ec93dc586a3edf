import type { ClusterState, ClusterTraits, WriteIndex } from '../plan/cluster-plan.ts';
import { objectKey, type DesiredObject } from '../plan/objects.ts';
import type { Cluster } from './cluster/cluster.ts';

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

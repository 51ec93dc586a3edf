import type { ConnectionOptions } from '../io/cluster/client.ts';
import type { Cluster } from '../io/cluster/cluster.ts';
import { checkIndexName } from '../plan/names.ts';
import type { DefinitionInput } from './definitions.ts';

/** How to reach a cluster, and Kibana for Elastic Security rules. */
export interface ClusterConnection extends ConnectionOptions {
  readonly kibana?: string;
}

/**
 * The cluster an operation runs against: one you connected (`connect()`; left open), connection
 * options (connected and closed by the operation), or a function that connects (called once the
 * definitions are loaded, so their errors come first; the cluster it returns is closed).
 */
export type ClusterTarget = Cluster | ClusterConnection | (() => Promise<Cluster>);

/** What every cluster operation takes. */
export interface ClusterOperationOptions {
  readonly cluster: ClusterTarget;
  /** Definition files or values; default those `evforge.config.ts` of `cwd` names, else every `examples/*.ts`. */
  readonly definitions?: readonly DefinitionInput[];
  /** The folder relative paths are read from; default the process's. */
  readonly cwd?: string;
  /** Data stream namespace, `logs-<dataset>-<namespace>`; default `default`. */
  readonly namespace?: string;
  /** Called once connected, before the cluster is read. */
  readonly onConnected?: (cluster: Cluster) => void;
}

/**
 * Connects with the engine's official client (it asks `GET /` which engine it is). The clients
 * are loaded here, on first use: a definition file importing evforge never pays for them.
 */
export async function connect(options: ClusterConnection): Promise<Cluster> {
  const { Cluster } = await import('../io/cluster/cluster.ts');
  return Cluster.connect(options);
}

/**
 * Runs `work` on the target's cluster with the checked namespace (checked once connected, before the
 * first read: a bad one must not leave a pipeline behind), closing the cluster afterwards unless the
 * caller owns it.
 */
export async function withCluster<T>(options: ClusterOperationOptions, work: (cluster: Cluster, namespace: string) => Promise<T>): Promise<T> {
  const target = options.cluster;
  // Connection options name a node; a connected Cluster does not.
  if (typeof target !== 'function' && !('node' in target)) return start(target, options, work);
  const cluster = typeof target === 'function' ? await target() : await connect(target);
  try {
    return await start(cluster, options, work);
  } finally {
    await cluster.close();
  }
}

function start<T>(cluster: Cluster, options: ClusterOperationOptions, work: (cluster: Cluster, namespace: string) => Promise<T>): Promise<T> {
  const namespace = checkIndexName('namespace', options.namespace ?? 'default', 'namespace');
  options.onConnected?.(cluster);
  return work(cluster, namespace);
}

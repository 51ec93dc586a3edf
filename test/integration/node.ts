import { startCluster, clusterFromEnv, type Cluster } from '../cluster/cluster.ts';

/**
 * The suite's one real OpenSearch node, started on first use and stopped by the root hook after
 * all tests: OpenSearch $EVFORGE_OPENSEARCH_VERSION (2.19.1 or 3.8.0; default 2.19.1, see
 * startCluster). Set EVFORGE_TEST_NODE to reuse a node you started yourself (`npm run cluster -- start`).
 * If Java or Maven is missing, startCluster throws an error that says what to install: the tests
 * fail, they never skip.
 */
let started: Promise<Cluster> | undefined;

export function sharedNode(): Promise<string> {
  const reuse = clusterFromEnv();
  if (reuse) return Promise.resolve(reuse);
  started ??= startCluster({ nodes: 1 });
  return started.then((c) => c.url);
}

export async function stopSharedNode(): Promise<void> {
  if (!started) return;
  const c = await started.catch(() => undefined);
  started = undefined;
  await c?.stop();
}

/** Deletes everything evforge creates for the example, so a test starts from an empty cluster. */
export async function resetCluster(url: string): Promise<void> {
  const del = (path: string) => fetch(`${url}${path}`, { method: 'DELETE' }).then((r) => r.arrayBuffer());
  await del('/_data_stream/logs-windows.ntlm-*');
  await del('/_index_template/logs-windows.ntlm');
  await del('/_component_template/logs-windows.ntlm@settings');
  await del('/_component_template/logs-windows.ntlm@mappings');
  await del('/_ingest/pipeline/logs-windows.ntlm');
}

/** Mocha root hooks (registered in .mocharc.json). */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await stopSharedNode();
  },
};

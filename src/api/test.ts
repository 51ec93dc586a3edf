import { randomBytes } from 'node:crypto';
import type { ClusterInfo } from '../io/cluster/cluster.ts';
import { clusterTraits, readClusterState } from './cluster-state.ts';
import { readExamples, writeExpected } from './examples.ts';
import { clusterObjects, planAgainst } from '../plan/cluster-plan.ts';
import { pushedCheck, testDataset, type TestResult } from '../verify/tests.ts';
import { withCluster, type ClusterOperationOptions } from './connection.ts';
import { renderDefinitions } from './definitions.ts';

export interface TestOptions extends ClusterOperationOptions {
  /** Write each `*-expected.json` from the current output instead of comparing (review before committing). */
  readonly updateExpected?: boolean;
}

export interface TestReport {
  readonly cluster: ClusterInfo;
  /** Every case, grouped by pipeline, rule or data stream, in order. */
  readonly results: readonly TestResult[];
  readonly passed: number;
  readonly failed: number;
}

/**
 * Runs each definition's example events through the pushed pipeline (against their goldens and
 * the mapping) and each rule's positives and negatives through a throw-away data stream (against
 * its compiled queries). A data stream whose pipeline or templates differ from the generated ones
 * is one failing case: push first.
 */
export async function test(options: TestOptions): Promise<TestReport> {
  const cwd = options.cwd ?? process.cwd();
  const record = options.updateExpected ?? false;
  const datasets = await renderDefinitions(options.definitions ?? [], cwd);
  return withCluster(options, async (cluster, namespace) => {
    // Rules are tested through their queries, not as pushed rules; the data stream is a throw-away one.
    const traits = { ...clusterTraits(cluster), kibana: false, securityAnalytics: false };
    const results: TestResult[] = [];
    for (const b of datasets) {
      const desired = clusterObjects([b], traits, namespace).filter((d) => d.kind !== 'data_stream');
      const stale = pushedCheck(b, planAgainst([b], desired, await readClusterState(cluster, desired), traits, { namespace }).changes);
      if (stale) {
        results.push(stale);
        continue;
      }
      const examples = [];
      for (const def of b.dataset.events) examples.push(await readExamples(b, def, cwd, { record }));
      const outcome = await testDataset(cluster, b, examples, { record, scratchNamespace: () => `evforgetest${randomBytes(4).toString('hex')}` });
      await writeExpected(outcome.recorded, cwd);
      results.push(...outcome.results);
    }
    const failed = results.filter((r) => !r.ok).length;
    return { cluster: cluster.info, results, passed: results.length - failed, failed };
  });
}

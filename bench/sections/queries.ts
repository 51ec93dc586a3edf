/** `npm run bench -- queries`: one section of bench/run.ts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bulkBodies, call, median, percentile, round, sendBulk } from '../lib.ts';
import { benchDocuments, putBenchTemplates } from './throughput.ts';
import { ROOT, COUNT, QUERY_COUNT, QUERY_STREAM, log, rows, notes, freshStream } from '../context.ts';

/* ──────────────────────────── detection queries ──────────────────────────── */

export async function queries(node: string): Promise<void> {
  const ds = QUERY_STREAM;
  await call(node, 'POST', `/${ds}/_refresh`).catch(() => undefined);
  const existing = await call<{ count: number }>(node, 'GET', `/${ds}/_count`).catch(() => ({ count: 0 }));
  if (existing.count !== QUERY_COUNT) {
    // The pipeline's output for the 200 000 events, repeated with each copy a month later (a query
    // sorts by @timestamp), bulk-indexed without a pipeline: what the pipeline would have written,
    // at indexing speed (going through the pipeline again cost this 2-vCPU machine 3.5 minutes).
    await putBenchTemplates(node);
    await freshStream(node, ds);
    const { normalized } = await benchDocuments(node);
    for (let copy = 0; copy * COUNT < QUERY_COUNT; copy++) {
      const n = Math.min(COUNT, QUERY_COUNT - copy * COUNT);
      const month = `"@timestamp":"2026-${String(3 + copy).padStart(2, '0')}-`;
      const lines = normalized.slice(0, n).map((l) => {
        if (!l.startsWith('{"@timestamp":"2026-03-')) throw new Error(`unexpected document: ${l.slice(0, 80)}`);
        return `{${month}${l.slice('{"@timestamp":"2026-03-'.length)}`;
      });
      const r = await sendBulk(node, ds, bulkBodies(lines));
      if (r.failed) throw new Error(`${r.failed} documents of the query corpus failed`);
      log(`indexed query corpus ${copy * COUNT + n}/${QUERY_COUNT}`);
    }
    await call(node, 'POST', `/${ds}/_refresh`);
    // Merged down, as a backing index is once it has rolled over: timing queries while the node
    // still merged the fresh segments put the identical Lucene string 6 % off the reference.
    await call(node, 'POST', `/${ds}/_forcemerge?max_num_segments=1`);
    log('query corpus merged');
  }
  const q = JSON.parse(readFileSync(join(ROOT, 'mappings/windows.ntlm/queries/win_susp_ntlm_auth.json'), 'utf8')) as { lucene: string; dsl: object };
  const reference = 'winlog.channel:Microsoft\\-Windows\\-NTLM\\/Operational AND event.code:8002';
  const variants: [string, object][] = [
    ['evforge Query DSL', q.dsl],
    ['evforge Lucene', { query_string: { query: q.lucene } }],
    ['Sigma reference Lucene', { query_string: { query: reference } }],
  ];
  // Client-side wall time (sub-millisecond, unlike `took`), after 10 unmeasured rounds; the order of
  // the three queries rotates every round so none always runs on a warmer cache.
  const took: Record<string, number[]> = {};
  let hits = -1;
  for (let i = -10; i < 50; i++) {
    for (let k = 0; k < variants.length; k++) {
      const [name, query] = variants[(i + 10 + k) % variants.length]!;
      const t = performance.now();
      const r = await call<{ hits: { total: { value: number } } }>(node, 'POST', `/${ds}/_search?request_cache=false`, { query, size: 100, track_total_hits: true, sort: [{ '@timestamp': 'desc' }] });
      if (i >= 0) (took[name] ??= []).push(performance.now() - t);
      if (hits === -1) hits = r.hits.total.value;
      else if (r.hits.total.value !== hits) throw new Error(`${name} found ${r.hits.total.value} hits, not ${hits}`);
    }
  }
  const ref = took['Sigma reference Lucene']!;
  const ms = (x: number) => round(x, 1);
  for (const [name] of variants.slice(0, 2)) {
    const t = took[name]!;
    rows.push({
      measure: `Query latency, ${name}, ${QUERY_COUNT} events (ms median / p95 of 50)`,
      value: `${ms(median(t))} / ${ms(percentile(t, 95))}`,
      baseline: `${ms(median(ref))} / ${ms(percentile(ref, 95))} (Sigma reference string)`,
      ratio: round(median(t) / median(ref)).toString(),
      // "Not slower": the median within 5 % of the reference's, about the spread between identical queries here.
      goal: 'not slower (median ≤ 1.05)',
      met: median(t) <= median(ref) * 1.05,
    });
  }
  notes.push(`All three queries return the same ${hits} events out of ${QUERY_COUNT}; evforge's Lucene string is the reference string itself. KQL, EQL and ES|QL need Elasticsearch/Kibana and are not timed here.`);
}

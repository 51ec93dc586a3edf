/** `npm run bench -- push`: one section of bench/run.ts. */
import { startCountingProxy } from '../../test/fakes/counting-proxy.ts';
import { call, round } from '../lib.ts';
import { ROOT, rows, cli } from '../context.ts';

/* ──────────────────────────── push ──────────────────────────── */

export async function push(node: string): Promise<void> {
  // Empty of evforge's objects, and of the benchmark's, which use its component templates.
  for (const path of ['/_data_stream/*', '/_index_template/bench-a', '/_index_template/bench-b', '/_index_template/bench-c', '/_index_template/bench-rss', '/_ingest/pipeline/bench-baseline', '/_ingest/pipeline/bench-drop']) {
    await call(node, 'DELETE', path).catch(() => undefined);
  }
  for (const path of ['/_data_stream/logs-windows.ntlm-default', '/_index_template/logs-windows.ntlm', '/_component_template/logs-windows.ntlm@settings', '/_component_template/logs-windows.ntlm@mappings', '/_ingest/pipeline/logs-windows.ntlm']) {
    await call(node, 'DELETE', path).catch(() => undefined);
  }
  const proxy = await startCountingProxy(node);
  try {
    let t = performance.now();
    const first = await cli(ROOT, ['push', '--node', proxy.url]);
    const firstSeconds = (performance.now() - t) / 1000;
    if (first.code !== 0) throw new Error(first.out);
    const firstRequests = proxy.requests.length;
    const firstWrites = proxy.writes();
    proxy.reset();
    t = performance.now();
    const again = await cli(ROOT, ['push', '--node', proxy.url]);
    const againSeconds = (performance.now() - t) / 1000;
    rows.push({ measure: 'First push to an empty cluster', value: `${firstRequests} requests (${firstWrites} writes), ${round(firstSeconds, 3)} s` });
    rows.push({ measure: 'Unchanged re-push', value: `${proxy.writes()} writes, ${proxy.requests.length} reads, ${round(againSeconds, 3)} s`, goal: '0 writes', met: proxy.writes() === 0 && /No changes detected/.test(again.out) });
  } finally {
    await proxy.close();
  }
}

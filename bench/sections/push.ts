/** `npm run bench -- push`: one section of bench/run.ts. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startCountingProxy } from '../../test/fakes/counting-proxy.ts';
import { syntheticDefinitions, writeDefinitions } from '../../test/support/synthetic.ts';
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

/** A data stream of 400 members (issue 21): its first push, and the unchanged re-push. */
export async function pushMembers(node: string): Promise<void> {
  mkdirSync(join(ROOT, '.evforge/tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.evforge/tmp', 'push-400-'));
  writeDefinitions(join(dir, 'examples'), syntheticDefinitions(400), 'windows.security_synthetic');
  const proxy = await startCountingProxy(node);
  try {
    const files = readdirSync(join(dir, 'examples')).map((f) => `examples/${f}`);
    for (const path of ['/_data_stream/logs-windows.security_synthetic-*', '/_index_template/logs-windows.security_synthetic', '/_component_template/logs-windows.security_synthetic@settings', '/_component_template/logs-windows.security_synthetic@mappings', '/_ingest/pipeline/logs-windows.security_synthetic']) {
      await call(node, 'DELETE', path).catch(() => undefined);
    }
    let t = performance.now();
    const first = await cli(dir, ['push', ...files, '--node', proxy.url]);
    const firstSeconds = (performance.now() - t) / 1000;
    if (first.code !== 0) throw new Error(first.out.slice(0, 2000));
    const [firstRequests, firstWrites] = [proxy.requests.length, proxy.writes()];
    proxy.reset();
    t = performance.now();
    const again = await cli(dir, ['push', ...files, '--node', proxy.url]);
    const againSeconds = (performance.now() - t) / 1000;
    rows.push({ measure: 'First push of a data stream of 400 member definitions (default settings)', value: `${firstRequests} requests (${firstWrites} writes), ${round(firstSeconds, 2)} s` });
    rows.push({ measure: 'Unchanged re-push of the 400 members', value: `${proxy.writes()} writes, ${proxy.requests.length} reads, ${round(againSeconds, 2)} s`, goal: '0 writes', met: proxy.writes() === 0 && /No changes detected/.test(again.out) });
  } finally {
    await proxy.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

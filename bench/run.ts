/**
 * `npm run bench`: evforge's costs measured on a real local OpenSearch node, each against a
 * baseline run side by side in the same process, reported as ratios. Writes bench/RESULTS.md.
 * `npm run bench -- throughput storage` runs a subset. EVFORGE_BENCH_NODE reuses a running node.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { main } from '../src/cli/main.ts';
import { memoryOutput } from '../src/cli/output.ts';
import { documentId } from '../src/replay/ids.ts';
import { Cluster } from '../src/io/cluster/cluster.ts';
import { stableJsonLine } from '../src/json.ts';
import { startCluster } from '../test/cluster/cluster.ts';
import { startCountingProxy } from '../test/fakes/counting-proxy.ts';
import { BASELINE_PIPELINE } from './baseline-pipeline.ts';
import { benchEvents } from './events.ts';
import { bulkBodies, call, inParallel, median, percentile, round, sendBulk, table, timeOutput, type Row } from './lib.ts';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const COUNT = Number(process.env['EVFORGE_BENCH_EVENTS'] ?? 200_000);
const QUERY_COUNT = Number(process.env['EVFORGE_BENCH_QUERY_EVENTS'] ?? 1_000_000);
const RUNS = 3;
const HEAP_CAP_MB = 192;
/**
 * The node's JVM heap (-Xms = -Xmx). With the tests' 512 MB–1 GB, G1's young collections took 16 %
 * of the node's wall time in this benchmark (2 137 pauses, 176 s of 1 080) and b ran at 5 500–6 000
 * docs/s; with 4 GB, 77 pauses and 4.7 s in 300 s, and b at 7 700–8 600.
 */
const NODE_HEAP = '4g';
/** The query corpus: the generated mapping, no pipeline (it matches the bench-a template). */
const QUERY_STREAM = 'bench-a-queries';
const only = process.argv.slice(2);
const wanted = (section: string) => only.length === 0 || only.includes(section);
const benchStart = performance.now();
const log = (s: string) => process.stderr.write(`[bench ${Math.round((performance.now() - benchStart) / 1000)}s] ${s}\n`);
const rows: Row[] = [];
const notes: string[] = [];

async function cli(cwd: string, argv: string[]): Promise<{ code: number; out: string }> {
  const o = memoryOutput();
  const code = await main(argv, { output: o, cwd });
  return { code, out: [...o.stdout, ...o.stderr].join('\n') };
}

const rawLines = (count: number, seed: number) => [...benchEvents({ count, seed })];

/**
 * A fresh, empty data stream for one measured load, refreshed only when asked (as a bulk load is
 * usually run): a refresh every second made the node spend its two CPUs merging small segments,
 * the same for every variant, and kept the whole run over 15 minutes on a 2-vCPU machine.
 */
async function freshStream(node: string, name: string): Promise<void> {
  await call(node, 'DELETE', `/_data_stream/${name}`).catch(() => undefined);
  await call(node, 'PUT', `/_data_stream/${name}`);
  await call(node, 'PUT', `/${name}/_settings`, { index: { refresh_interval: '-1' } });
}

/* ──────────────────────────── throughput and storage ──────────────────────────── */

/** The list started at its `k`-th element (wrapping). */
const rotate = <T>(xs: readonly T[], k: number): T[] => xs.map((_, i) => xs[(i + k) % xs.length]!);
/** `min–max` of the runs. */
const minMax = (xs: readonly number[], digits: number) => `${round(Math.min(...xs), digits)}–${round(Math.max(...xs), digits)}`;

/**
 * The generated pipeline's output for each event, for variant a. Raw `_simulate` calls parsed with
 * the native JSON.parse: the lossless parser evforge uses for users' data took two minutes for
 * 200 000 documents here, and the pipeline's output holds no integer beyond 2^53 (the 64-bit mask
 * leaves it as text; `baselineMatches` compares through evforge's own lossless client).
 */
async function normalize(node: string, lines: readonly string[]): Promise<string[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < lines.length; i += 2000) chunks.push(lines.slice(i, i + 2000) as string[]);
  const out: string[][] = [];
  // Two requests at a time: the node simulates one request on one thread, and has two CPUs here.
  await inParallel(chunks.length, 2, async (k) => {
    const body = `{"docs":[${chunks[k]!.map((l) => `{"_index":"bench-simulate","_source":${l}}`).join(',')}]}`;
    const res = await call<{ docs: { doc?: { _source: unknown }; error?: unknown }[] }>(node, 'POST', '/_ingest/pipeline/logs-windows.ntlm/_simulate', body, 'application/json');
    out[k] = res.docs.map((d) => {
      if (!d.doc) throw new Error(`_simulate failed: ${JSON.stringify(d.error).slice(0, 300)}`);
      return stableJsonLine(d.doc._source);
    });
  });
  return out.flat();
}

let normalizedCache: { raw: string[]; normalized: string[] } | undefined;

/** The 200 000 raw events and the generated pipeline's output for each, computed once per run. */
async function benchDocuments(node: string): Promise<{ raw: string[]; normalized: string[] }> {
  if (!normalizedCache) {
    log(`generating ${COUNT} events`);
    const raw = rawLines(COUNT, 8002);
    normalizedCache = { raw, normalized: await normalize(node, raw) };
    log('normalized');
  }
  return normalizedCache;
}

async function putBenchTemplates(node: string): Promise<void> {
  await call(node, 'PUT', '/_ingest/pipeline/bench-baseline', BASELINE_PIPELINE);
  const settings = (pipeline: string) => ({ index: { default_pipeline: pipeline, number_of_replicas: 0, number_of_shards: 1 } });
  for (const [name, pipeline, components] of [
    ['bench-a', '_none', ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings']],
    ['bench-b', 'logs-windows.ntlm', ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings']],
    ['bench-c', 'bench-baseline', ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings']],
  ] as const) {
    await call(node, 'PUT', `/_index_template/${name}`, { index_patterns: [`${name}-*`], data_stream: {}, priority: 300, composed_of: components, template: { settings: settings(pipeline) } });
  }
}

/** What the sample holds: events by provider and id. */
function mix(lines: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const l of lines) {
    const e = JSON.parse(l) as { system?: { provider: string; event_id: number; channel: string }; winlog?: { provider_name: string; event_id: string; channel: string } };
    const [provider, id, channel] = e.system ? [e.system.provider, e.system.event_id, e.system.channel] : [e.winlog!.provider_name, e.winlog!.event_id, e.winlog!.channel];
    const key = `${id} ${provider.replace('Microsoft-Windows-', '')}${channel === 'Application' ? ' (Application log)' : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort((x, y) => y[1] - x[1]).map(([k, n]) => `${n} × ${k}`).join(', ');
}

async function baselineMatches(cluster: Cluster, lines: readonly string[]): Promise<number> {
  const sample = lines.slice(0, 1000);
  const ours = await cluster.simulate('logs-windows.ntlm', sample);
  const theirs = await cluster.simulate('bench-baseline', sample);
  let same = 0;
  ours.forEach((o, i) => {
    if (theirs[i]!.source && stableJsonLine(o.source) === stableJsonLine(theirs[i]!.source)) same++;
    else if (same === i) log(`baseline differs on event ${i + 1}:\n  ours   ${stableJsonLine(o.source).slice(0, 400)}\n  theirs ${stableJsonLine(theirs[i]!.source ?? theirs[i]!.error).slice(0, 400)}`);
  });
  return same / sample.length;
}

type ProcessorStats = { name: string; ms: number; count: number }[];

/** Per-processor time of the generated pipeline, as the node counts it. */
async function processorStats(node: string): Promise<ProcessorStats> {
  const stats = await call<{ nodes: Record<string, { ingest: { pipelines: Record<string, { processors: Record<string, { type: string; stats: { time_in_millis: number; count: number } }>[] }> } }> }>(node, 'GET', '/_nodes/stats/ingest');
  const pipeline = Object.values(stats.nodes)[0]!.ingest.pipelines['logs-windows.ntlm'];
  return (pipeline?.processors ?? []).map((p) => Object.entries(p)[0]!).map(([name, v]) => ({ name, ms: v.stats.time_in_millis, count: v.stats.count }));
}

function processorCosts(before: ProcessorStats, after: ProcessorStats): string[] {
  const rowsOut = after.map((r, i) => ({ name: r.name, ms: r.ms - (before[i]?.ms ?? 0), count: r.count - (before[i]?.count ?? 0) }));
  const total = rowsOut.reduce((n, r) => n + r.ms, 0);
  return rowsOut
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 8)
    // Shares only: OpenSearch 2.19's per-processor `time_in_millis` is not in milliseconds (its sum
    // exceeds the wall time of the run many times over), but it is consistent between processors.
    .map((r) => `${r.name} ${round((100 * r.ms) / Math.max(1, total), 1)} % (${r.count} docs)`);
}

/**
 * The pipelines' own cost, without indexing: each followed by a `drop` processor, against a
 * pipeline that only drops. Indexing is the same for b and c, so this is where they differ.
 */
async function pipelineAlone(node: string, bodies: readonly string[], count: number): Promise<void> {
  const generated = await call<Record<string, { processors: object[]; on_failure?: object[] }>>(node, 'GET', '/_ingest/pipeline/logs-windows.ntlm');
  const variants = {
    empty: { processors: [] as object[] },
    b: generated['logs-windows.ntlm']!,
    c: BASELINE_PIPELINE,
  };
  for (const [v, p] of Object.entries(variants)) {
    await call(node, 'PUT', `/_ingest/pipeline/bench-alone-${v}`, { ...p, processors: [...p.processors, { drop: {} }] });
    await call(node, 'DELETE', `/bench-alone-${v}`).catch(() => undefined);
    await call(node, 'PUT', `/bench-alone-${v}`, { settings: { number_of_replicas: 0, number_of_shards: 1, default_pipeline: `bench-alone-${v}` } });
  }
  const us: Record<string, number[]> = {};
  for (let run = 1; run <= RUNS; run++) {
    // The order rotates every run, so no variant always runs first (cold) or right after another.
    for (const v of rotate(Object.keys(variants), run)) {
      const r = await sendBulk(node, `bench-alone-${v}`, bodies);
      if (r.failed) throw new Error(`${r.failed} documents failed in bench-alone-${v}`);
      (us[v] ??= []).push((r.seconds * 1e6) / count);
    }
  }
  for (const v of Object.keys(variants)) {
    await call(node, 'DELETE', `/bench-alone-${v}`).catch(() => undefined);
    await call(node, 'DELETE', `/_ingest/pipeline/bench-alone-${v}`).catch(() => undefined);
  }
  const [empty, b, c] = [median(us['empty']!), median(us['b']!), median(us['c']!)];
  // Each run's cost above the same run's empty pipeline: the spread of what b and c cost themselves.
  const above = (v: string) => us[v]!.map((x, i) => x - us['empty']![i]!);
  log(`pipeline alone: empty ${round(empty, 1)} µs/doc, b ${round(b, 1)}, c ${round(c, 1)} (runs: ${Object.entries(us).map(([k, xs]) => `${k} ${xs.map((x) => round(x, 1)).join('/')}`).join(', ')})`);
  rows.push({
    measure: `Pipeline cost alone, ${count} events (µs/doc above a pipeline that only drops, median of ${RUNS} [min–max])`,
    value: `${round(b - empty, 1)} [${minMax(above('b'), 1)}] (b)`,
    baseline: `${round(c - empty, 1)} [${minMax(above('c'), 1)}] (c)`,
    ratio: `b/c ${round((b - empty) / (c - empty))} [${minMax(above('b').map((x, i) => x / above('c')[i]!), 2)} run by run]`,
    goal: '≤ 1.0',
    // Below the empty pipeline's own noise no ratio means anything.
    met: c - empty > 0 && b - empty > 0 ? (b - empty) / (c - empty) <= 1 : undefined,
  });
}

async function throughputAndStorage(cluster: Cluster, node: string): Promise<void> {
  const { raw, normalized } = await benchDocuments(node);
  await putBenchTemplates(node);
  const same = await baselineMatches(cluster, raw);
  log('baseline compared');
  notes.push(`The hand-written Painless baseline produces the same document as the generated pipeline for ${round(same * 100, 1)} % of a 1 000-event sample (${mix(raw.slice(0, 1000))}).`);
  const rawBodies = bulkBodies(raw);
  const normBodies = bulkBodies(normalized);
  const rates: Record<'a' | 'b' | 'c', number[]> = { a: [], b: [], c: [] };
  // No separate warm-up pass: the first run of each variant is the slow one (JIT, cold caches),
  // the same for all three, and the median of three leaves it out; a 40 000-event warm-up of
  // each did not make the first run of a any faster and cost 30 s.
  const statsBefore = await processorStats(node);
  for (let run = 1; run <= RUNS; run++) {
    // The order rotates every run (abc, bca, cab), so no variant always runs first or after the same one.
    for (const v of rotate(['a', 'b', 'c'] as const, run - 1)) {
      const ds = `bench-${v}-run`;
      await freshStream(node, ds);
      const r = await sendBulk(node, ds, v === 'a' ? normBodies : rawBodies);
      if (r.failed) throw new Error(`${r.failed} documents failed in variant ${v}`);
      rates[v].push(COUNT / r.seconds);
      log(`run ${run} ${v}: ${Math.round(COUNT / r.seconds)} docs/s`);
    }
  }
  const [a, b, c] = [median(rates.a), median(rates.b), median(rates.c)];
  const range = (xs: number[]) => minMax(xs, 0);
  rows.push({ measure: `Pipeline throughput, ${COUNT} events of the NTLM channel (docs/s, median of ${RUNS} [min–max])`, value: `${Math.round(b)} [${range(rates.b)}] (b: generated pipeline)`, baseline: `${Math.round(a)} [${range(rates.a)}] (a: no pipeline)`, ratio: `b/a ${round(b / a)} [${minMax(rates.b.map((x, i) => x / rates.a[i]!), 2)}]`, goal: '≥ 0.75', met: b / a >= 0.75 });
  rows.push({ measure: 'Pipeline vs hand-written Painless (docs/s)', value: `${Math.round(b)} (b)`, baseline: `${Math.round(c)} [${range(rates.c)}] (c: one hand-written Painless script)`, ratio: `b/c ${round(b / c)} [${minMax(rates.b.map((x, i) => x / rates.c[i]!), 2)}]`, goal: '≥ 1.0', met: b / c >= 1 });
  const alone = raw.slice(0, Math.ceil(COUNT / 4));
  await pipelineAlone(node, bulkBodies(alone), alone.length);
  notes.push(`Where the generated pipeline spends its time in these runs (share of the node's per-processor counters, _nodes/stats/ingest): ${processorCosts(statsBefore, await processorStats(node)).join('; ')}; a conditional processor whose condition is false is not counted.`);

  // Storage: the same normalized documents, generated mapping vs dynamic mapping, force-merged.
  const bytesPerDoc = async (index: string) => {
    await call(node, 'POST', `/${index}/_forcemerge?max_num_segments=1`);
    await call(node, 'POST', `/${index}/_refresh`);
    const s = await call<{ _all: { primaries: { store: { size_in_bytes: number }; docs: { count: number } } } }>(node, 'GET', `/${index}/_stats/store,docs`);
    return s._all.primaries.store.size_in_bytes / s._all.primaries.docs.count;
  };
  const generated = await bytesPerDoc('bench-a-run');
  log('storage: generated mapping merged');
  await call(node, 'DELETE', '/bench-dynamic').catch(() => undefined);
  await call(node, 'PUT', '/bench-dynamic', { settings: { number_of_replicas: 0, number_of_shards: 1, refresh_interval: '-1' } });
  await sendBulk(node, 'bench-dynamic', normBodies);
  const dynamic = await bytesPerDoc('bench-dynamic');
  rows.push({ measure: 'Storage after force-merge (bytes/doc)', value: `${Math.round(generated)} (generated mapping)`, baseline: `${Math.round(dynamic)} (dynamic mapping)`, ratio: round(generated / dynamic).toString(), goal: '≤ 0.60', met: generated / dynamic <= 0.6 });
  for (const v of ['a', 'b', 'c']) await call(node, 'DELETE', `/_data_stream/bench-${v}-run`).catch(() => undefined);
  await call(node, 'DELETE', '/bench-dynamic').catch(() => undefined);
}

/* ──────────────────────────── detection queries ──────────────────────────── */

async function queries(node: string): Promise<void> {
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

/* ──────────────────────────── generator scale ──────────────────────────── */

function syntheticDefinition(i: number): string {
  const types = ['UInt32', 'UnicodeString', 'HexInt64', 'GUID', 'SID', 'Boolean', 'UInt16', 'AnsiString'];
  const n = 3 + (i % 12);
  const fields = Array.from({ length: n }, (_, k) => {
    const type = types[(i + k) % types.length]!;
    const ecs = type === 'UInt32' && k === 0 ? ", ecs: ['process.pid']" : type === 'UnicodeString' && k === 1 ? ", ecs: ['process.executable', { field: 'process.name', derive: 'basename' }]" : '';
    return `    { name: 'Field${k}', type: '${type}', description: 'Field ${k} of event ${i}.', aliases: ['Old_field_${k}']${ecs} },`;
  }).join('\n');
  const rule = i % 3 === 0 ? '' : `
  detections: [{
    id: '${`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`}', title: 'Rule ${i}', status: 'test', level: 'medium',
    description: 'Synthetic rule', author: 'bench', date: '2026-01-01', tags: ['attack.t1550.002'],
    logsource: { product: 'windows', service: 'synthetic' },
    detection: { selection: { EventID: ${1000 + i}, 'Field1|contains': ['a', 'b'] }, condition: 'selection' },
  }],`;
  return `import { defineEvent } from 'evforge';
export default defineEvent({
  name: 'synthetic-${i}', schemaVersion: '1.0.0', title: 'Synthetic ${i}', description: 'Synthetic event ${i}.',
  provider: { name: 'Contoso-Synthetic-${i % 7}', guid: '{11111111-2222-3333-4444-${String(i).padStart(12, '0')}}' },
  channel: 'Contoso-Synthetic/Operational', eventId: ${1000 + i}, version: 0, level: 4,
  task: { value: 1, name: 'Synthetic' }, opcode: { value: 0, name: 'Info' }, keywords: '0x8000000000000000',
  message: 'Synthetic event ${i}: %1 %2 %3', dataset: 'synthetic.e${i}',
  fields: [
${fields}
  ],${rule}
});
`;
}

function wall(cmd: string, args: string[], cwd: string): number {
  const started = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - started) / 1000;
}

/** Median and spread (min–max) of timed runs, as the rows print them: "0.41 (0.38–0.52)". */
function spread(times: readonly number[], digits = 2): string {
  return `${round(median([...times]), digits)} (${round(Math.min(...times), digits)}–${round(Math.max(...times), digits)})`;
}

function generatorScale(): void {
  // The bin users run: evforge compiled (dist/, refused when older than src/); only definitions through tsx.
  const bin = join(ROOT, 'src/cli/bin.mjs');
  // Start-up: bare Node and `evforge --version` alternate, so both see the same load on a shared machine.
  const nodeTimes: number[] = [];
  const versionTimes: number[] = [];
  for (let k = 0; k < 11; k++) {
    nodeTimes.push(wall(process.execPath, ['-e', '0'], ROOT));
    versionTimes.push(wall(process.execPath, [bin, '--version'], ROOT));
  }
  const nodeStart = median(nodeTimes);
  const version = median(versionTimes);
  rows.push({ measure: 'evforge --version (s, median of 11, min–max)', value: spread(versionTimes, 3), baseline: `${spread(nodeTimes, 3)} (node -e 0)`, ratio: round(version / nodeStart, 1).toString(), goal: '≤ 3× node -e 0', met: version <= 3 * nodeStart });
  log(`--version: ${round(version, 3)} s, node -e 0: ${round(nodeStart, 3)} s`);
  const results: { n: number; generate: number[]; check: number[] }[] = [];
  for (const n of [1, 10, 100, 1000]) {
    // Inside the package (gitignored), so the definitions import 'evforge' as a user's would.
    mkdirSync(join(ROOT, '.evforge/tmp'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, '.evforge/tmp', `scale-${n}-`));
    mkdirSync(join(dir, 'examples'));
    for (let i = 0; i < n; i++) writeFileSync(join(dir, 'examples', `synthetic-${String(i).padStart(4, '0')}.ts`), syntheticDefinition(i));
    wall(process.execPath, [bin, 'generate'], dir); // warms tsx's transform cache, as any second run has it
    const runs = Array.from({ length: n >= 1000 ? 3 : n >= 100 ? 5 : 9 }, (_, k) => k);
    // Into a folder that never held files: on this disk (ext4, mounted with discard) writing right
    // after deleting thousands of files is several times slower, which measures the disk, not evforge.
    const generate = runs.map((k) => wall(process.execPath, [bin, 'generate', '--out', `fresh-${k}`], dir));
    const check = runs.map(() => wall(process.execPath, [bin, 'check'], dir));
    results.push({ n, generate, check });
    log(`generate ${n}: ${round(median(generate))} s, check ${round(median(check))} s`);
    rmSync(dir, { recursive: true, force: true });
  }
  const goals: Record<number, { goal: string; met: (s: number) => boolean }> = { 1: { goal: '≤ 0.5 s', met: (s) => s <= 0.5 }, 1000: { goal: '< 5 s', met: (s) => s < 5 } };
  for (const r of results) {
    const g = goals[r.n];
    const worst = Math.max(median(r.generate), median(r.check));
    rows.push({
      measure: `evforge generate / check, ${r.n} definition${r.n === 1 ? '' : 's'} (s, median of ${r.generate.length}, min–max)`,
      value: `${spread(r.generate)} / ${spread(r.check)}`,
      baseline: `${round(nodeStart, 3)} (node -e 0)`,
      ratio: round(median(r.generate) / nodeStart, 1).toString(),
      ...(g ? { goal: g.goal, met: g.met(worst) } : {}),
    });
  }
  // The slope between consecutive sizes: a fixed start-up cost, then a flat cost per definition.
  const at = (i: number) => ({ n: results[i]!.n, s: median(results[i]!.generate) });
  const slope = (from: { n: number; s: number }, to: { n: number; s: number }) => round(((to.s - from.s) / (to.n - from.n)) * 1000, 1);
  notes.push(`Generator growth: a fixed ${round(at(0).s, 2)} s (Node, evforge's compiled code and tsx for the definition starting, vs ${round(nodeStart, 3)} s for bare Node and ${round(version, 3)} s for \`--version\`), then ${slope(at(1), at(2))} ms per definition from 10 to 100 and ${slope(at(2), at(3))} ms from 100 to 1 000; check follows the same line.`);
}

/* ──────────────────────────── push ──────────────────────────── */

async function push(node: string): Promise<void> {
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

/* ──────────────────────────── replay vs curl ──────────────────────────── */

/** `cmd args` under /usr/bin/time: wall seconds, peak RSS, and the CPU seconds of all its threads (user + system). */
function timed(cmd: string, args: string[], cwd: string): { seconds: number; maxRssMb: number; cpuSeconds: number; out: string } {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S\n%e %M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr.slice(-500)}`);
  const [user = NaN, system = NaN] = (r.stderr.trim().split('\n').at(-2) ?? '').split(' ').map(Number);
  return { ...timeOutput(r.stderr), cpuSeconds: user + system, out: r.stdout };
}

/**
 * `node args` under /usr/bin/time (peak RSS of the whole run), sampling every half second the
 * process's own peak RSS (VmHWM) and how far it got (`progress`, from the node).
 */
async function sampledReplay(args: string[], cwd: string, env: NodeJS.ProcessEnv, progress: () => Promise<number>) {
  const child = spawn('/usr/bin/time', ['-f', '%e %M', process.execPath, ...args], { cwd, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  let code: number | undefined;
  const exited = new Promise<void>((done) => child.on('close', (c) => ((code = c ?? 1), done())));
  const samples: { docs: number; hwmMb: number }[] = [];
  while (code === undefined) {
    await Promise.race([exited, sleep(500)]);
    if (code !== undefined) break;
    try {
      const pid = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0];
      if (!pid) continue;
      const docs = await progress();
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (hwm) samples.push({ docs, hwmMb: Number(hwm) / 1024 });
    } catch {
      // The process is starting or exiting: no sample this time.
    }
  }
  if (code !== 0) throw new Error(`replay failed: ${err.slice(-500)}`);
  return { ...timeOutput(err), out, samples };
}

async function replay(node: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'evforge-replay-'));
  try {
    const lines = rawLines(COUNT, 7000);
    writeFileSync(join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    const ids = lines.map((l, i) => documentId(l, `${i + 1}.1`));
    const bodies = bulkBodies(lines, 5_000_000, ids);
    bodies.forEach((b, i) => writeFileSync(join(dir, `bulk-${String(i).padStart(4, '0')}.ndjson`), b));
    const replayArgs = (namespace: string, file: string) => [join(ROOT, 'src/cli/bin.mjs'), 'replay', '--node', node, '--namespace', namespace, '--definition', join(ROOT, 'examples/ntlm-8002.ts'), file];
    const replayCli = (namespace: string, file: string) => timed(process.execPath, replayArgs(namespace, file), dir);
    // One unmeasured replay first: the first evforge process after the throughput runs was
    // consistently the slowest of the three.
    writeFileSync(join(dir, 'warm.ndjson'), `${lines.slice(0, 20_000).join('\n')}\n`);
    await freshStream(node, 'logs-windows.ntlm-benchwarm');
    replayCli('benchwarm', 'warm.ndjson');
    await call(node, 'DELETE', '/_data_stream/logs-windows.ntlm-benchwarm').catch(() => undefined);
    const evforge: number[] = [];
    const evforgeCpu: number[] = [];
    const curl: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const ns = `benchr${run}`;
      await freshStream(node, `logs-windows.ntlm-${ns}`);
      const r = replayCli(ns, 'events.ndjson');
      if (!new RegExp(`sent ${COUNT}, indexed ${COUNT}`).test(r.out)) throw new Error(r.out);
      evforge.push(COUNT / r.seconds);
      evforgeCpu.push(r.cpuSeconds);
      const cns = `benchc${run}`;
      await freshStream(node, `logs-windows.ntlm-${cns}`);
      const started = performance.now();
      // Then one refresh, as replay ends with one (so the events are searchable when it returns):
      // after 200 000 events with refresh_interval -1 it takes the node 3.5–4.5 s here.
      execFileSync('sh', ['-c', `ls bulk-*.ndjson | xargs -P 4 -I{} curl -s -o /dev/null -H 'content-type: application/x-ndjson' --data-binary @{} ${node}/logs-windows.ntlm-${cns}/_bulk && curl -s -o /dev/null -X POST ${node}/logs-windows.ntlm-${cns}/_refresh`], { cwd: dir });
      curl.push(COUNT / ((performance.now() - started) / 1000));
      log(`replay run ${run}: evforge ${Math.round(COUNT / r.seconds)} docs/s (${Math.round(r.maxRssMb)} MB, ${round(r.cpuSeconds, 1)} CPU-s), curl ${Math.round(curl.at(-1)!)} docs/s`);
      await call(node, 'DELETE', `/_data_stream/logs-windows.ntlm-${ns}`).catch(() => undefined);
      await call(node, 'DELETE', `/_data_stream/logs-windows.ntlm-${cns}`).catch(() => undefined);
    }
    const e = median(evforge);
    const c = median(curl);
    notes.push(`Replay's own cost: evforge's process used ${round(median(evforgeCpu), 1)} CPU-s [${minMax(evforgeCpu, 1)}] (user + system, all its threads) per replay of ${COUNT} events, on the same CPUs as the node.`);
    rows.push({
      measure: `evforge replay, ${COUNT} events (docs/s, median of ${RUNS} [min–max])`,
      value: `${Math.round(e)} [${minMax(evforge, 0)}]`,
      baseline: `${Math.round(c)} [${minMax(curl, 0)}] (curl, same NDJSON, 4 in parallel, then one refresh)`,
      ratio: `${round(e / c)} [${minMax(evforge.map((x, i) => x / curl[i]!), 2)} run by run]`,
      goal: '≥ 0.90',
      met: e / c >= 0.9,
    });
    // Memory, with V8's heap capped so the peak RSS shows what replay keeps, not how lazily V8
    // collects (a cap costs the timed runs above about 10 % of their rate, so they run without).
    // One run of 1 000 000 events (the 200 000 five times over, each line its own _id), sampled
    // every half second: its peak RSS once 200 000 had gone through against its peak at the end.
    // Into a data stream whose pipeline drops every event: replay then runs at its own pace, not
    // the node's indexing pace (the harder case for memory, and 3 minutes shorter here).
    const capped = { NODE_OPTIONS: `--max-old-space-size=${HEAP_CAP_MB}` };
    const file = join(dir, `rss-${QUERY_COUNT}.ndjson`);
    writeFileSync(file, '');
    for (let n = 0; n < QUERY_COUNT; n += COUNT) writeFileSync(file, `${lines.slice(0, Math.min(COUNT, QUERY_COUNT - n)).join('\n')}\n`, { flag: 'a' });
    await call(node, 'PUT', '/_ingest/pipeline/bench-drop', { description: 'Benchmark: drops every event', processors: [{ drop: {} }] });
    await call(node, 'PUT', '/_index_template/bench-rss', {
      index_patterns: ['logs-windows.ntlm-benchrss*'],
      data_stream: {},
      priority: 1000,
      composed_of: ['logs-windows.ntlm@settings', 'logs-windows.ntlm@mappings'],
      template: { settings: { index: { default_pipeline: 'bench-drop', number_of_replicas: 0 } } },
    });
    await freshStream(node, 'logs-windows.ntlm-benchrss');
    const dropped = async () => {
      const st = await call<{ nodes: Record<string, { ingest: { pipelines: Record<string, { count: number }> } }> }>(node, 'GET', '/_nodes/stats/ingest');
      return Object.values(st.nodes)[0]!.ingest.pipelines['bench-drop']?.count ?? 0;
    };
    const before = await dropped();
    const big = await sampledReplay(replayArgs('benchrss', file), dir, capped, async () => (await dropped()) - before);
    await call(node, 'DELETE', '/_data_stream/logs-windows.ntlm-benchrss').catch(() => undefined);
    await call(node, 'DELETE', '/_index_template/bench-rss').catch(() => undefined);
    await call(node, 'DELETE', '/_ingest/pipeline/bench-drop').catch(() => undefined);
    if (!new RegExp(`sent ${QUERY_COUNT}, indexed ${QUERY_COUNT}`).test(big.out)) throw new Error(big.out);
    const early = big.samples.filter((x) => x.docs <= COUNT).at(-1);
    if (!early) throw new Error(`no memory sample was taken before the first ${COUNT} events had gone through`);
    const rss = [early.hwmMb, big.maxRssMb];
    log(`replay ${QUERY_COUNT} (dropped by the node): ${Math.round(QUERY_COUNT / big.seconds)} docs/s, peak RSS ${Math.round(big.maxRssMb)} MB (after ${early.docs}: ${Math.round(early.hwmMb)} MB; ${big.samples.length} samples)`);
    notes.push(`Replay's peak RSS is measured with NODE_OPTIONS=--max-old-space-size=${HEAP_CAP_MB}, in one replay of ${QUERY_COUNT} events (${Math.round(QUERY_COUNT / big.seconds)} docs/s, into a data stream whose pipeline drops them, so replay sets the pace) sampled every 0.5 s (the process's VmHWM and the node's count of events through the pipeline): the peak when ${early.docs} events had gone through, then the peak of the whole run (/usr/bin/time). It completes within that heap. Uncapped, V8 grows its heap lazily (about 500–800 MB here) without replay holding more.`);
    rows.push({ measure: `evforge replay peak RSS, after ${COUNT} vs ${QUERY_COUNT} events of one run (MB)`, value: `${Math.round(rss[0]!)} / ${Math.round(rss[1]!)}`, ratio: round(rss[1]! / rss[0]!).toString(), goal: 'does not grow with the file', met: rss[1]! / rss[0]! < 1.25 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/* ──────────────────────────── main ──────────────────────────── */

async function run(): Promise<void> {
  const started = performance.now();
  let nodeInfo = 'OpenSearch';
  const reuse = process.env['EVFORGE_BENCH_NODE'];
  log(reuse ? `using ${reuse}` : 'starting a local OpenSearch node');
  const local = reuse ? undefined : await startCluster({ nodes: 1, heap: NODE_HEAP });
  const node = reuse ?? local!.url;
  try {
    const pushed = await cli(ROOT, ['push', '--node', node]);
    if (pushed.code !== 0) throw new Error(pushed.out);
    const cluster = await Cluster.connect({ node });
    try {
      if (wanted('throughput')) await throughputAndStorage(cluster, node);
      if (wanted('replay')) await replay(node);
      if (wanted('queries')) await queries(node);
      if (wanted('generator')) generatorScale();
      if (wanted('push')) await push(node);
      const info = await call<{ nodes: Record<string, { version: string; jvm: { mem: { heap_max_in_bytes: number } } }> }>(node, 'GET', '/_nodes/jvm');
      const n = Object.values(info.nodes)[0]!;
      nodeInfo = `OpenSearch ${n.version} (one node, ${round(n.jvm.mem.heap_max_in_bytes / 2 ** 30, 1)} GB heap, same machine)`;
    } finally {
      await cluster.close();
    }
  } finally {
    await local?.stop();
  }
  const minutes = round((performance.now() - started) / 60_000, 1);
  const version = execFileSync(process.execPath, ['--version'], { encoding: 'utf8' }).trim();
  const report = [
    '# evforge benchmark results',
    '',
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${version}, ${nodeInfo}. Whole run: ${minutes} min.`,
    '',
    table(rows),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  if (only.length === 0) writeFileSync(join(ROOT, 'bench/RESULTS.md'), report);
  process.stdout.write(`${report}\n`);
}

await run();

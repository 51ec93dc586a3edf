/** `npm run bench -- throughput`: one section of bench/run.ts. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Cluster } from '../../src/io/cluster/cluster.ts';
import { stableJsonLine } from '../../src/json.ts';
import { BASELINE_PIPELINE, FLOOR_PIPELINE } from '../baseline-pipeline.ts';
import { bulkBodies, call, inParallel, median, round, sendBulk } from '../lib.ts';
import { COUNT, RUNS, log, rows, notes, rawLines, freshStream, rotate, minMax } from '../context.ts';

/* ──────────────────────────── throughput and storage ──────────────────────────── */


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
export async function benchDocuments(node: string): Promise<{ raw: string[]; normalized: string[] }> {
  if (!normalizedCache) {
    log(`generating ${COUNT} events`);
    const raw = rawLines(COUNT, 8002);
    normalizedCache = { raw, normalized: await normalize(node, raw) };
    log('normalized');
  }
  return normalizedCache;
}

export async function putBenchTemplates(node: string): Promise<void> {
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
 * The node's CPU time so far (ms, all its threads): from /proc of its process when it runs on this
 * machine (exact to the clock tick); else the node's own report, which it refreshes only once a
 * second (monitor.process.refresh_interval), too coarse for runs of a few seconds.
 */
export async function nodeCpu(node: string): Promise<() => Promise<number>> {
  const info = await call<{ nodes: Record<string, { process: { id: number } }> }>(node, 'GET', '/_nodes/_local/process');
  const pid = Object.values(info.nodes)[0]?.process.id;
  const stat = `/proc/${pid}/stat`;
  if (pid !== undefined && existsSync(stat)) {
    const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return async () => {
      const fields = readFileSync(stat, 'utf8').split(') ')[1]!.split(' ');
      return (Number(fields[11]) + Number(fields[12])) * tick;
    };
  }
  return async () => {
    const stats = await call<{ nodes: Record<string, { process: { cpu: { total_in_millis: number } } }> }>(node, 'GET', '/_nodes/_local/stats/process');
    return Object.values(stats.nodes)[0]!.process.cpu.total_in_millis;
  };
}

/** Untimed passes before the timed runs, so each pipeline's Painless is JIT-compiled when timed. */
const WARM_UP_PASSES = 2;
const ALONE_RUNS = 5;

/**
 * The pipelines' own cost, without indexing: each followed by a `drop` processor, against a
 * pipeline that only drops. Indexing is the same for b and c, so this is where they differ. Timed
 * at steady state: without warm-up the first runs measured the JIT (b's and c's first run 2–4× the
 * later ones, differently for each), not the pipelines. Reported twice: wall µs/doc and the node's
 * own CPU µs/doc (all its threads, from /proc), the second steadier on a shared machine.
 */
async function pipelineAlone(node: string, bodies: readonly string[], count: number): Promise<void> {
  const generated = await call<Record<string, { processors: object[]; on_failure?: object[] }>>(node, 'GET', '/_ingest/pipeline/logs-windows.ntlm');
  const variants = {
    empty: { processors: [] as object[] },
    b: generated['logs-windows.ntlm']!,
    c: BASELINE_PIPELINE,
    floor: FLOOR_PIPELINE,
  };
  const names = Object.keys(variants);
  for (const [v, p] of Object.entries(variants)) {
    await call(node, 'PUT', `/_ingest/pipeline/bench-alone-${v}`, { ...p, processors: [...p.processors, { drop: {} }] });
    await call(node, 'DELETE', `/bench-alone-${v}`).catch(() => undefined);
    await call(node, 'PUT', `/bench-alone-${v}`, { settings: { number_of_replicas: 0, number_of_shards: 1, default_pipeline: `bench-alone-${v}` } });
  }
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) for (const v of names) await sendBulk(node, `bench-alone-${v}`, bodies);
  const us: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const nodeCpuMs = await nodeCpu(node);
  for (let run = 0; run < ALONE_RUNS; run++) {
    // The order rotates every run, so no variant always runs first or right after another.
    for (const v of rotate(names, run)) {
      const cpuBefore = await nodeCpuMs();
      const r = await sendBulk(node, `bench-alone-${v}`, bodies);
      if (r.failed) throw new Error(`${r.failed} documents failed in bench-alone-${v}`);
      (us[v] ??= []).push((r.seconds * 1e6) / count);
      (cpu[v] ??= []).push(((await nodeCpuMs()) - cpuBefore) * 1000 / count);
    }
  }
  for (const v of names) {
    await call(node, 'DELETE', `/bench-alone-${v}`).catch(() => undefined);
    await call(node, 'DELETE', `/_ingest/pipeline/bench-alone-${v}`).catch(() => undefined);
  }
  // Each run's cost above the same run's empty pipeline: the spread of what b and c cost themselves.
  const above = (m: Record<string, number[]>, v: string) => m[v]!.map((x, i) => x - m['empty']![i]!);
  const [b, c, floor] = [median(above(us, 'b')), median(above(us, 'c')), median(above(us, 'floor'))];
  const [bCpu, cCpu, floorCpu] = [median(above(cpu, 'b')), median(above(cpu, 'c')), median(above(cpu, 'floor'))];
  log(`pipeline alone (µs/doc above empty, wall / node CPU): b ${round(b, 1)} / ${round(bCpu, 1)}, c ${round(c, 1)} / ${round(cCpu, 1)}, floor ${round(floor, 1)} / ${round(floorCpu, 1)}; runs: ${names.map((v) => `${v} ${us[v]!.map((x) => round(x, 1)).join('/')}`).join(', ')}`);
  const ratios = (m: Record<string, number[]>) => minMax(above(m, 'b').map((x, i) => x / above(m, 'c')[i]!), 2);
  rows.push({
    measure: `Pipeline cost alone, ${count} events (µs/doc above a pipeline that only drops; after ${WARM_UP_PASSES} warm-up passes, median of ${ALONE_RUNS} [min–max]): wall; node CPU`,
    value: `${round(b, 1)} [${minMax(above(us, 'b'), 1)}]; CPU ${round(bCpu, 1)} [${minMax(above(cpu, 'b'), 1)}] (b)`,
    baseline: `${round(c, 1)} [${minMax(above(us, 'c'), 1)}]; CPU ${round(cCpu, 1)} [${minMax(above(cpu, 'c'), 1)}] (c)`,
    ratio: `b/c ${round(b / c)} [${ratios(us)} run by run]; CPU ${round(bCpu / cCpu)} [${ratios(cpu)}]`,
    goal: '≤ 1.0',
    // Below the empty pipeline's own noise no ratio means anything.
    met: c > 0 && b > 0 ? b / c <= 1 : undefined,
  });
  rows.push({
    measure: 'Floor of any script pipeline here: the keyword conversion and one empty script, cost alone as above (wall; node CPU)',
    value: `${round(floor, 1)}; CPU ${round(floorCpu, 1)} (floor)`,
    baseline: `${round(b, 1)}; CPU ${round(bCpu, 1)} (b)`,
    ratio: `floor/b ${round(floor / b)}; CPU ${round(floorCpu / bCpu)}`,
  });
}

export async function throughputAndStorage(cluster: Cluster, node: string): Promise<void> {
  const { raw, normalized } = await benchDocuments(node);
  await putBenchTemplates(node);
  const same = await baselineMatches(cluster, raw);
  log('baseline compared');
  notes.push(`The hand-written Painless baseline produces the same document as the generated pipeline for ${round(same * 100, 1)} % of a 1 000-event sample (${mix(raw.slice(0, 1000))}).`);
  const rawBodies = bulkBodies(raw);
  const normBodies = bulkBodies(normalized);
  const rates: Record<'a' | 'b' | 'c', number[]> = { a: [], b: [], c: [] };
  // One untimed warm-up pass per variant (a quarter of the events, into a throwaway stream): without
  // it, each variant's first run measured the JIT and a cold node (a at 0.6× its later runs).
  const warm = Math.ceil(COUNT / 4);
  const variants = ['a', 'b', 'c'] as const;
  const bodiesOf = (v: (typeof variants)[number], n?: number) => (v === 'a' ? (n ? bulkBodies(normalized.slice(0, n)) : normBodies) : n ? bulkBodies(raw.slice(0, n)) : rawBodies);
  for (const v of variants) {
    await freshStream(node, `bench-${v}-warm`);
    await sendBulk(node, `bench-${v}-warm`, bodiesOf(v, warm));
    await call(node, 'DELETE', `/_data_stream/bench-${v}-warm`);
  }
  const statsBefore = await processorStats(node);
  for (let run = 1; run <= RUNS; run++) {
    // The order rotates every run (abc, bca, cab), so no variant always runs first or after the same one.
    for (const v of rotate(variants, run - 1)) {
      const ds = `bench-${v}-run`;
      await freshStream(node, ds);
      const r = await sendBulk(node, ds, bodiesOf(v));
      if (r.failed) throw new Error(`${r.failed} documents failed in variant ${v}`);
      rates[v].push(COUNT / r.seconds);
      log(`run ${run} ${v}: ${Math.round(COUNT / r.seconds)} docs/s`);
    }
  }
  const [a, b, c] = [median(rates.a), median(rates.b), median(rates.c)];
  const range = (xs: number[]) => minMax(xs, 0);
  const runByRun = (xs: number[], ys: number[]) => minMax(xs.map((x, i) => x / ys[i]!), 2);
  rows.push({ measure: `Pipeline throughput, ${COUNT} events of the NTLM channel (docs/s, after a warm-up pass, median of ${RUNS} [min–max])`, value: `${Math.round(b)} [${range(rates.b)}] (b: generated pipeline)`, baseline: `${Math.round(a)} [${range(rates.a)}] (a: no pipeline)`, ratio: `b/a ${round(b / a)} [${runByRun(rates.b, rates.a)}]`, goal: '≥ 0.75', met: b / a >= 0.75 });
  rows.push({ measure: 'Pipeline vs hand-written Painless (docs/s)', value: `${Math.round(b)} (b)`, baseline: `${Math.round(c)} [${range(rates.c)}] (c: one hand-written Painless script)`, ratio: `b/c ${round(b / c)} [${runByRun(rates.b, rates.c)}]`, goal: '≥ 1.0', met: b / c >= 1 });
  const alone = raw.slice(0, Math.ceil(COUNT / 2));
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

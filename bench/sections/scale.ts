/**
 * `npm run bench -- scale`: one section of bench/run.ts. The cost of one pipeline per event as its
 * data stream grows (issue 21): the same events through the pipelines of data streams of K = 4, 64
 * and 400 synthetic Security-Auditing members (test/support/synthetic.ts), side by side on one
 * node. The events are those of the first four members (the same definitions in every K) and some
 * no member covers, so only K changes; the goal is K = 400 ÷ K = 4 ≤ 1.10 of the node's CPU.
 */
import { makeDataset } from '../../src/definition/dataset.ts';
import { loadDefinition } from '../../src/definition/resolve.ts';
import { buildPipeline } from '../../src/generate/pipeline.ts';
import { loadPainless } from '../../src/api/templates.ts';
import { definitionInput, syntheticDefinitions, syntheticEvents } from '../../test/support/synthetic.ts';
import { bulkBodies, call, median, round, sendBulk } from '../lib.ts';
import { log, minMax, rotate, rows } from '../context.ts';
import { nodeCpu } from './throughput.ts';

const KS = [4, 64, 400] as const;
const EVENTS = Number(process.env['EVFORGE_BENCH_SCALE_EVENTS'] ?? 100_000);
const WARM_UP_PASSES = 2;
const RUNS = 5;
const DATASET = 'windows.security_synthetic';

export async function scale(node: string): Promise<void> {
  const all = syntheticDefinitions(Math.max(...KS));
  const events = syntheticEvents(all.slice(0, 4), EVENTS, { seed: 11 });
  const lines = events.map((e) => e.line);
  const foreign = events.filter((e) => e.expect.event === undefined).length;
  const bodies = bulkBodies(lines);
  const painless = loadPainless();
  const variants: Record<string, object> = { empty: { processors: [] } };
  for (const k of KS) {
    const dataset = makeDataset(DATASET, all.slice(0, k).map((d) => loadDefinition(definitionInput(d, DATASET))));
    const p = buildPipeline(dataset, 'opensearch', painless);
    variants[`k${k}`] = p;
    log(`scale: K = ${k}, pipeline ${Math.round(JSON.stringify(p).length / 1024)} KB as JSON`);
  }
  const names = Object.keys(variants);
  for (const [v, p] of Object.entries(variants)) {
    const body = p as { processors: object[] };
    await call(node, 'PUT', `/_ingest/pipeline/bench-scale-${v}`, { ...body, processors: [...body.processors, { drop: {} }] });
    await call(node, 'DELETE', `/bench-scale-${v}`).catch(() => undefined);
    await call(node, 'PUT', `/bench-scale-${v}`, { settings: { number_of_replicas: 0, number_of_shards: 1, default_pipeline: `bench-scale-${v}` } });
  }
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) for (const v of names) await sendBulk(node, `bench-scale-${v}`, bodies);
  const us: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const cpuMs = await nodeCpu(node);
  for (let run = 0; run < RUNS; run++) {
    for (const v of rotate(names, run)) {
      const before = await cpuMs();
      const r = await sendBulk(node, `bench-scale-${v}`, bodies);
      if (r.failed) throw new Error(`${r.failed} documents failed in bench-scale-${v}`);
      (us[v] ??= []).push((r.seconds * 1e6) / lines.length);
      (cpu[v] ??= []).push((((await cpuMs()) - before) * 1000) / lines.length);
    }
  }
  for (const v of names) {
    await call(node, 'DELETE', `/bench-scale-${v}`).catch(() => undefined);
    await call(node, 'DELETE', `/_ingest/pipeline/bench-scale-${v}`).catch(() => undefined);
  }
  const above = (m: Record<string, number[]>, v: string) => m[v]!.map((x, i) => x - m['empty']![i]!);
  const show = (k: number) => `K = ${k}: ${round(median(above(us, `k${k}`)), 1)} [${minMax(above(us, `k${k}`), 1)}]; CPU ${round(median(above(cpu, `k${k}`)), 1)} [${minMax(above(cpu, `k${k}`), 1)}]`;
  const ratio = (m: Record<string, number[]>) => above(m, 'k400').map((x, i) => x / above(m, 'k4')[i]!);
  const cpuRatio = median(above(cpu, 'k400')) / median(above(cpu, 'k4'));
  log(`scale: ${KS.map(show).join('; ')}`);
  rows.push({
    measure: `Pipeline cost alone as the data stream grows, ${lines.length} events of the same 4 members (+ ${round((100 * foreign) / lines.length, 1)} % no member covers) through data streams of K members (µs/doc above a pipeline that only drops, median of ${RUNS} [min–max]; wall; node CPU)`,
    value: `${show(400)}; ${show(64)}`,
    baseline: show(4),
    ratio: `K400/K4 CPU ${round(cpuRatio)} [${minMax(ratio(cpu), 2)} run by run]; wall ${round(median(above(us, 'k400')) / median(above(us, 'k4')))} [${minMax(ratio(us), 2)}]`,
    goal: '≤ 1.10 (CPU)',
    met: cpuRatio <= 1.1,
  });
}

/**
 * `npm run bench -- lookups`: one section of bench/run.ts. The cost of lookups as tables grow
 * (issue 23): the same events through the pipelines of one definition whose three fields are looked
 * up in tables of 10 and of 10 000 entries (the events' values are in both), side by side on one
 * node, each against a pipeline that only drops. A lookup is one map get in the script's params, so
 * the goal is 10 000 ÷ 10 ≤ 1.10 of the node's CPU per event.
 */
import { makeDataset } from '../../src/definition/dataset.ts';
import { loadDefinition } from '../../src/definition/resolve.ts';
import { defineEvent, defineTable } from '../../src/definition/types.ts';
import { buildPipeline } from '../../src/generate/pipeline.ts';
import { loadPainless } from '../../src/api/templates.ts';
import { bulkBodies, call, median, round, sendBulk } from '../lib.ts';
import { log, minMax, rotate, rows } from '../context.ts';
import { nodeCpu } from './throughput.ts';

const SIZES = [10, 10_000] as const;
const EVENTS = Number(process.env['EVFORGE_BENCH_LOOKUP_EVENTS'] ?? 100_000);
const WARM_UP_PASSES = 2;
const RUNS = 5;

/** A table of `size` entries: decimal keys for one, hex keys (`0xc0000000` + n) for the other. */
function tables(size: number) {
  const decimal = Object.fromEntries(Array.from({ length: size }, (_, n) => [String(n), `type ${n}`]));
  const hex = Object.fromEntries(Array.from({ length: size }, (_, n) => [`0x${(0xc0000000 + n).toString(16)}`, `status ${n}`]));
  return [defineTable('bench.types', decimal), defineTable('bench.status', hex)] as const;
}

function definition(size: number) {
  const [types, status] = tables(size);
  return defineEvent({
    name: `bench-lookup-${size}`,
    schemaVersion: '1.0.0',
    title: 'Lookups',
    description: 'Three fields looked up in tables.',
    provider: { name: 'Bench-Lookups', guid: '{22222222-3333-4444-5555-666666666666}' },
    channel: 'Security',
    eventId: 4625,
    version: 0,
    level: 0,
    task: { value: 12544, name: 'Logon' },
    opcode: { value: 0, name: 'Info' },
    keywords: '0x8010000000000000',
    message: 'Type %1, status %2, sub status %3',
    dataset: 'bench.lookups',
    tables: [types, status],
    fields: [
      { name: 'LogonType', type: 'UInt32', description: 't', ecs: [{ field: 'winlog.logon.type', lookup: 'bench.types' }] },
      { name: 'Status', type: 'HexInt32', description: 's', ecs: [{ field: 'winlog.logon.failure.status', lookup: 'bench.status' }] },
      { name: 'SubStatus', type: 'HexInt32', description: 's', ecs: [{ field: 'winlog.logon.failure.sub_status', lookup: 'bench.status' }] },
    ],
  });
}

/** The same events for every table size: values 0 … 9, which both tables hold. */
function events(count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i % 10;
    const m = (i * 7) % 10;
    return JSON.stringify({
      system: { provider: 'Bench-Lookups', event_id: 4625, channel: 'Security', keywords: '0x8010000000000000', time_created: '2026-03-12T02:56:00.5+00:00', event_record_id: i },
      event_data: { LogonType: String(n), Status: `0xC000000${n}`, SubStatus: `0xc000000${m}` },
    });
  });
}

export async function lookups(node: string): Promise<void> {
  const lines = events(EVENTS);
  const bodies = bulkBodies(lines);
  const painless = loadPainless();
  const variants: Record<string, object> = { empty: { processors: [] } };
  for (const size of SIZES) {
    const p = buildPipeline(makeDataset('bench.lookups', [loadDefinition(definition(size))]), 'opensearch', painless);
    variants[`t${size}`] = p;
    log(`lookups: tables of ${size} entries, pipeline ${Math.round(JSON.stringify(p).length / 1024)} KB as JSON`);
  }
  const names = Object.keys(variants);
  for (const [v, p] of Object.entries(variants)) {
    const body = p as { processors: object[] };
    await call(node, 'PUT', `/_ingest/pipeline/bench-lookups-${v}`, { ...body, processors: [...body.processors, { drop: {} }] });
    await call(node, 'DELETE', `/bench-lookups-${v}`).catch(() => undefined);
    await call(node, 'PUT', `/bench-lookups-${v}`, { settings: { number_of_replicas: 0, number_of_shards: 1, default_pipeline: `bench-lookups-${v}` } });
  }
  // The documents are right before anything is timed: each value found in its table.
  const simulated = await call<{ docs: { doc: { _source: { winlog: { logon: { type: string } } } } }[] }>(node, 'POST', '/_ingest/pipeline/_simulate', { pipeline: variants[`t${SIZES[1]}`], docs: [{ _source: JSON.parse(lines[3]!) }] });
  if (simulated.docs[0]?.doc._source.winlog.logon.type !== 'type 3') throw new Error(`lookups: the 10 000-entry table did not name type 3: ${JSON.stringify(simulated)}`);
  for (let pass = 0; pass < WARM_UP_PASSES; pass++) for (const v of names) await sendBulk(node, `bench-lookups-${v}`, bodies);
  const us: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  const cpuMs = await nodeCpu(node);
  for (let run = 0; run < RUNS; run++) {
    for (const v of rotate(names, run)) {
      const before = await cpuMs();
      const r = await sendBulk(node, `bench-lookups-${v}`, bodies);
      if (r.failed) throw new Error(`${r.failed} documents failed in bench-lookups-${v}`);
      (us[v] ??= []).push((r.seconds * 1e6) / lines.length);
      (cpu[v] ??= []).push((((await cpuMs()) - before) * 1000) / lines.length);
    }
  }
  for (const v of names) {
    await call(node, 'DELETE', `/bench-lookups-${v}`).catch(() => undefined);
    await call(node, 'DELETE', `/_ingest/pipeline/bench-lookups-${v}`).catch(() => undefined);
  }
  const above = (m: Record<string, number[]>, v: string) => m[v]!.map((x, i) => x - m['empty']![i]!);
  const show = (size: number) => `${size} entries: CPU ${round(median(above(cpu, `t${size}`)), 1)} [${minMax(above(cpu, `t${size}`), 1)}]; wall ${round(median(above(us, `t${size}`)), 1)} [${minMax(above(us, `t${size}`), 1)}]`;
  const [small, large] = SIZES;
  const ratio = (m: Record<string, number[]>) => above(m, `t${large}`).map((x, i) => x / above(m, `t${small}`)[i]!);
  const cpuRatio = median(above(cpu, `t${large}`)) / median(above(cpu, `t${small}`));
  log(`lookups: ${SIZES.map(show).join('; ')}`);
  rows.push({
    measure: `Lookups as tables grow: ${lines.length} events, three fields looked up each, through tables of ${small} and ${large} entries (µs/doc above a pipeline that only drops, median of ${RUNS} [min–max]; node CPU; wall)`,
    value: show(large),
    baseline: show(small),
    ratio: `${large}/${small} CPU ${round(cpuRatio)} [${minMax(ratio(cpu), 2)} run by run]; wall ${round(median(above(us, `t${large}`)) / median(above(us, `t${small}`)))} [${minMax(ratio(us), 2)}]`,
    goal: '≤ 1.10 (CPU)',
    met: cpuRatio <= 1.1,
  });
}

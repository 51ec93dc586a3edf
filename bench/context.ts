/** What every bench section shares: the run's settings, its log, the rows and notes it reports, and small helpers. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli/main.ts';
import { memoryOutput } from '../src/cli/output.ts';
import { benchEvents } from './events.ts';
import { call, round, type Row } from './lib.ts';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const COUNT = Number(process.env['EVFORGE_BENCH_EVENTS'] ?? 200_000);
export const QUERY_COUNT = Number(process.env['EVFORGE_BENCH_QUERY_EVENTS'] ?? 1_000_000);
export const RUNS = 3;
export const HEAP_CAP_MB = 192;
/**
 * The node's JVM heap (-Xms = -Xmx). With the tests' 512 MB–1 GB, G1's young collections took 16 %
 * of the node's wall time in this benchmark (2 137 pauses, 176 s of 1 080) and b ran at 5 500–6 000
 * docs/s; with 4 GB, 77 pauses and 4.7 s in 300 s, and b at 7 700–8 600.
 */
export const NODE_HEAP = '4g';
/** The query corpus: the generated mapping, no pipeline (it matches the bench-a template). */
export const QUERY_STREAM = 'bench-a-queries';
export const only = process.argv.slice(2);
export const wanted = (section: string) => only.length === 0 || only.includes(section);
const benchStart = performance.now();
export const log = (s: string) => process.stderr.write(`[bench ${Math.round((performance.now() - benchStart) / 1000)}s] ${s}\n`);
export const rows: Row[] = [];
export const notes: string[] = [];

export async function cli(cwd: string, argv: string[]): Promise<{ code: number; out: string }> {
  const o = memoryOutput();
  const code = await main(argv, { output: o, cwd });
  return { code, out: [...o.stdout, ...o.stderr].join('\n') };
}

export const rawLines = (count: number, seed: number) => [...benchEvents({ count, seed })];

/**
 * A fresh, empty data stream for one measured load, refreshed only when asked (as a bulk load is
 * usually run): a refresh every second made the node spend its two CPUs merging small segments,
 * the same for every variant, and kept the whole run over 15 minutes on a 2-vCPU machine.
 */
export async function freshStream(node: string, name: string): Promise<void> {
  await call(node, 'DELETE', `/_data_stream/${name}`).catch(() => undefined);
  await call(node, 'PUT', `/_data_stream/${name}`);
  await call(node, 'PUT', `/${name}/_settings`, { index: { refresh_interval: '-1' } });
}

/** The list started at its `k`-th element (wrapping). */
export const rotate = <T>(xs: readonly T[], k: number): T[] => xs.map((_, i) => xs[(i + k) % xs.length]!);

/** `min–max` of the runs. */
export const minMax = (xs: readonly number[], digits: number) => `${round(Math.min(...xs), digits)}–${round(Math.max(...xs), digits)}`;


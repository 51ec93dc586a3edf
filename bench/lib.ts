import { Agent, request } from 'undici';

/** Small helpers for the benchmarks: a raw bulk sender, JSON calls, and statistics. */

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export const percentile = (xs: readonly number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

const agent = new Agent({ connections: 8, keepAliveTimeout: 60_000 });

/** A JSON call; a string body is sent as is, as NDJSON unless `contentType` says otherwise. */
export async function call<T = unknown>(node: string, method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
  const res = await request(`${node}${path}`, {
    method: method as 'GET',
    dispatcher: agent,
    headers: { 'content-type': contentType ?? (typeof body === 'string' ? 'application/x-ndjson' : 'application/json') },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  if (res.statusCode >= 400) throw new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** NDJSON `_bulk` bodies of about `bytes` each, `create` actions (ids when given). */
export function bulkBodies(lines: readonly string[], bytes = 5_000_000, ids?: readonly string[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let size = 0;
  lines.forEach((l, i) => {
    const action = ids ? `{"create":{"_id":"${ids[i]}"}}` : '{"create":{}}';
    cur.push(action, l);
    size += action.length + l.length + 2;
    if (size >= bytes) {
      out.push(`${cur.join('\n')}\n`);
      cur = [];
      size = 0;
    }
  });
  if (cur.length) out.push(`${cur.join('\n')}\n`);
  return out;
}

/** Runs `task(0)` … `task(count - 1)`, `concurrency` at a time, in order of index. */
export async function inParallel(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Sends the bodies to `POST /<index>/_bulk`, `concurrency` at a time; returns seconds taken. */
export async function sendBulk(node: string, index: string, bodies: readonly string[], concurrency = 4): Promise<{ seconds: number; failed: number }> {
  let failed = 0;
  const started = performance.now();
  await inParallel(bodies.length, concurrency, async (i) => {
    const r = await call<{ errors: boolean; items: { create: { status: number } }[] }>(node, 'POST', `/${index}/_bulk`, bodies[i]!);
    if (r.errors) failed += r.items.filter((item) => item.create.status >= 300).length;
  });
  return { seconds: (performance.now() - started) / 1000, failed };
}

/** Wall seconds and peak RSS from `/usr/bin/time -f '%e %M'`, whose line ends its stderr. */
export function timeOutput(stderr: string): { seconds: number; maxRssMb: number } {
  const [seconds, kb] = stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds: seconds!, maxRssMb: kb! / 1024 };
}

export interface Row {
  readonly measure: string;
  readonly value: string;
  readonly baseline?: string;
  readonly ratio?: string;
  readonly goal?: string;
  readonly met?: boolean | undefined;
}

export function table(rows: readonly Row[]): string {
  const head = ['Measure', 'evforge', 'Baseline', 'Ratio', 'Goal', 'Met'];
  const body = rows.map((r) => [r.measure, r.value, r.baseline ?? '', r.ratio ?? '', r.goal ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'no']);
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((c) => `| ${c.join(' | ')} |`)].join('\n');
}

/**
 * RESULTS.md from HAND_WRITTEN on is written by hand (how the bench measures, the reading of a run
 * against the goals, figures measured outside the bench): a new report keeps it, so every benchmark
 * figure of the project stays in that one file.
 */
export const HAND_WRITTEN = '<!-- Written by hand from here on: `npm run bench` rewrites what is above and keeps this. -->';

/** The new measured report followed by the hand-written part of the previous RESULTS.md, if any. */
export function withHandWritten(report: string, previous: string): string {
  const at = previous.indexOf(HAND_WRITTEN);
  return at < 0 ? report : `${report}\n${previous.slice(at)}`;
}

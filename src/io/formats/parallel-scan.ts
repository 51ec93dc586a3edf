import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { FileError, InternalError } from '../../errors.ts';
import { RankSet } from './events.ts';
import type { Encoded } from './decode.ts';
import { detectFormat, scanInput, type Detected, type InputScan, type ReadOptions, type Snapshot } from './input.ts';
import { ask, startWorker } from '../threads.ts';

/**
 * Pass 1 of replay over big inputs, on worker threads: reading and JSON.parse-ing every event is
 * most of the time before the first event is sent, and the main thread meanwhile only loads the
 * definition and the cluster client. NDJSON is cut into stretches at line starts, one per thread,
 * so the CPUs share it; any other file is scanned whole by one thread. What is learned, and any
 * error, is the same as scanInput's, file by file.
 */

/** Inputs at least this big, together, are scanned on worker threads; below, starting them costs more than it saves. */
const WORKER_BYTES = 8 << 20;
/** The least a thread is given of one NDJSON file. */
const STRETCH_BYTES = 4 << 20;

/**
 * A job for a scanning thread: a whole file (its snapshot: the first `size` bytes), or bytes
 * `[start, end)` of an NDJSON file (from a line's start).
 */
export type ScanJob =
  | { readonly kind: 'file'; readonly path: string; readonly label: string; readonly snapshot: Snapshot; readonly options: ReadOptions; readonly ids?: string }
  | { readonly kind: 'stretch'; readonly path: string; readonly label: string; readonly encoded: Encoded; readonly start: number; readonly end: number; readonly ids?: string };

/** A thread's answer; RankSets travel as their bytes. */
export type ScanReply =
  | { readonly kind: 'file'; readonly scan: Omit<InputScan, 'keysMayRepeat'> & { readonly keysMayRepeat: Uint8Array } }
  | { readonly kind: 'stretch'; readonly events: number; readonly keysMayRepeat: Uint8Array }
  | { readonly kind: 'not-ndjson' }
  | { readonly kind: 'error'; readonly path?: string; readonly message: string; readonly hint?: string };

type Named = { readonly path: string; readonly label: string };

/**
 * Pass 1 of replay for several files: what scanInput learns of each, in order; throws the first
 * file's error, as scanning them in order would. Each file's snapshot (its size) is taken first.
 * With `idFolder`, JSON events' ids are written to files there (see id-column.ts).
 */
export async function scanInputs(files: readonly Named[], options: ReadOptions & { idFolder?: string } = {}): Promise<InputScan[]> {
  const idsOf = (file: number, part: string | number) => (options.idFolder === undefined ? {} : { ids: join(options.idFolder, `${file}-${part}.ids`) });
  // Each file's snapshot, encoding and format; an error (no such file) is kept for its turn.
  const detected = await Promise.all(files.map((f) => detectFormat(f.path, f.label, options).catch((err: unknown) => ({ error: err }))));
  const sizes = detected.map((d) => ('size' in d ? d.size : 0));
  if (sizes.reduce((a, b) => a + b, 0) < WORKER_BYTES) {
    const scans: InputScan[] = [];
    for (const [i, f] of files.entries()) {
      const d = detected[i];
      if (!d || 'error' in d) throw d?.error;
      scans.push(await scanInput(f.path, f.label, { ...readOptions(options), snapshot: d, ...idsOf(i, 'whole') }));
    }
    return scans;
  }
  const threads = Math.max(1, Math.min(4, availableParallelism()));
  const plans = await Promise.all(
    files.map(async (f, i) => {
      const d = detected[i];
      if (!d || 'error' in d) return { file: f, jobs: [], error: d?.error };
      const whole: ScanJob = { kind: 'file', ...f, snapshot: { size: d.size, stamp: d.stamp }, options: readOptions(options), ...idsOf(i, 'whole') };
      const parts = Math.min(threads, Math.floor(d.size / STRETCH_BYTES));
      if (!stretchable(d) || parts < 2) return { file: f, jobs: [whole], whole };
      const starts = await lineStarts(f.path, d.size, parts);
      return { file: f, whole, jobs: starts.map((start, j): ScanJob => ({ kind: 'stretch', path: f.path, label: f.label, encoded: d.encoded, start, end: starts[j + 1] ?? d.size, ...idsOf(i, j) })), detected: d };
    }),
  );
  const pool = new ScanPool(threads);
  try {
    const answers = await pool.run(plans.flatMap((p) => p.jobs));
    const scans: InputScan[] = [];
    let at = 0;
    for (const plan of plans) {
      if (plan.error !== undefined || !plan.whole) throw plan.error;
      const replies = answers.slice(at, at + plan.jobs.length);
      at += plan.jobs.length;
      if (plan.jobs[0]?.kind !== 'stretch' || !plan.detected) scans.push(fromReply(replies[0]));
      // A stretch that is not plain NDJSON: the whole file again, by the reader that names what is wrong where.
      else scans.push(joinStretches(replies, plan.detected, plan.jobs) ?? fromReply((await pool.run([plan.whole]))[0]));
    }
    return scans;
  } finally {
    await pool.close();
  }
}

/** Only how to read (the id folder is the caller's). */
const readOptions = (o: ReadOptions): ReadOptions => (o.encoding === undefined ? {} : { encoding: o.encoding });

/** NDJSON in an encoding where a line break is the byte 0A: cut at line starts, its stretches decode on their own. */
const stretchable = (d: Detected): boolean => d.format === 'json' && (d.encoded.encoding === 'utf-8' || d.encoded.encoding === 'windows-1252');

function fromReply(reply: ScanReply | undefined): InputScan {
  if (reply?.kind === 'file') return { ...reply.scan, keysMayRepeat: RankSet.of(reply.scan.keysMayRepeat) };
  if (reply?.kind === 'error') throw reply.path === undefined ? new InternalError(reply.message) : new FileError(reply.path, reply.message, reply.hint);
  throw new InternalError(`the scanning thread answered ${reply?.kind ?? 'nothing'}`);
}

/** The stretches of one NDJSON file as one scan; undefined if the replies are not all stretches (a whole-file job, or one that was not NDJSON). */
function joinStretches(replies: readonly ScanReply[], detected: Detected, jobs: readonly ScanJob[]): InputScan | undefined {
  if (replies.length === 0 || replies.some((r) => r.kind !== 'stretch')) return undefined;
  const marks = new RankSet();
  let count = 0;
  for (const r of replies) {
    if (r.kind !== 'stretch') continue;
    marks.addAll(RankSet.of(r.keysMayRepeat), count);
    count += r.events;
  }
  const ids = jobs.flatMap((j) => (j.ids === undefined ? [] : [j.ids]));
  return { count, oneLinePerEvent: true, keysMayRepeat: marks, ...detected, ...(ids.length === jobs.length ? { ids } : {}) };
}

/** Where `parts` stretches of about equal size begin: 0, then the first line start at or after each cut. */
async function lineStarts(path: string, size: number, parts: number): Promise<number[]> {
  const starts = [0];
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    for (let i = 1; i < parts; i++) {
      let at = Math.floor((i * size) / parts);
      for (;;) {
        const { bytesRead } = await handle.read(buf, 0, buf.length, at);
        const nl = buf.subarray(0, bytesRead).indexOf(10);
        if (bytesRead === 0 || nl >= 0) {
          at = bytesRead === 0 ? size : at + nl + 1;
          break;
        }
        at += bytesRead;
      }
      if (at < size && at > (starts[starts.length - 1] ?? 0)) starts.push(at);
    }
  } finally {
    await handle.close();
  }
  return starts;
}

/** Worker threads answering ScanJobs, each busy with one at a time. */
class ScanPool {
  private readonly workers: Worker[] = [];
  constructor(private readonly size: number) {}

  async run(jobs: readonly ScanJob[]): Promise<ScanReply[]> {
    const replies: ScanReply[] = [];
    let next = 0;
    while (this.workers.length < Math.min(this.size, jobs.length)) this.workers.push(startWorker(import.meta.url, 'scan-worker'));
    await Promise.all(
      this.workers.map(async (w) => {
        for (let i = next++; i < jobs.length; i = next++) {
          const job = jobs[i];
          if (job) replies[i] = await ask<ScanReply>(w, job, 'a scanning thread');
        }
      }),
    );
    return replies;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

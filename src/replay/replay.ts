import { resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import type { BulkDocument, ConnectionOptions } from '../io/cluster/client.ts';
import type { Cluster } from '../io/cluster/cluster.ts';
import type { EventText } from '../io/events.ts';
import { readInput, type InputFormat, type InputScan } from '../io/formats/input.ts';
import { scanInputs } from '../io/formats/parallel-scan.ts';
import { displayPath } from '../io/loader.ts';
import { prepareEvent, repairPaths, type EventRepair } from '../io/lossless.ts';
import { FailureRecords, failureOf, type ReplayFailure } from './failure-records.ts';
import { documentId } from './ids.ts';
import { InFlight } from './in-flight.ts';

export type { ReplayFailure } from './failure-records.ts';

/** An event file read and checked whole (pass 1), ready to be sent. */
export interface ScannedFile {
  readonly path: string;
  /** The path as shown in messages (relative to the working folder when inside it). */
  readonly label: string;
  readonly scan: InputScan;
}

export interface ScannedFiles {
  readonly files: readonly ScannedFile[];
  /** Events in all files. */
  readonly total: number;
}

export interface SendOptions {
  /** The data stream to fill; an index template with a default pipeline must match it (`evforge push` first). */
  readonly dataStream: string;
  /** Bulk request size in bytes, 1024 to 100 000 000 (default 5 000 000). */
  readonly batchBytes?: number;
  /** Bulk requests in flight, 1 to 64 (default 4). */
  readonly concurrency?: number;
  /** Told how many events have been handed to the bulk runner so far, every 500 and at the end. */
  readonly onProgress?: (sent: number, total: number) => void;
}

export interface ReplayOptions extends SendOptions {
  /** Event files: NDJSON, JSON objects or one array, Windows event XML, evtx_dump JSON (told by content). */
  readonly files: readonly string[];
  /** A connected cluster (left open), or how to reach one (connected, then closed). */
  readonly cluster: Cluster | ConnectionOptions;
  /** The folder relative paths start from (default: the process's). */
  readonly cwd?: string;
}

/** A kind of change replay made to some events so the engine keeps them: how many, and the first few named. */
export interface Repaired {
  readonly events: number;
  /** `file:line: …`, at most 3. */
  readonly examples: readonly string[];
}

export interface ReplayResult {
  readonly dataStream: string;
  readonly files: readonly { readonly label: string; readonly format: InputFormat; readonly events: number }[];
  /** Events read and handed to the bulk runner. */
  readonly sent: number;
  /** Documents the engine indexed: events, and refused events kept as failure records. */
  readonly indexed: number;
  /** Events whose `_id` the data stream already held (a retry, or a replay of the same file). */
  readonly alreadyPresent: number;
  /** Events neither indexed nor kept; `failures` names the first 100. */
  readonly failed: number;
  /** Events the engine refused and replay stored as failure records (`event.kind: pipeline_error`, the event in `event.original`). */
  readonly failureRecords: Repaired;
  /** Events with numbers other than 64-bit integers, sent as strings of their exact text. */
  readonly numbersAsText: Repaired;
  /** Events with a repeated key: the last value kept, earlier ones in `evforge.invalid`. */
  readonly repeatedKeys: Repaired;
  readonly failures: readonly ReplayFailure[];
  /** Bulk items retried by the client (429s). */
  readonly retried: number;
  /** The bulk run stopped early. */
  readonly aborted: boolean;
  /** sent − indexed − already present − failed: 0 unless events went unaccounted for. */
  readonly unaccounted: number;
}

const MAX_FAILURES = 100;

/**
 * Pass 1: reads every file whole, telling its format by content and validating every event; throws
 * a located FileError at the first bad one, before anything is sent. Keeps a bit per event at most.
 */
export async function scanFiles(files: readonly string[], cwd = process.cwd()): Promise<ScannedFiles> {
  const named = files.map((f) => ({ path: resolve(cwd, f), label: displayPath(resolve(cwd, f), cwd) }));
  const scans = await scanInputs(named);
  const scanned = named.flatMap((f, i) => {
    const scan = scans[i];
    return scan ? [{ ...f, scan }] : [];
  });
  return { files: scanned, total: scanned.reduce((n, f) => n + f.scan.count, 0) };
}

function checkCount(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

/** Tallies one kind of repair: a count and the first few events named. */
class Tally {
  events = 0;
  readonly examples: string[] = [];
  constructor(private readonly keep: number) {}
  add(example: () => string): void {
    this.events++;
    if (this.examples.length < this.keep) this.examples.push(example());
  }
  result(): Repaired {
    return { events: this.events, examples: this.examples };
  }
}

/**
 * Pass 2: sends the scanned files' events through the data stream's pipeline with the client's bulk
 * helper, each as `create` with its deterministic `_id` (see documentId), its text as read (so
 * integers beyond 2^53 arrive exact) unless prepareEvent had to change it. Events the engine
 * refuses are kept as failure records. Nothing is printed; the result counts every event.
 */
export async function sendEvents(cluster: Cluster, scanned: ScannedFiles, options: SendOptions): Promise<ReplayResult> {
  const batchBytes = checkCount('batchBytes', options.batchBytes ?? 5_000_000, 1024, 100_000_000);
  const concurrency = checkCount('concurrency', options.concurrency ?? 4, 1, 64);
  const { dataStream, onProgress } = options;
  const settings = await cluster.resolvedIndexSettings(dataStream);
  if (!settings?.['default_pipeline']) {
    throw new UsageError(`no index template with a pipeline matches ${dataStream}`, 'run `npx evforge push --node …` first, so events go through the pipeline');
  }

  const { total } = scanned;
  let sent = 0;
  let alreadyPresent = 0;
  let dropped = 0;
  const failures: ReplayFailure[] = [];
  const fail = (f: ReplayFailure) => {
    dropped++;
    if (failures.length < MAX_FAILURES) failures.push(f);
  };
  // Documents still in flight (origin and text), to name a dropped one and keep what the engine
  // refused; bounded by the bytes in flight, not by the file. The bulk helper holds at most
  // `concurrency` requests plus the one being filled: that much is kept, plus a margin (the texts
  // are the helper's own strings, not copies).
  const inFlight = new InFlight(Math.ceil(1.5 * batchBytes * (concurrency + 1)));
  const records = new FailureRecords(cluster, dataStream, batchBytes);
  const numbers = new Tally(2);
  const duplicates = new Tally(3);
  const noteRepair = (e: EventText, repair: EventRepair) => {
    if (repair.numbersAsText > 0) numbers.add(() => `${e.origin}: sent as text: ${repairPaths(e.text).numbersAsText.slice(0, 4).join(', ')}`);
    if (repair.duplicates > 0) duplicates.add(() => `${e.origin}: duplicate key: ${[...new Set(repairPaths(e.text).duplicates)].slice(0, 4).join(', ')}`);
  };

  async function* documents(): AsyncGenerator<BulkDocument> {
    for (const f of scanned.files) {
      // Windows XML and evtx_dump events are JSON.stringify'd trees of strings: nothing to repair.
      const json = f.scan.format === 'json';
      let line = 0;
      let nth = 0;
      let rank = 0;
      for await (const e of readInput(f.path, f.label, f.scan)) {
        sent++;
        // The event's place: the line it starts on, and which event starting on that line it is.
        nth = e.line === line ? nth + 1 : 1;
        line = e.line;
        const id = documentId(e.text, `${line}.${nth}`);
        // The original text is what a failure record keeps; the repaired one is what is sent.
        inFlight.add(id, e.origin, e.text);
        const repair = json ? prepareEvent(e.text, { keysMayRepeat: e.keysMayRepeat ?? f.scan.keysMayRepeat.has(rank) }) : undefined;
        rank++;
        if (repair) noteRepair(e, repair);
        if (onProgress && sent % 500 === 0) onProgress(sent, total);
        yield { id, text: repair?.text ?? e.text };
      }
    }
  }

  const result = await cluster.bulk({
    index: dataStream,
    documents: documents(),
    onDrop: (d) => {
      const doc = inFlight.get(d.id);
      // A create that meets its own id: this very event was indexed before (a retry or a re-run).
      if (d.status === 409 && d.type === 'version_conflict_engine_exception') alreadyPresent++;
      // The engine refused the document itself: keep it, whole, as a failure record (from the
      // client's copy, digits beyond 2^53 rounded, in the unlikely case its text was forgotten).
      else if (d.status === 400 && (doc || d.document !== undefined)) records.keep(d, doc ?? { origin: `_id ${d.id}`, text: JSON.stringify(d.document) });
      else fail(failureOf(doc?.origin ?? `_id ${d.id}`, d));
    },
    refresh: true,
    flushBytes: batchBytes,
    concurrency,
  });
  const kept = await records.finish();
  onProgress?.(sent, total);
  for (const f of kept.failed) fail(f);

  const indexed = result.successful + kept.indexed;
  alreadyPresent += kept.alreadyPresent;
  return {
    dataStream,
    files: scanned.files.map((f) => ({ label: f.label, format: f.scan.format, events: f.scan.count })),
    sent,
    indexed,
    alreadyPresent,
    failed: dropped,
    failureRecords: { events: kept.indexed + kept.alreadyPresent, examples: kept.examples },
    numbersAsText: numbers.result(),
    repeatedKeys: duplicates.result(),
    failures,
    retried: result.retried,
    aborted: result.aborted,
    unaccounted: sent - indexed - alreadyPresent - dropped,
  };
}

/**
 * Replays event files into a data stream, through its pipeline: every file is read and checked
 * first (a bad event stops everything before anything is sent, with a located FileError), then sent
 * with deterministic ids, so a retry or a second run indexes nothing twice. Returns the counts and
 * failures; prints nothing.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const scanned = await scanFiles(options.files, options.cwd);
  if (!('node' in options.cluster)) return sendEvents(options.cluster, scanned, options);
  // The client is loaded when needed (and after the scan has started).
  const { Cluster } = await import('../io/cluster/cluster.ts');
  const cluster = await Cluster.connect(options.cluster);
  try {
    return await sendEvents(cluster, scanned, options);
  } finally {
    await cluster.close();
  }
}

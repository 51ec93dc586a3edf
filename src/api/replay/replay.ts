import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { FileError, UsageError } from '../../errors.ts';
import { messageOf } from '../../guards.ts';
import type { BulkDocument, BulkDrop, ConnectionOptions } from '../../io/cluster/client.ts';
import type { Cluster } from '../../io/cluster/cluster.ts';
import { ClusterError } from '../../io/cluster/errors.ts';
import type { EventText } from '../../io/formats/events.ts';
import { countLineBreaks, type TextEncoding } from '../../io/formats/decode.ts';
import { readInput, sameFile, snapshotOf, type InputFormat, type InputScan, type ReadOptions } from '../../io/formats/input.ts';
import { scanInputs } from '../../io/formats/parallel-scan.ts';
import { displayPath } from '../../io/loader.ts';
import { prepareEvent, repairPaths, type EventRepair } from '../../io/lossless.ts';
import { FailureRecords, failureOf, type ReplayFailure } from './failure-records.ts';
import { documentId, eventDigest, idText } from '../../event-ids.ts';
import { IdReader, idFolder, removeIdFolder } from '../../io/formats/id-column.ts';
import { InFlight, type SentDocument } from './in-flight.ts';

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
  /** Where pass 1 wrote the JSON events' ids (see id-column.ts); sendEvents removes it, or releaseScan when nothing is sent. */
  readonly idFolder?: string;
}

/** Removes what pass 1 left for pass 2 (sendEvents does it itself). */
export function releaseScan(scanned: ScannedFiles): void {
  if (scanned.idFolder !== undefined) removeIdFolder(scanned.idFolder);
}

export interface SendOptions {
  /** The data stream to fill; an index template with a default pipeline must match it (`evforge push` first). */
  readonly dataStream: string;
  /** Bulk request size in bytes, 1024 to 100 000 000 (default 5 000 000; at most half the engine's request limit). */
  readonly batchBytes?: number;
  /** Bulk requests in flight, 1 to 64 (default 4). */
  readonly concurrency?: number;
  /** Told how many events have been handed to the bulk runner so far, every 500 and at the end. */
  readonly onProgress?: (sent: number, total: number) => void;
}

export interface ReplayOptions extends SendOptions, ReadOptions {
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

/** What of a file was not sent, and why. */
export interface NotSent {
  /** The first line not sent. */
  readonly line: number;
  /** Bytes the file holds beyond what was sent (those written after it was checked, for a growing file). */
  readonly bytes: number;
  /** Line breaks in them. */
  readonly lines: number;
  readonly reason: 'grew' | 'unfinished' | 'unreadable';
  /** For `unreadable`: what reading it again said. */
  readonly detail?: string;
}

export interface ReplayedFile {
  readonly label: string;
  readonly format: InputFormat;
  readonly encoding: TextEncoding;
  /** Events checked in the file (its snapshot: the bytes it held when pass 1 began). */
  readonly events: number;
  /** The part of the file replay did not send, if any. */
  readonly notSent?: NotSent;
  /** Of its first events sent (up to 50): how many the data stream holds, and how many of those its pipeline recognized. */
  readonly recognized?: { readonly sampled: number; readonly recognized: number };
}

export interface ReplayResult {
  readonly dataStream: string;
  readonly files: readonly ReplayedFile[];
  /** Events taken up (read in pass 2): each is indexed, already present, failed, or unaccounted. */
  readonly sent: number;
  /** Events checked but never taken up (a file unreadable in pass 2, or the run stopped). */
  readonly notSent: number;
  /** Documents the engine indexed: events, and refused events kept as failure records. */
  readonly indexed: number;
  /** Events whose `_id` the data stream already held (the same event replayed before, from any export of it). */
  readonly alreadyPresent: number;
  /** Events neither indexed nor kept; `failures` names the first 100. */
  readonly failed: number;
  /** Events the engine refused and replay stored as failure records (`event.kind: pipeline_error`, the event in `event.original`). */
  readonly failureRecords: Repaired;
  /** Events with numbers other than 64-bit integers, sent as strings of their exact text. */
  readonly numbersAsText: Repaired;
  /** Events with a repeated key: the last value kept, earlier ones in `evforge.invalid`. */
  readonly repeatedKeys: Repaired;
  /** Documents this run added that the pipeline marked `evforge.unrecognized: true`; undefined when it could not be counted. */
  readonly unrecognized: number | undefined;
  readonly failures: readonly ReplayFailure[];
  /** Bulk items retried by the client (429s). */
  readonly retried: number;
  /** The bulk run stopped early; `error` says why. */
  readonly aborted: boolean;
  readonly error?: string;
  /** sent − indexed − already present − failed: 0 unless events went unaccounted for. */
  readonly unaccounted: number;
  /** The largest event sent (bytes): the engine's request limit less the request's other content. */
  readonly maxEventBytes: number;
  /** Where the request limit came from: the cluster's settings, or the engines' default (the cluster did not say). */
  readonly limitFromCluster: boolean;
  /** Things that went wrong after the events were sent (the final refresh), said in words. */
  readonly warnings: readonly string[];
}

const MAX_FAILURES = 100;
/** Events of each file whose documents are read back to tell whether the pipeline recognized the file. */
const SAMPLE = 50;
const UNRECOGNIZED = { term: { 'evforge.unrecognized': true } };

/**
 * Pass 1: takes each file's snapshot (its size now), reads it whole, telling its format by content
 * and validating every event; throws a located FileError at the first bad one, before anything is
 * sent. Keeps a bit per event at most.
 */
export async function scanFiles(files: readonly string[], cwd = process.cwd(), options: ReadOptions = {}): Promise<ScannedFiles> {
  const named = files.map((f) => ({ path: resolve(cwd, f), label: displayPath(resolve(cwd, f), cwd) }));
  const folder = idFolder();
  let scans: InputScan[];
  try {
    scans = await scanInputs(named, { ...options, idFolder: folder });
  } catch (err) {
    removeIdFolder(folder);
    throw err;
  }
  const scanned = named.flatMap((f, i) => {
    const scan = scans[i];
    return scan ? [{ ...f, scan }] : [];
  });
  return { files: scanned, total: scanned.reduce((n, f) => n + f.scan.count, 0), idFolder: folder };
}

function checkCount(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
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
 * The request sizes replay keeps to, from the engine's limit (`http.max_content_length`): the bulk
 * helper fills a request up to `flushBytes` and then adds the event at hand, and does not count
 * the line breaks between lines (2 bytes an event, at most 5 % of a request of tiny events).
 */
function requestLimits(limit: number, batchBytes: number, index: string) {
  const flushBytes = Math.min(batchBytes, Math.floor(limit / 2));
  const action = Buffer.byteLength(`{"create":{"_index":${JSON.stringify(index)},"_id":"${'x'.repeat(24)}"}}`) + 2;
  return {
    flushBytes,
    action,
    /** An event up to this size goes in a request with others. */
    shared: limit - Math.ceil(flushBytes * 1.05) - action - 1024,
    /** Up to this, in a request of its own; beyond, the engine would refuse it (HTTP 413). */
    alone: limit - action - 1024,
  };
}

/**
 * Pass 2: sends the scanned files' events through the data stream's pipeline with the client's bulk
 * helper, each as `create` with its `_id` (documentId: the event's identity, else its content), its
 * text as read (so integers beyond 2^53 arrive exact) unless prepareEvent had to change it. Reads
 * each file's snapshot only, and no more events than pass 1 counted, and refuses a file replaced or
 * rewritten since (what pass 1 checked is what is sent). An event larger than the
 * engine accepts is counted failed and not sent; one nearly that large goes in a request of its
 * own. Events the engine refuses are kept as failure records. A request failing as a whole stops
 * the run, which is counted, not thrown. Nothing is printed; the result counts every event.
 */
export async function sendEvents(cluster: Cluster, scanned: ScannedFiles, options: SendOptions): Promise<ReplayResult> {
  try {
    return await send(cluster, scanned, options);
  } finally {
    releaseScan(scanned);
  }
}

async function send(cluster: Cluster, scanned: ScannedFiles, options: SendOptions): Promise<ReplayResult> {
  const batchBytes = checkCount('batchBytes', options.batchBytes ?? 5_000_000, 1024, 100_000_000);
  const concurrency = checkCount('concurrency', options.concurrency ?? 4, 1, 64);
  const { dataStream, onProgress } = options;
  const settings = await cluster.resolvedIndexSettings(dataStream);
  if (!settings?.['default_pipeline']) {
    throw new UsageError(`no index template with a pipeline matches ${dataStream}`, 'run `npx evforge push --node …` first, so events go through the pipeline');
  }

  const { total } = scanned;
  const limit = total > 0 ? await cluster.maxRequestBytes() : { bytes: 100 * 1024 * 1024, fromCluster: false };
  const { flushBytes, action, shared, alone } = requestLimits(limit.bytes, batchBytes, dataStream);
  const labels = scanned.files.map((f) => f.label);
  let sent = 0;
  let notSent = 0;
  let alreadyPresent = 0;
  let dropped = 0;
  let soloIndexed = 0;
  let handed = 0;
  const failures: ReplayFailure[] = [];
  const fail = (f: ReplayFailure, events = 1) => {
    dropped += events;
    if (failures.length < MAX_FAILURES) failures.push(f);
  };
  /** Per file, when it could not be read again: why, and the line after the last event taken from it. */
  const unreadable: ({ detail: string; line: number } | undefined)[] = scanned.files.map(() => undefined);
  const samples: string[][] = scanned.files.map(() => []);
  // Documents still in flight (file, line and text), to name a dropped one and keep what the engine
  // refused; bounded by what the bulk helper holds — `concurrency` requests plus the one being
  // filled — and a request's worth more, counted as the helper counts them (each event's text and
  // its action line), so tiny events are bounded too (the texts are the helper's own strings).
  const budget = (concurrency + 2) * flushBytes;
  const inFlight = new InFlight({ bytes: budget, events: Math.ceil(budget / action) }, action);
  const records = new FailureRecords(cluster, dataStream, { batchBytes: flushBytes, shared, alone });
  const numbers = new Tally(2);
  const duplicates = new Tally(3);
  const noteRepair = (e: EventText, repair: EventRepair) => {
    if (repair.numbersAsText > 0) numbers.add(() => `${e.origin}: sent as text: ${repairPaths(e.text).numbersAsText.slice(0, 4).join(', ')}`);
    if (repair.duplicates > 0) duplicates.add(() => `${e.origin}: duplicate key: ${[...new Set(repairPaths(e.text).duplicates)].slice(0, 4).join(', ')}`);
  };

  const onDrop = (d: BulkDrop, known?: SentDocument) => {
    const doc = known ?? inFlight.get(d.id);
    const origin = doc ? `${labels[doc.file] ?? '?'}:${doc.line}` : `_id ${d.id}`;
    // A create that meets its own id: this very event was indexed before (a retry, a re-run, another export of it).
    if (d.status === 409 && d.type === 'version_conflict_engine_exception') alreadyPresent++;
    // The engine refused the document itself: keep it, whole, as a failure record (from the
    // client's copy, digits beyond 2^53 rounded, in the unlikely case its text was forgotten).
    else if (d.status === 400 && (doc || d.document !== undefined)) records.keep(d, { origin, text: doc?.text ?? JSON.stringify(d.document) });
    else fail(failureOf(origin, d));
  };

  /** An event too big to share a request: sent in one of its own. */
  const sendAlone = async (document: BulkDocument, doc: SentDocument, origin: string) => {
    let answered = false;
    const r = await cluster.bulk({
      index: dataStream,
      documents: [document],
      onDrop: (d) => {
        answered = true;
        onDrop(d, doc);
      },
      flushBytes: alone,
      concurrency: 1,
      reportStop: true,
    });
    soloIndexed += r.successful;
    if (r.error && r.successful === 0 && !answered) fail({ origin, status: r.error.details.status ?? 0, type: r.error.details.type ?? 'request_failed', reason: r.error.message });
  };

  async function* documents(): AsyncGenerator<BulkDocument> {
    for (const [file, f] of scanned.files.entries()) {
      // Windows XML and evtx_dump events are JSON.stringify'd trees of strings: nothing to repair.
      const json = f.scan.format === 'json';
      let rank = 0;
      let line = 0;
      // JSON events' ids, as pass 1 computed them; converted events' from their conversion.
      const ids = json && f.scan.ids ? new IdReader(f.scan.ids) : undefined;
      try {
        // Pass 2 does not parse events again: it reads the snapshot pass 1 checked, of a file
        // still the same (not replaced, not rewritten: only appended to, if written at all).
        if (!sameFile(f.scan, await snapshotOf(f.path, f.label))) throw new FileError(f.label, 'replaced or rewritten after it was checked');
        for await (const e of readInput(f.path, f.label, f.scan)) {
          sent++;
          line = e.line;
          const r = rank++;
          if (onProgress && sent % 500 === 0) onProgress(sent, total);
          const id = e.value ? idText(eventDigest(e.text, e.value)) : (ids?.take() ?? documentId(e.text));
          if (id === undefined) {
            fail({ origin: e.origin, status: 0, type: 'changed_since_checked', reason: 'the event is no longer a JSON object: the file was changed after it was checked; not sent' });
            continue;
          }
          const repair = json ? prepareEvent(e.text, { keysMayRepeat: e.keysMayRepeat ?? f.scan.keysMayRepeat.has(r) }) : undefined;
          const text = repair?.text ?? e.text;
          // A character takes at most 3 bytes in UTF-8: only an event that might be large is measured.
          const bytes = text.length * 3 > shared ? Buffer.byteLength(text) : text.length;
          if (bytes > alone) {
            fail({ origin: e.origin, status: 413, type: 'event_too_large', reason: `the event takes ${bytes} bytes; the engine accepts requests of at most ${limit.bytes} bytes (http.max_content_length${limit.fromCluster ? '' : ', its default'}); not sent` });
            continue;
          }
          if (repair) noteRepair(e, repair);
          handed++;
          const sample = samples[file];
          if (sample && sample.length < SAMPLE) sample.push(id);
          // The original text is what a failure record keeps; the repaired one is what is sent.
          const doc = { file, line: e.line, text: e.text };
          if (bytes > shared) {
            await sendAlone({ id, text }, doc, e.origin);
            continue;
          }
          inFlight.add(id, file, e.line, e.text);
          yield { id, text };
        }
      } catch (err) {
        // The file could not be read again (deleted, replaced by something unreadable): the rest of it is not sent.
        unreadable[file] = { detail: messageOf(err), line: line + 1 };
        notSent += f.scan.count - rank;
      } finally {
        ids?.close();
      }
    }
  }

  // Counted before anything is sent: the difference after the final refresh is what this run added.
  const before = total > 0 ? await countUnrecognized(cluster, dataStream) : 0;
  let result: { successful: number; retried: number; aborted: boolean; error?: ClusterError } = { successful: 0, retried: 0, aborted: false };
  if (total > 0) {
    result = await cluster.bulk({ index: dataStream, documents: documents(), onDrop, flushBytes, concurrency, reportStop: true });
    // Events the run never took up, having stopped.
    notSent += total - sent - notSent;
  }
  const kept = await records.finish();
  onProgress?.(sent, total);
  dropped += kept.failed;
  for (const f of kept.failures) if (failures.length < MAX_FAILURES) failures.push(f);

  const warnings: string[] = [];
  // One refresh, so what was sent is searchable when replay returns (a data stream nothing reached may not exist).
  if (handed > 0) {
    await cluster.refresh(dataStream).catch((err: unknown) => {
      if (!(err instanceof ClusterError && err.details.status === 404)) warnings.push(`the final refresh failed (${messageOf(err)}): the events are stored, and searchable within the index's refresh interval`);
    });
  }
  const indexed = result.successful + soloIndexed + kept.indexed;
  alreadyPresent += kept.alreadyPresent;
  const after = handed > 0 ? await countUnrecognized(cluster, dataStream) : 0;
  const recognized = handed > 0 ? await sampleRecognition(cluster, dataStream, samples) : [];
  const files = await Promise.all(scanned.files.map((f, i) => replayedFile(f, unreadable[i], recognized[i])));
  return {
    dataStream,
    files,
    sent,
    notSent,
    indexed,
    alreadyPresent,
    failed: dropped,
    failureRecords: { events: kept.indexed + kept.alreadyPresent, examples: kept.examples },
    numbersAsText: numbers.result(),
    repeatedKeys: duplicates.result(),
    unrecognized: before === undefined || after === undefined ? undefined : Math.max(0, after - before),
    failures,
    retried: result.retried,
    aborted: result.aborted,
    ...(result.error ? { error: result.error.message } : {}),
    unaccounted: sent - indexed - alreadyPresent - dropped,
    maxEventBytes: alone,
    limitFromCluster: limit.fromCluster,
    warnings,
  };
}

/**
 * Documents of the data stream marked unrecognized, counted before the run and after its refresh
 * (the difference is what this run added, unless another writer added some meanwhile); 0 for a
 * data stream that does not exist yet, undefined when the count fails.
 */
async function countUnrecognized(cluster: Cluster, dataStream: string): Promise<number | undefined> {
  try {
    return (await cluster.search(dataStream, UNRECOGNIZED, 0)).total;
  } catch (err) {
    return err instanceof ClusterError && err.details.status === 404 ? 0 : undefined;
  }
}

/** For each file, of the documents of its sampled ids: how many the data stream holds and how many are recognized. */
async function sampleRecognition(cluster: Cluster, dataStream: string, samples: readonly (readonly string[])[]): Promise<({ sampled: number; recognized: number } | undefined)[]> {
  const all = [...new Set(samples.flat())];
  try {
    const present = new Set<string>();
    const known = new Set<string>();
    for (let i = 0; i < all.length; i += 1000) {
      const values = all.slice(i, i + 1000);
      for (const id of (await cluster.search(dataStream, { ids: { values } }, values.length)).ids) present.add(id);
      for (const id of (await cluster.search(dataStream, { bool: { filter: [{ ids: { values } }], must_not: [UNRECOGNIZED] } }, values.length)).ids) known.add(id);
    }
    return samples.map((ids) => ({ sampled: ids.filter((id) => present.has(id)).length, recognized: ids.filter((id) => known.has(id)).length }));
  } catch {
    return samples.map(() => undefined);
  }
}

/** What became of one file: its counts, and the part of it not sent (grown, unfinished at the end, or unreadable). */
async function replayedFile(f: ScannedFile, unreadable: { detail: string; line: number } | undefined, recognized: { sampled: number; recognized: number } | undefined): Promise<ReplayedFile> {
  const { scan } = f;
  const base: ReplayedFile = { label: f.label, format: scan.format, encoding: scan.encoded.encoding, events: scan.count, ...(recognized ? { recognized } : {}) };
  if (unreadable !== undefined) return { ...base, notSent: { line: unreadable.line, bytes: scan.size, lines: 0, reason: 'unreadable', detail: unreadable.detail } };
  const now = await stat(f.path).then(
    (s) => s.size,
    () => scan.size,
  );
  if (now <= scan.size && scan.cutAtLine === undefined) return base;
  const { encoding, bom } = scan.encoded;
  try {
    const line = scan.cutAtLine ?? 1 + (await countLineBreaks(f.path, encoding, bom, scan.size));
    const lines = await countLineBreaks(f.path, encoding, scan.size, now);
    return { ...base, notSent: { line, bytes: Math.max(0, now - scan.size), lines, reason: scan.cutAtLine === undefined ? 'grew' : 'unfinished' } };
  } catch (err) {
    return { ...base, notSent: { line: scan.cutAtLine ?? 0, bytes: Math.max(0, now - scan.size), lines: 0, reason: 'grew', detail: messageOf(err) } };
  }
}

/**
 * Replays event files into a data stream, through its pipeline: every file is read and checked
 * first (a bad event stops everything before anything is sent, with a located FileError), then sent
 * with ids from what identifies each event, so a retry, a second run or another export of the same
 * events indexes nothing twice. Returns the counts and failures; prints nothing.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const scanned = await scanFiles(options.files, options.cwd, options.encoding ? { encoding: options.encoding } : {});
  if (!('node' in options.cluster)) return sendEvents(options.cluster, scanned, options);
  // The client is loaded when needed (and after the scan has started).
  const { Cluster } = await import('../../io/cluster/cluster.ts');
  const cluster = await Cluster.connect(options.cluster);
  try {
    return await sendEvents(cluster, scanned, options);
  } finally {
    await cluster.close();
  }
}

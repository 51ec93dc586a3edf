import { stat } from 'node:fs/promises';
import { countEvents, readError, readEvents, readLines, scanEvents, type EventFileScan, type EventText } from './events.ts';
import { decodedText, detectEncoding, looseText, readHead, type Encoded, type TextEncoding, type TextSource } from './decode.ts';
import { readEvtxJson } from './evtx-json.ts';
import { IdWriter } from './id-column.ts';
import { readWindowsXml } from './windows-xml.ts';

/** What an event file holds, told by its content (never by its name). */
export type InputFormat = 'json' | 'windows-xml' | 'evtx-json';

export const FORMAT_NAMES: Record<InputFormat, string> = {
  json: 'JSON events',
  'windows-xml': 'Windows event XML',
  'evtx-json': 'evtx_dump JSON',
};

export interface InputScan extends EventFileScan {
  readonly format: InputFormat;
  readonly encoded: Encoded;
  /**
   * The file's size when it was checked (the snapshot): both passes read these bytes and no
   * others, so what is appended meanwhile (a live log) is neither checked nor sent.
   */
  readonly size: number;
  readonly stamp: FileStamp;
  /** JSON events: files holding each event's id, in order (see id-column.ts); none when pass 1 was not asked to write them. */
  readonly ids?: readonly string[];
}

/** Which file it was, and when it was last written, when its snapshot was taken. */
export interface FileStamp {
  readonly device: number;
  readonly inode: number;
  readonly modified: number;
}

/** A file's size and stamp, taken together: its snapshot. */
export interface Snapshot {
  readonly size: number;
  readonly stamp: FileStamp;
}

/** The file's snapshot now. */
export async function snapshotOf(path: string, label = path): Promise<Snapshot> {
  try {
    const s = await stat(path);
    return { size: s.size, stamp: { device: s.dev, inode: s.ino, modified: s.mtimeMs } };
  } catch (err) {
    throw readError(err, label);
  }
}

/**
 * Whether the file is still the one checked, with the snapshot's bytes unchanged as far as its
 * metadata tells: the same inode, not shorter, and written since only if it grew (appended to).
 */
export function sameFile(then: Snapshot, now: Snapshot): boolean {
  const a = then.stamp;
  const b = now.stamp;
  return a.device === b.device && a.inode === b.inode && now.size >= then.size && (now.size > then.size || a.modified === b.modified);
}

/** How to read the files: `encoding` is what `--encoding` says (a byte-order mark still decides). */
export interface ReadOptions {
  readonly encoding?: TextEncoding;
}

/** A file's snapshot, its encoding and its format. */
export interface Detected extends Snapshot {
  readonly format: InputFormat;
  readonly encoded: Encoded;
}

/**
 * The size (the snapshot replay reads), the encoding (see detectEncoding), and the format from the
 * first characters, past a byte-order mark, blank lines and evtx_dump's `Record N` lines: `<` is
 * Windows event XML; `{"Event": …` (or `{"Event_attributes": …`, or a JSON array of those) is
 * evtx_dump's JSON; anything else goes to the JSON reader (the seed's shape, Winlogbeat's), which
 * names what is wrong with it.
 */
export async function detectFormat(path: string, label = path, options: ReadOptions & { snapshot?: Snapshot } = {}): Promise<Detected> {
  const snapshot = options.snapshot ?? (await snapshotOf(path, label));
  const head = (await readHead(path, label)).subarray(0, snapshot.size);
  const encoded = detectEncoding(head, label, options.encoding);
  const start = looseText(head.subarray(encoded.bom), encoded.encoding).replace(/^(?:\s|Record \d+\r?\n)+/, '');
  const format: InputFormat = start.startsWith('<') ? 'windows-xml' : /^\[?\s*\{\s*"Event(?:_attributes)?"\s*:/.test(start) ? 'evtx-json' : 'json';
  return { format, encoded, size: snapshot.size, stamp: snapshot.stamp };
}

const sourceOf = (path: string, label: string, d: Pick<Detected, 'encoded' | 'size'>): TextSource => ({ path, label, encoded: d.encoded, range: { start: 0, end: d.size } });

/**
 * Pass 1 of replay: detects the format and reads the whole snapshot, converting and validating
 * every event; keeps a bit per event at most. `snapshot`: when already taken. `ids`: a file to
 * write JSON events' ids to, for pass 2 (converted events get theirs there, from the conversion).
 */
export async function scanInput(path: string, label = path, options: ReadOptions & { snapshot?: Snapshot; ids?: string } = {}): Promise<InputScan> {
  const detected = await detectFormat(path, label, options);
  const source = sourceOf(path, label, detected);
  if (detected.format !== 'json') return { ...(await countEvents(source, convertedEvents(source, detected.format))), oneLinePerEvent: false, ...detected };
  const ids = options.ids === undefined ? undefined : new IdWriter(options.ids);
  try {
    return { ...(await scanEvents(source, ids)), ...detected, ...(ids ? { ids: [ids.path] } : {}) };
  } finally {
    ids?.close();
  }
}

/**
 * Pass 2 of replay: the events of a file `scanInput` checked, each as one line of JSON text, read
 * from the same snapshot, and no more of them than it counted.
 */
export function readInput(path: string, label: string, scan: InputScan): AsyncGenerator<EventText> {
  const source = sourceOf(path, label, scan);
  if (scan.format !== 'json') return first(scan.count, convertedEvents(source, scan.format));
  return first(scan.count, scan.oneLinePerEvent ? readLines(source) : readEvents(label, decodedText(source), { validate: false }));
}

/** The first `count` events, without reading further (an unfinished event after them is never met). */
async function* first(count: number, events: AsyncGenerator<EventText>): AsyncGenerator<EventText> {
  if (count <= 0) return;
  let n = 0;
  for await (const e of events) {
    yield e;
    if (++n >= count) return;
  }
}

function convertedEvents(source: TextSource, format: Exclude<InputFormat, 'json'>): AsyncGenerator<EventText> {
  return format === 'windows-xml' ? readWindowsXml(source) : readEvtxJson(source);
}

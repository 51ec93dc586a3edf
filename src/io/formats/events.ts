import { readFile } from 'node:fs/promises';
import { FileError, UnfinishedEvent } from '../../errors.ts';
import { eventDigest } from '../../event-ids.ts';
import { isRecord, messageOf } from '../../guards.ts';
import { decodedText, errnoCode, grewPast, readError, type TextSource } from './decode.ts';
import type { IdWriter } from './id-column.ts';
import { MAX_DEPTH, keysMayRepeat, measure, parseLossless } from '../lossless.ts';

export { errnoCode, messageOf, readError };

/** One event read from a file: its JSON text on one line (original digits kept) and where it was. */
export interface EventText {
  readonly text: string;
  /** `file:line` of the event's first character. */
  readonly origin: string;
  /** The line of the event's first character (1-based). */
  readonly line: number;
  /** Set by readEvents: it started and ended on one line, and not inside a JSON array. */
  readonly ownLine?: boolean;
  /** Set by a validating read: the text may repeat a key (see keysMayRepeat). */
  readonly keysMayRepeat?: boolean;
  /** The event as a value, when the reader built one (converted formats): what `text` serializes. */
  readonly value?: Record<string, unknown>;
}

/** The error for input nested deeper than MAX_DEPTH, at its line. */
export const tooDeep = (origin: string, what = 'objects and arrays inside each other'): FileError =>
  new FileError(origin, `nested deeper than ${MAX_DEPTH} levels (${what})`, `no Windows event nests this deep: fix or remove that event (parsers and the engine's ingest threads recurse into nesting); nothing was sent`);

/**
 * Ranks of events in a file (0-based, in the order read), one bit each: what the validating pass
 * learned about a few events, for the sending pass, in an eighth of a byte per event.
 */
export class RankSet {
  private bits: Uint8Array = new Uint8Array(0);
  /** A set from the bytes of another (sent between threads). */
  static of(bytes: Uint8Array): RankSet {
    const set = new RankSet();
    set.bits = bytes;
    return set;
  }
  get bytes(): Uint8Array {
    return this.bits;
  }
  add(rank: number): void {
    const byte = rank >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(64, 2 * (byte + 1)));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] = (this.bits[byte] ?? 0) | (1 << (rank & 7));
  }
  has(rank: number): boolean {
    return ((this.bits[rank >>> 3] ?? 0) & (1 << (rank & 7))) !== 0;
  }
  /** Adds another set's ranks, each moved by `offset` (the events before the other's stretch). */
  addAll(other: RankSet, offset: number): void {
    other.bits.forEach((byte, i) => {
      for (let bit = 0; byte !== 0 && bit < 8; bit++) if (byte & (1 << bit)) this.add(8 * i + bit + offset);
    });
  }
}

/**
 * Splits a stream of JSON text into top-level values without building them: NDJSON, several
 * concatenated (pretty-printed) objects, a single object, or one JSON array of objects (whose
 * elements are yielded). Memory holds one value at a time, whatever the file size. Nesting deeper
 * than MAX_DEPTH is refused at the line it goes too deep, validating or not; the input ending
 * inside a value throws UnfinishedEvent.
 */
export async function* readEvents(label: string, source: AsyncIterable<string>, options: { validate?: boolean } = {}): AsyncGenerator<EventText> {
  const validate = options.validate ?? true;
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** 'unknown' until the first value starts; 'array' when the file is one top-level array. */
  let mode: 'unknown' | 'array' | 'values' = 'unknown';
  let arrayClosed = false;
  let buf = '';
  let startLine = 0;
  let collecting = false;

  const finish = (): EventText => {
    const text = buf.replace(/[\r\n]+/g, ' ');
    const ownLine = line === startLine && mode !== 'array';
    if (!validate) {
      buf = '';
      collecting = false;
      return { text, origin: `${label}:${startLine}`, line: startLine, ownLine };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new FileError(`${label}:${startLine}`, `invalid JSON: ${messageOf(err)}`, 'fix the event at that line; nothing was sent');
    }
    if (!isRecord(value)) {
      throw new FileError(`${label}:${startLine}`, `an event must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, 'each line (or array element) must be one {...} event');
    }
    buf = '';
    collecting = false;
    return { text, origin: `${label}:${startLine}`, line: startLine, ownLine, keysMayRepeat: keysMayRepeat(text, value), value };
  };
  const unexpected = (c: string): never => {
    throw new FileError(`${label}:${line}`, `unexpected ${JSON.stringify(c)} between events`, 'the file must hold NDJSON, JSON objects, or one JSON array of objects');
  };

  try {
    for await (const chunk of source) {
      // While collecting, characters are copied in slices from `from`, not one by one.
      let from = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (collecting) {
          if (inString) {
            if (escaped) escaped = false;
            else if (c === 92 /* \ */) escaped = true;
            else if (c === 34 /* " */) inString = false;
            else if (c === 10) line++;
            continue;
          }
          if (c === 34) inString = true;
          else if (c === 123 || c === 91) {
            if (++depth > MAX_DEPTH) throw tooDeep(`${label}:${line}`);
          } else if (c === 125 || c === 93) {
            depth--;
            if (depth === 0) {
              buf += chunk.slice(from, i + 1);
              yield finish();
            }
          } else if (c === 10) line++;
          continue;
        }
        // between values
        if (c === 10) {
          line++;
          continue;
        }
        if (c === 32 || c === 9 || c === 13 || c === 0xfeff) continue;
        const ch = chunk.charAt(i);
        if (mode === 'unknown' && ch === '[') {
          mode = 'array';
          continue;
        }
        if (mode === 'array') {
          if (arrayClosed) unexpected(ch);
          if (ch === ',') continue;
          if (ch === ']') {
            arrayClosed = true;
            continue;
          }
        } else mode = 'values';
        startLine = line;
        if (ch !== '{' && ch !== '[') {
          // A scalar where an event should start: take the rest of the line for a precise error.
          let j = i;
          while (j < chunk.length && !'\n,]}'.includes(chunk.charAt(j))) j++;
          buf = chunk.slice(i, j);
          yield finish();
          i = j - 1;
          continue;
        }
        collecting = true;
        depth = 1;
        buf = '';
        from = i;
      }
      if (collecting) buf += chunk.slice(from);
    }
  } catch (err) {
    throw readError(err, label, 'pass event files (NDJSON, JSON array, or JSON object)');
  }
  if (collecting) throw new UnfinishedEvent(`${label}:${startLine}`, startLine, 'the file ends inside an event (truncated JSON)', 'complete or remove the last event; nothing was sent');
  if (mode === 'array' && !arrayClosed) throw new FileError(label, 'the JSON array is not closed', 'end the file with ]');
}

/** One whole event file, parsed without losing integers above 2^53. */
export async function readEventFile(path: string, label = path): Promise<{ text: string; value: unknown }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    throw new FileError(label, code === 'ENOENT' ? 'file not found' : `cannot read (${code ?? messageOf(err)})`, 'check the path');
  }
  try {
    return { text: text.replace(/[\r\n]+/g, ' ').trim(), value: parseLossless(text) };
  } catch (err) {
    throw new FileError(label, `invalid JSON: ${messageOf(err)}`, 'fix the file');
  }
}

/** What a validating pass learned about a file: how many events, whether each is one line, which may repeat a key. */
export interface EventFileScan {
  /** Complete events in the snapshot. */
  readonly count: number;
  /** NDJSON proper: a second pass can split on newlines alone. */
  readonly oneLinePerEvent: boolean;
  /** Ranks of the events whose text may repeat a key (keysMayRepeat): only those are searched for repeats when sent. */
  readonly keysMayRepeat: RankSet;
  /** The snapshot ended inside an event, at this line, while the file was growing: it and what follows are not sent. */
  readonly cutAtLine?: number;
}

/**
 * Counts (and with `validate`, checks) what a reader yields, keeping one bit per event at most, and
 * writing each event's id to `ids` when given (the events parsed: see id-column.ts). An unfinished
 * event at the end is the end of the snapshot when the file has grown past it (being written while
 * replay read it), an error otherwise.
 */
export async function countEvents(source: TextSource, events: AsyncIterable<EventText>, ids?: IdWriter): Promise<EventFileScan> {
  let count = 0;
  let oneLinePerEvent = true;
  let lastLine = 0;
  const marks = new RankSet();
  try {
    for await (const e of events) {
      if (e.keysMayRepeat) marks.add(count);
      if (ids) ids.add(eventDigest(e.text, e.value));
      count++;
      if (!e.ownLine || e.line === lastLine) oneLinePerEvent = false;
      lastLine = e.line;
    }
  } catch (err) {
    if (err instanceof UnfinishedEvent && (await grewPast(source.path, source.range.end))) return { count, oneLinePerEvent: false, keysMayRepeat: marks, cutAtLine: err.line };
    throw err;
  }
  return { count, oneLinePerEvent: oneLinePerEvent && count > 0, keysMayRepeat: marks };
}

/**
 * Reads a whole file once, validating every event (throws at the first bad one), keeping one bit
 * per event at most. NDJSON, the common case, is checked line by line with JSON.parse alone;
 * anything else (a JSON array, pretty-printed objects, a bad line) goes through the full reader,
 * which also names the line of an error precisely.
 */
export async function scanEvents(source: TextSource, ids?: IdWriter): Promise<EventFileScan> {
  const fast = await scanNdjson(source, ids);
  if (fast !== undefined) return { count: fast.events, keysMayRepeat: fast.keysMayRepeat, oneLinePerEvent: true };
  ids?.reset();
  return countEvents(source, readEvents(source.label, decodedText(source)), ids);
}

/** What a validating read of NDJSON (or a stretch of it) found: its events, and which may repeat a key (ranks from the stretch's start). */
export interface NdjsonScan {
  readonly events: number;
  readonly keysMayRepeat: RankSet;
}

/**
 * Checks that every non-blank line of the source (a whole snapshot, or a stretch of it that starts
 * at a line's start) is one JSON object, nested at most MAX_DEPTH deep, writing each one's id to
 * `ids` when given; undefined at the first line that is not, or at any error (the full reader then
 * tells precisely what is wrong where).
 */
export async function scanNdjson(source: TextSource, ids?: IdWriter): Promise<NdjsonScan | undefined> {
  let count = 0;
  const marks = new RankSet();
  const check = (raw: string): boolean => {
    const l = raw.trim();
    if (!l) return true;
    if (l.charCodeAt(0) !== 123 /* { */) return false;
    try {
      const v: unknown = JSON.parse(l);
      if (!isRecord(v)) return false;
      const { keys, depth } = measure(v);
      if (depth > MAX_DEPTH) return false;
      if (keysMayRepeat(l, v, keys)) marks.add(count);
      if (ids) ids.add(eventDigest(l, v));
    } catch {
      return false;
    }
    count++;
    return true;
  };
  const lines = new LineSplitter();
  const chunks = decodedText(source);
  try {
    for await (const chunk of chunks) {
      if (!lines.feed(chunk, check)) {
        await chunks.return(undefined);
        return undefined;
      }
    }
  } catch {
    return undefined;
  }
  return check(lines.rest) ? { events: count, keysMayRepeat: marks } : undefined;
}

/**
 * Cuts text, arriving in chunks, into lines: each line is a slice of its chunk (a line across two
 * chunks is joined), so a 1 MB chunk is never copied whole to be split.
 */
class LineSplitter {
  /** The text after the last line break seen. */
  rest = '';
  /** Calls `each` with every line the chunk completes (without its \n); false as soon as `each` says false. */
  feed(chunk: string, each: (line: string) => boolean): boolean {
    let nl = chunk.indexOf('\n');
    if (nl === -1) {
      this.rest += chunk;
      return true;
    }
    if (!each(this.rest + chunk.slice(0, nl))) return false;
    let start = nl + 1;
    for (nl = chunk.indexOf('\n', start); nl !== -1; nl = chunk.indexOf('\n', start)) {
      if (!each(chunk.slice(start, nl))) return false;
      start = nl + 1;
    }
    this.rest = chunk.slice(start);
    return true;
  }
}

/**
 * The second pass over a file `scanEvents` found to be NDJSON with one event per line: splits on
 * newlines only, without parsing (pass 1 checked the lines and wrote their ids), so replay spends
 * its CPU on sending.
 */
export async function* readLines(source: TextSource): AsyncGenerator<EventText> {
  const lines = new LineSplitter();
  let line = 0;
  let ready: EventText[] = [];
  const take = (raw: string): boolean => {
    line++;
    const text = raw.trim();
    if (text) ready.push({ text, origin: `${source.label}:${line}`, line });
    return true;
  };
  for await (const chunk of decodedText(source)) {
    lines.feed(chunk, take);
    yield* ready;
    ready = [];
  }
  take(lines.rest);
  yield* ready;
}

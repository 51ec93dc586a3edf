import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { FileError } from '../../errors.ts';
import { messageOf } from '../../guards.ts';

/**
 * Reading an event file's bytes as text, exactly: the encoding from its byte-order mark (or as the
 * user says), every byte checked, and a byte that is not valid in that encoding refused with its
 * line and column — never replaced by U+FFFD, which would make different names equal.
 * @see https://encoding.spec.whatwg.org/ (the names)
 * @see https://github.com/ashtuchkin/iconv-lite (windows-1252's table)
 */

/** The `code` of a Node.js system error (`ENOENT`, `EISDIR`, …), if it has one. */
export function errnoCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** A file that could not be read, as a located error saying why (missing, a folder, no permission). */
export function readError(err: unknown, label: string, folderHint = 'pass event files'): FileError {
  if (err instanceof FileError) return err;
  const code = errnoCode(err);
  if (code === 'ENOENT') return new FileError(label, 'file not found', 'check the path');
  if (code === 'EISDIR') return new FileError(label, 'is a folder', folderHint);
  return new FileError(label, `cannot read (${code ?? messageOf(err)})`, 'check the file and its permissions');
}

/** The encodings an event file may be in. */
export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type TextEncoding = (typeof ENCODINGS)[number];

/** Other spellings accepted for `--encoding`. */
const ALIASES: Record<string, TextEncoding> = { utf8: 'utf-8', 'utf-16': 'utf-16le', utf16le: 'utf-16le', utf16be: 'utf-16be', cp1252: 'windows-1252', 'cp-1252': 'windows-1252' };

/** `--encoding`'s value as one of ENCODINGS, or undefined when it is none. */
export function encodingNamed(name: string): TextEncoding | undefined {
  const n = name.trim().toLowerCase();
  return ENCODINGS.find((e) => e === n) ?? ALIASES[n];
}

/** How a file's text is encoded, and how many bytes of byte-order mark precede it. */
export interface Encoded {
  readonly encoding: TextEncoding;
  readonly bom: number;
}

const BOMS: readonly [bytes: readonly number[], encoding: TextEncoding][] = [
  [[0xef, 0xbb, 0xbf], 'utf-8'],
  [[0xff, 0xfe], 'utf-16le'],
  [[0xfe, 0xff], 'utf-16be'],
];

/**
 * The encoding from a file's first bytes: a byte-order mark decides (UTF-8, UTF-16LE — what Windows
 * PowerShell 5.1's `>` writes —, UTF-16BE); without one, `asked` (the user's `--encoding`), else
 * UTF-16 when the first character is ASCII with a zero byte beside it (no event file starts with
 * NUL), else UTF-8. A mark that contradicts `asked` is refused.
 */
export function detectEncoding(head: Uint8Array, label: string, asked?: TextEncoding): Encoded {
  const marked = BOMS.find(([bytes]) => bytes.every((b, i) => head[i] === b));
  if (marked) {
    const [bytes, encoding] = marked;
    if (asked !== undefined && asked !== encoding) throw new FileError(label, `the file starts with a ${encoding.toUpperCase()} byte-order mark, but --encoding ${asked} was given`, 'drop --encoding: the mark says how the file is encoded');
    return { encoding, bom: bytes.length };
  }
  if (asked !== undefined) return { encoding: asked, bom: 0 };
  const [first = 0, second = 0] = head;
  if (head.length >= 2 && first !== 0 && first < 0x80 && second === 0) return { encoding: 'utf-16le', bom: 0 };
  if (head.length >= 2 && first === 0 && second !== 0 && second < 0x80) return { encoding: 'utf-16be', bom: 0 };
  return { encoding: 'utf-8', bom: 0 };
}

/** The first `bytes` bytes of a file (fewer when it is shorter). */
export async function readHead(path: string, label: string, bytes = 64 * 1024): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw readError(err, label);
  }
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0).catch((err: unknown) => {
      throw readError(err, label);
    });
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Bytes as text, forgiving (for sniffing a format only: what is sent is decoded by decodedText). */
export function looseText(bytes: Uint8Array, encoding: TextEncoding): string {
  return new TextDecoder(encoding).decode(bytes);
}

/** Where in the file `[start, end)` is read: `end` is the snapshot's size (see InputScan). */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** What a reader reads: bytes `range` of the file at `path` (named `label` in messages), as `encoded`. */
export interface TextSource {
  readonly path: string;
  readonly label: string;
  readonly encoded: Encoded;
  readonly range: ByteRange;
}

/** Whether the file is now bigger than `size` bytes (it is being written to). */
export async function grewPast(path: string, size: number): Promise<boolean> {
  return stat(path).then(
    (s) => s.size > size,
    () => false,
  );
}

/** Start of the incomplete UTF-8 sequence ending `bytes`, or its length when the last sequence is complete. */
function utf8Complete(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

/** Index of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    // [need, lowest second byte, highest second byte]: no overlong forms, no surrogates, nothing above U+10FFFF.
    const spec: readonly [number, number, number] | undefined =
      b >= 0xc2 && b <= 0xdf ? [2, 0x80, 0xbf] : b === 0xe0 ? [3, 0xa0, 0xbf] : b === 0xed ? [3, 0x80, 0x9f] : b >= 0xe1 && b <= 0xef ? [3, 0x80, 0xbf] : b === 0xf0 ? [4, 0x90, 0xbf] : b >= 0xf1 && b <= 0xf3 ? [4, 0x80, 0xbf] : b === 0xf4 ? [4, 0x80, 0x8f] : undefined;
    if (!spec) return i;
    const [need, lo, hi] = spec;
    if (i + need > n) return i;
    const second = bytes[i + 1] ?? 0;
    if (second < lo || second > hi) return i;
    for (let k = 2; k < need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need;
  }
  return -1;
}

/** Index of the first code unit of `text` that is half of a surrogate pair without its other half, or -1. */
function firstLoneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
      else return i;
    } else if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

/** Half of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const HEX = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');

/**
 * The line and column (1-based, in characters) of byte `offset` of a file whose text starts after
 * `bom` bytes: read again from the start (only when there is an error to locate).
 */
export async function locate(path: string, encoding: TextEncoding, bom: number, offset: number): Promise<{ line: number; column: number }> {
  let line = 1;
  let column = 1;
  if (offset <= bom) return { line, column };
  const wide = encoding === 'utf-16le' || encoding === 'utf-16be';
  const newline = encoding === 'utf-16be' ? [0, 10] : [10, 0];
  let odd: number | undefined;
  for await (const chunk of createReadStream(path, { start: bom, end: offset - 1, highWaterMark: 1 << 20 })) {
    const bytes: Buffer = chunk;
    if (!wide) {
      for (const b of bytes) {
        if (b === 10) {
          line++;
          column = 1;
        } else if ((b & 0xc0) !== 0x80 || encoding === 'windows-1252') column++;
      }
      continue;
    }
    let i = 0;
    if (odd !== undefined && bytes.length > 0) {
      if (odd === newline[0] && bytes[0] === newline[1]) (line++, (column = 1));
      else column++;
      i = 1;
      odd = undefined;
    }
    for (; i + 1 < bytes.length; i += 2) {
      if (bytes[i] === newline[0] && bytes[i + 1] === newline[1]) (line++, (column = 1));
      else column++;
    }
    if (i < bytes.length) odd = bytes[i];
  }
  return { line, column };
}

/** Line breaks in bytes `[start, end)` of a file in this encoding (`start` at a character's start). */
export async function countLineBreaks(path: string, encoding: TextEncoding, start: number, end: number): Promise<number> {
  if (end <= start) return 0;
  const wide = encoding === 'utf-16le' || encoding === 'utf-16be';
  const [first, second] = encoding === 'utf-16be' ? [0, 10] : [10, 0];
  let breaks = 0;
  let at = start;
  let pending: number | undefined;
  for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 })) {
    const bytes: Buffer = chunk;
    if (!wide) {
      for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) breaks++;
      continue;
    }
    // Code units start at even distances from `start`.
    for (let i = 0; i < bytes.length; i++, at++) {
      if ((at - start) % 2 === 0) pending = bytes[i];
      else if (pending === first && bytes[i] === second) breaks++;
    }
  }
  return breaks;
}

const HINT_UTF8 = 'the file is not UTF-8: if Windows PowerShell 5.1 wrote it (Set-Content, Out-File, >>), pass --encoding windows-1252; else fix those bytes. Nothing was sent';
const HINT_1252 = 'the file is not in windows-1252 (or holds a byte that stands for no character there): pass the encoding it is in with --encoding, or fix that byte. Nothing was sent';
const HINT_UTF16 = 'UTF-16 text holds surrogates only in pairs: fix the text at that place (or re-export the events). Nothing was sent';

async function invalidBytes(path: string, label: string, e: Encoded, offset: number, bytes: Uint8Array, what: string): Promise<FileError> {
  const { line, column } = await locate(path, e.encoding, e.bom, offset);
  const hint = e.encoding === 'utf-8' ? HINT_UTF8 : e.encoding === 'windows-1252' ? HINT_1252 : HINT_UTF16;
  return new FileError(`${label}:${line}`, `invalid ${e.encoding === 'utf-8' ? 'UTF-8' : e.encoding.toUpperCase()} at column ${column} (byte ${offset} of the file): ${what} ${HEX(bytes)}`, hint);
}

/**
 * The text of bytes `range` of a file, decoded in chunks of about 1 MB (any split: a character is
 * never cut between chunks), each checked: a byte that is invalid in the encoding throws a
 * FileError naming its line and column. A character cut by the range's end is invalid too, unless
 * the file has grown past it (the snapshot was taken while it was being written: the reader then
 * meets an unfinished event, see scanInput).
 */
export async function* decodedText(source: TextSource): AsyncGenerator<string> {
  const { path, label, encoded: e, range } = source;
  const start = Math.max(range.start, e.bom);
  if (range.end <= start) return;
  let stream: AsyncIterable<Buffer>;
  try {
    stream = createReadStream(path, { start, end: range.end - 1, highWaterMark: 1 << 20 });
  } catch (err) {
    throw readError(err, label);
  }
  /** Bytes of a character cut by the chunk's end, carried to the next. */
  let carry: Buffer = Buffer.alloc(0);
  /** File offset of `carry`'s first byte (then of the chunk's). */
  let at = start;
  try {
    for await (const chunk of stream) {
      const bytes = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      if (e.encoding === 'windows-1252') {
        // One byte, one character. Node 20's TextDecoder reads windows-1252 as ISO-8859-1 (0x80 as
        // U+0080, not €): iconv-lite has the table. The five bytes the code page leaves unassigned
        // (81, 8D, 8F, 90, 9D) come out as U+FFFD, which no windows-1252 byte stands for.
        const text = iconv.decode(bytes, 'windows-1252');
        const bad = text.indexOf('\uFFFD');
        if (bad >= 0) throw await invalidBytes(path, label, e, at + bad, bytes.subarray(bad, bad + 1), 'a byte windows-1252 leaves unassigned:');
        yield text;
        at += bytes.length;
        continue;
      }
      let whole: number;
      let text: string;
      if (e.encoding === 'utf-8') {
        whole = utf8Complete(bytes);
        const body = bytes.subarray(0, whole);
        if (!isUtf8(body)) {
          const bad = firstInvalidUtf8(body);
          throw await invalidBytes(path, label, e, at + bad, body.subarray(bad, bad + 4), 'bytes');
        }
        text = body.toString('utf8');
      } else {
        whole = bytes.length & ~1;
        // A high surrogate at the end waits for its pair.
        const last = whole >= 2 ? (e.encoding === 'utf-16le' ? bytes.readUInt16LE(whole - 2) : bytes.readUInt16BE(whole - 2)) : 0;
        if (last >= 0xd800 && last <= 0xdbff) whole -= 2;
        const body = bytes.subarray(0, whole);
        text = e.encoding === 'utf-16le' ? body.toString('utf16le') : Buffer.from(body).swap16().toString('utf16le');
        if (LONE_SURROGATE.test(text)) {
          const bad = firstLoneSurrogate(text);
          throw await invalidBytes(path, label, e, at + 2 * bad, body.subarray(2 * bad, 2 * bad + 2), 'an unpaired surrogate,');
        }
      }
      carry = Buffer.from(bytes.subarray(whole));
      at += whole;
      if (text) yield text;
    }
  } catch (err) {
    throw readError(err, label);
  }
  if (carry.length > 0 && !(await grewPast(path, range.end))) throw await invalidBytes(path, label, e, at, carry, 'the file ends inside a character:');
}

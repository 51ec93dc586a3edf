import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FileError } from '../../errors.ts';
import { RankSet, readEvents, readLines, scanEvents, type EventFileScan, type EventText } from '../events.ts';
import { readEvtxJson } from './evtx-json.ts';
import { sniffEncoding, textLines } from './text.ts';
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
  readonly encoding: BufferEncoding;
}

/**
 * The format from the first characters, past a byte-order mark, blank lines and evtx_dump's
 * `Record N` lines: `<` is Windows event XML; `{"Event": …` (or `{"Event_attributes": …`, or a JSON
 * array of those) is evtx_dump's JSON; anything else goes to the JSON reader (the seed's shape,
 * Winlogbeat's), which names what is wrong with it.
 */
export async function detectFormat(path: string, label = path): Promise<{ format: InputFormat; encoding: BufferEncoding }> {
  const { encoding, head } = await sniffEncoding(path, label);
  const start = head.replace(/^(?:\s|Record \d+\r?\n)+/, '');
  if (start.startsWith('<')) return { format: 'windows-xml', encoding };
  if (/^\[?\s*\{\s*"Event(?:_attributes)?"\s*:/.test(start)) return { format: 'evtx-json', encoding };
  return { format: 'json', encoding };
}

/** Pass 1 of replay: detects the format and reads the whole file, converting and validating every event; keeps a bit per event at most. */
export async function scanInput(path: string, label = path): Promise<InputScan> {
  const { format, encoding } = await detectFormat(path, label);
  if (format === 'json' && encoding === 'utf8') return { ...(await scanEvents(path, label)), format, encoding };
  let count = 0;
  const marks = new RankSet();
  for await (const e of convertedEvents(path, label, format, encoding)) {
    if (e.keysMayRepeat) marks.add(count);
    count++;
  }
  return { count, oneLinePerEvent: false, keysMayRepeat: marks, format, encoding };
}

/** Files at least this big, together, are scanned on a worker thread (below, starting one costs more than it saves). */
const WORKER_BYTES = 8 << 20;

export interface ScanRequest {
  readonly files: readonly { readonly path: string; readonly label: string }[];
}

/** What the scanning thread posts back: each file's scan (its RankSet as bytes), or the error, located when it is a FileError. */
export type ScanReply =
  | { readonly scans: readonly (Omit<InputScan, 'keysMayRepeat'> & { readonly keysMayRepeat: Uint8Array })[]; readonly error?: undefined }
  | { readonly error: { readonly path?: string; readonly message: string; readonly hint?: string } };

/**
 * Pass 1 of replay for several files, in order. Big inputs are scanned on a worker thread, so the
 * main thread meanwhile loads the definition, the cluster client and connects, on the other CPU;
 * small ones right here. Throws what scanInput throws.
 */
export async function scanInputs(files: readonly { readonly path: string; readonly label: string }[]): Promise<InputScan[]> {
  const sizes = await Promise.all(files.map((f) => stat(f.path).then((s) => s.size, () => 0)));
  if (sizes.reduce((a, b) => a + b, 0) < WORKER_BYTES) {
    const scans: InputScan[] = [];
    for (const f of files) scans.push(await scanInput(f.path, f.label));
    return scans;
  }
  const reply = await onWorker({ files });
  if (reply.error) throw reply.error.path === undefined ? new Error(reply.error.message) : new FileError(reply.error.path, reply.error.message, reply.error.hint);
  return reply.scans.map((s) => ({ ...s, keysMayRepeat: RankSet.of(s.keysMayRepeat) }));
}

function onWorker(request: ScanRequest): Promise<ScanReply> {
  const worker = startWorker(request);
  return new Promise<ScanReply>((done, fail) => {
    worker.once('message', (reply: ScanReply) => done(reply));
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the scanning thread stopped (exit code ${code}) without an answer`)));
  }).finally(() => void worker.terminate());
}

/** The worker's module sits beside this one: .js when compiled, .ts when run from the sources. */
function startWorker(request: ScanRequest): Worker {
  const here = import.meta.url;
  const file = new URL(`./scan-worker${extname(fileURLToPath(here))}`, here);
  if (!file.pathname.endsWith('.ts')) return new Worker(file, { workerData: request });
  // From the sources (tests), the thread registers tsx's loader first: loaders do not reach worker threads.
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(code, { eval: true, workerData: request });
}

/** Pass 2 of replay: the events of a file `scanInput` validated, each as one line of JSON text. */
export function readInput(path: string, label: string, scan: InputScan): AsyncGenerator<EventText> {
  if (scan.format === 'json' && scan.encoding === 'utf8') return scan.oneLinePerEvent ? readLines(path, label) : readEvents(path, label, { validate: false });
  return convertedEvents(path, label, scan.format, scan.encoding);
}

function convertedEvents(path: string, label: string, format: InputFormat, encoding: BufferEncoding): AsyncGenerator<EventText> {
  if (format === 'windows-xml') return readWindowsXml(path, label, encoding);
  if (format === 'evtx-json') return readEvtxJson(path, label, encoding);
  // JSON in UTF-16: the JSON reader, given the decoded text.
  return readEvents(path, label, { source: textLines(path, label, encoding) });
}

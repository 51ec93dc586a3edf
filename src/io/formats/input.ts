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

import { isLosslessNumber, parse } from 'lossless-json';
import { FileError } from '../../errors.ts';
import { messageOf, readEvents, type EventText } from './events.ts';
import { decodedText, type TextSource } from './decode.ts';
import { blankRecordLines } from './text.ts';
import { eventText, put, toSeedShape, type EventParts, type Tree, type TreeObject } from './windows-event.ts';

/**
 * evtx_dump's JSON (`evtx_dump -o json`, pretty-printed, a `Record N` line before each event;
 * `-o jsonl`, one event a line; the Rust `evtx` crate): `{"Event": {"System": …, "EventData": …}}`,
 * attributes under `#attributes` (or, with `--separate-json-attributes`, beside the element as
 * `<Name>_attributes`), numbers as JSON numbers. Split by the project's JSON reader (one event in
 * memory at a time); numbers are taken as the digits written (lossless-json), so a record id of
 * 18446744073709551615 stays that text.
 * @see https://github.com/omerbenamram/evtx
 */
export async function* readEvtxJson(source: TextSource): AsyncGenerator<EventText> {
  // `Record N` lines cannot be inside a JSON value (a JSON string holds no line break), so they
  // are blanked wherever they are, their line breaks kept for the line numbers.
  for await (const e of readEvents(source.label, blankRecordLines(decodedText(source)), { validate: false })) {
    let value: unknown;
    try {
      value = parse(e.text);
    } catch (err) {
      throw new FileError(e.origin, `invalid JSON: ${messageOf(err)}`, 'fix the event at that line; nothing was sent');
    }
    const doc = convertEvtxEvent(value, e.origin);
    yield { text: eventText(doc), origin: e.origin, line: e.line, value: doc };
  }
}

/** JSON values as the XML's text: numbers as their digits, booleans as true/false, null as empty. */
function asText(v: unknown): Tree {
  if (typeof v === 'string') return v;
  if (isLosslessNumber(v)) return v.value;
  if (typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(asText);
  if (!isRecord(v)) return String(v);
  const o: TreeObject = {};
  const entries = Object.entries(v);
  // --separate-json-attributes: `X_attributes` beside `X` is X's #attributes.
  const separate = new Map(entries.filter(([k]) => k.endsWith('_attributes') && k !== '_attributes').map(([k, a]) => [k.slice(0, -'_attributes'.length), a]));
  for (const [k, raw] of entries) {
    if (k.endsWith('_attributes') && separate.has(k.slice(0, -'_attributes'.length))) {
      const base = k.slice(0, -'_attributes'.length);
      if (!Object.prototype.hasOwnProperty.call(v, base)) put(o, base, { '#attributes': asText(raw) });
      continue;
    }
    const value = asText(raw);
    const attrs = separate.get(k);
    if (attrs === undefined) put(o, k, value);
    else if (typeof value === 'object' && !Array.isArray(value)) put(o, k, { '#attributes': asText(attrs), ...value });
    else put(o, k, value === '' ? { '#attributes': asText(attrs) } : { '#attributes': asText(attrs), '#text': value });
  }
  return o;
}

const isObject = (t: Tree | undefined): t is TreeObject => typeof t === 'object' && t !== null && !Array.isArray(t);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One evtx_dump event → the seed's shape (see windows-event.ts for where each part goes). */
export function convertEvtxEvent(value: unknown, origin: string): Record<string, unknown> {
  const root = typeof value === 'object' && value !== null && !Array.isArray(value) ? asText(value) : undefined;
  const event = isObject(root) ? root['Event'] : undefined;
  if (!isObject(event)) {
    throw new FileError(origin, 'not an evtx_dump event: expected {"Event": {"System": …, "EventData": …}}', 'an evtx_dump JSON file holds only such events (and `Record N` lines); replay other JSON in a file of its own; nothing was sent');
  }
  const parts: EventParts = { extra: [] };
  for (const [k, v] of Object.entries(event)) {
    if (k === 'System') parts.system = v;
    else if (k === 'EventData') parts.eventData = eventData(v);
    else if (k === 'UserData') parts.userData = v;
    else if (k === 'RenderingInfo') parts.rendering = v;
    else if (k === '#attributes') {
      const { xmlns: _ns, ...attrs } = isObject(v) ? v : {};
      if (Object.keys(attrs).length > 0) parts.extra.push(['#attributes', attrs]);
    } else parts.extra.push([k, v]);
  }
  return toSeedShape(parts);
}

/** Named Data are keys already; unnamed ones (`"Data": "x"` or `{"#text": [...]}`) become param1, param2, …. */
function eventData(v: Tree): TreeObject {
  const out: TreeObject = {};
  if (!isObject(v)) {
    if (v !== '') put(out, '#text', v);
    return out;
  }
  for (const [k, value] of Object.entries(v)) {
    if (k !== 'Data') {
      put(out, k, value);
      continue;
    }
    const inner = isObject(value) && Object.keys(value).length === 1 ? value['#text'] : undefined;
    const text = inner ?? value;
    if (isObject(text)) put(out, k, text);
    else (Array.isArray(text) ? text : [text]).forEach((t, i) => put(out, `param${i + 1}`, t));
  }
  return out;
}

import { hash } from 'node:crypto';
import { isRecord } from './guards.ts';

/**
 * What identifies a Windows event: its record in one log of one computer. Every export of that log
 * (wevtutil's XML, Get-WinEvent's, evtx_dump's JSON or XML, Winlogbeat's JSON), in any order, pretty
 * or compact, carries the same four values.
 */
export interface EventIdentity {
  readonly computer: string;
  readonly channel: string;
  /** The provider's name (its GUID when the event names none). */
  readonly provider: string;
  /** EventRecordID as decimal digits, without leading zeros. */
  readonly recordId: string;
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * A record id as canonical digits: a string of digits, or a JSON integer. An integer JavaScript
 * cannot hold exactly (above 2^53) is read as the digits the text has for `key`, when they are
 * unambiguous.
 */
function recordIdOf(v: unknown, key: string, text: string | undefined): string | undefined {
  if (typeof v === 'string') {
    if (!/^\d{1,40}$/.test(v)) return undefined;
    return v.length > 1 && v.charCodeAt(0) === 48 ? BigInt(v).toString() : v;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return undefined;
  if (Number.isSafeInteger(v)) return String(v);
  if (text === undefined) return undefined;
  const digits = new Set<string>();
  for (const m of text.matchAll(new RegExp(`"${key}"\\s*:\\s*(\\d+)(?![\\d.eE])`, 'g'))) if (Number(m[1]) === v) digits.add(BigInt(m[1] ?? '0').toString());
  return digits.size === 1 ? [...digits][0] : undefined;
}

/**
 * Where the shapes replay reads keep the four values: the seed's `system` (which XML and evtx_dump
 * events are converted to), then Winlogbeat's and Elastic Agent's `winlog`.
 */
const SHAPES: readonly { readonly at: string; readonly computer: string; readonly channel: string; readonly provider: readonly [name: string, guid: string]; readonly recordId: string }[] = [
  { at: 'system', computer: 'computer', channel: 'channel', provider: ['provider', 'guid'], recordId: 'event_record_id' },
  { at: 'winlog', computer: 'computer_name', channel: 'channel', provider: ['provider_name', 'provider_guid'], recordId: 'record_id' },
];

/**
 * The identity of an event (parsed), when it carries all four values in one of the shapes: strings,
 * the record id a string of digits or an integer; undefined otherwise. `text` (the event's JSON
 * text) is read only for a record id above 2^53.
 */
export function identityOf(event: unknown, text?: string): EventIdentity | undefined {
  if (!isRecord(event)) return undefined;
  for (const shape of SHAPES) {
    const part = event[shape.at];
    if (!isRecord(part)) continue;
    const computer = nonEmpty(part[shape.computer]);
    const channel = nonEmpty(part[shape.channel]);
    const provider = nonEmpty(part[shape.provider[0]]) ?? nonEmpty(part[shape.provider[1]]);
    const recordId = recordIdOf(part[shape.recordId], shape.recordId, text);
    if (computer !== undefined && channel !== undefined && provider !== undefined && recordId !== undefined) return { computer, channel, provider, recordId };
  }
  return undefined;
}

/**
 * JSON text without the blanks between its tokens (strings untouched): pretty-printed and compact
 * forms of one event read the same.
 */
export function compactJson(text: string): string {
  const parts: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const q = text.indexOf('"', i);
    parts.push(text.slice(i, q === -1 ? n : q).replace(/[ \t\n\r]+/g, ''));
    if (q === -1) break;
    let end = text.indexOf('"', q + 1);
    for (;;) {
      if (end === -1) break;
      let b = end - 1;
      while (text.charCodeAt(b) === 92 /* \ */) b--;
      if ((end - 1 - b) % 2 === 0) break;
      end = text.indexOf('"', end + 1);
    }
    if (end === -1) {
      parts.push(text.slice(q));
      break;
    }
    parts.push(text.slice(q, end + 1));
    i = end + 1;
  }
  return parts.join('');
}

/** Bytes of an id: the first 18 bytes (144 bits) of a SHA-256, written as 24 base64url characters. */
export const ID_BYTES = 18;

/** The first ID_BYTES of the SHA-256 of the text (UTF-8). */
const digest = (text: string): Buffer => hash('sha256', text, 'buffer').subarray(0, ID_BYTES);

/** The digest of an event with an identity: its four values. */
export const identityDigest = (id: EventIdentity): Buffer => digest(`windows-event\n${JSON.stringify([id.computer, id.channel, id.provider, id.recordId])}`);

/** The digest of an event without one: its content (compactJson of its text). */
export const contentDigest = (text: string): Buffer => digest(`content\n${compactJson(text)}`);

/** An `_id` as it is sent: its digest in base64url (24 characters). */
export const idText = (digestBytes: Uint8Array): string => Buffer.from(digestBytes.buffer, digestBytes.byteOffset, ID_BYTES).toString('base64url');

/**
 * The digest of an event's `_id`: from its identity (computer, channel, provider, EventRecordID)
 * when it has one, else from its content. Never from its place in a file, nor the file's name:
 * re-exports of the same log, in any order or format, meet their own documents. `value` is the
 * event parsed from `text`.
 */
export function eventDigest(text: string, value: unknown): Buffer {
  const identity = identityOf(value, text);
  return identity ? identityDigest(identity) : contentDigest(text);
}

/** An event's `_id` (see eventDigest), parsing its text; undefined when it is not a JSON object. */
export function documentId(text: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRecord(value) ? idText(eventDigest(text, value)) : undefined;
}

import type { EventDefinitionInput, FieldInput } from '../definition/types.ts';
import type { EventUnion } from './versions.ts';

/** evforge's message for a source without one: each field on its line (merge.ts recognizes it). */
export const fieldListMessage = (names: readonly string[]): string => names.map((n, i) => `${n}: %${i + 1}`).join('\n');

/** What the import states about a definition it writes, beyond the definition itself. */
export interface BuiltDefinition {
  readonly definition: EventDefinitionInput;
  /** True when the source gave no message string and `message` lists the fields instead. */
  readonly messageIsEvforges: boolean;
  /** True when the channel came from --channel, not from the source. */
  readonly channelFromOption: boolean;
  /** True when the source gives the task no display text: its name is the task's symbol. */
  readonly taskNameIsSymbol?: boolean;
}

export interface BuildOptions {
  readonly dataset?: string;
  /** The channel for events the source gives none. */
  readonly channel: string;
  readonly channelFromOption: boolean;
  readonly provider: { readonly name: string; readonly guid: string };
}

/** `Microsoft-Windows-NTLM` → `ntlm`: the part of a provider or channel name that tells it apart. */
const short = (name: string, sep: string) =>
  name
    .replace(/^Microsoft-Windows-/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^\\${sep}+|\\${sep}+$`, 'g'), '');

/** The definition's name: `ntlm-8001`, `security-auditing-4624`. */
export const definitionName = (provider: string, id: number): string => `${short(provider, '-') || 'provider'}-${id}`;

/** The data stream of a channel, as collectors send a whole channel to one place: `Security` → `windows.security`. */
export const datasetOf = (channel: string): string => `windows.${short(channel, '_') || 'events'}`.slice(0, 100);

/** The keyword mask as Windows' event XML writes it: `0x8000000000000000`. */
export const keywordText = (mask: bigint): string => `0x${mask.toString(16).toUpperCase().padStart(16, '0')}`;

/**
 * The message's lines, with `%n` and real line breaks both ending a line, `%t` a tab and `%%` a
 * percent sign, each insert kept as `%k`: what the labels and the title are read from.
 */
function messageLines(message: string): string[] {
  let text = '';
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    const next = message[i + 1];
    if (c === '%' && next === '%') {
      text += '\u0000'; // a literal percent, never an insert
      i++;
    } else if (c === '%' && next === 'n') {
      text += '\n';
      i++;
    } else if (c === '%' && next === 't') {
      text += '\t';
      i++;
    } else text += c;
  }
  return text.split(/\r?\n/);
}

const INSERT = /%(\d{1,2})(?:![^!]*!)?/g;
const cleanLabel = (label: string) => label.replace(/\u0000/g, '%').replace(/[\s:=]+$/, '').replace(/^[\s-]+/, '').replace(/\s+/g, ' ');

/**
 * Field descriptions from the message's labels: `Calling process PID: %1` → "Calling process PID.";
 * under a heading line (`Subject:` above `\tSecurity ID:\t%1`) → "Security ID (Subject).".
 */
export function labelsOf(message: string): Map<number, string> {
  const labels = new Map<number, string>();
  let heading = '';
  for (const line of messageLines(message)) {
    const inserts = [...line.matchAll(INSERT)];
    if (line.trim() === '') {
      heading = '';
      continue;
    }
    if (inserts.length === 0) {
      if (!/^\s/.test(line) && /:\s*$/.test(line)) heading = cleanLabel(line);
      continue;
    }
    const [only] = inserts;
    if (inserts.length !== 1 || !only || only.index === undefined) continue;
    const n = Number(only[1]);
    const label = cleanLabel(line.slice(0, only.index));
    if (!label || labels.has(n)) continue;
    labels.set(n, /^\s/.test(line) && heading ? `${label} (${heading}).` : `${label}.`);
  }
  return labels;
}

/** A line with each insert shown as the field it names: `account <AccountName>`. */
function namedInserts(line: string, names: readonly string[]): string {
  return line
    .replace(INSERT, (m: string, n: string) => {
      const name = names[Number(n) - 1];
      return name ? `<${name}>` : m;
    })
    .replace(/\u0000/g, '%');
}

/**
 * The title: the first line of the message up to its colon (`NTLM client blocked audit`), else the
 * whole line, each insert shown as its field's name.
 */
export function titleOf(message: string | undefined, names: readonly string[], fallback: string): string {
  const first = message ? (messageLines(message).find((l) => l.trim() !== '') ?? '') : '';
  const beforeInsert = first.split(/%\d/)[0] ?? '';
  const colon = /^([^:]{3,}?):\s+\S/.exec(beforeInsert)?.[1];
  const title = (colon ?? namedInserts(first, names)).replace(/\u0000/g, '%').replace(/[\s.:;,=]+$/, '').trim();
  return title.length >= 3 && !/^<[^>]+>$/.test(title) ? title : fallback;
}

/**
 * The message as the definition keeps it: `%n` and `%t` written as the line break and tab they
 * stand for (as Windows renders them, and as examples/ write messages); every other `%` sequence,
 * `%%1833` parameter inserts included, as written.
 */
export function readableMessage(message: string): string {
  return message.replace(/%(%|n|t)/g, (m: string, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : m));
}

/** The event as one definition: the union of its versions, its newest version's header and message. */
export function buildDefinition(union: EventUnion, options: BuildOptions): BuiltDefinition {
  const e = union.newest;
  const channel = e.channel ?? options.channel;
  const fallbackTitle = `${options.provider.name} event ${e.id}`;
  const messageIsEvforges = e.message === undefined;
  const message = e.message !== undefined ? readableMessage(e.message) : union.fields.length ? fieldListMessage(union.fields.map((f) => f.name)) : `${fallbackTitle}.`;
  const labels = e.message ? labelsOf(e.message) : new Map<number, string>();
  const names = union.fields.map((f) => f.name);
  // The first line of the message, each insert shown as the field it names: `account <AccountName>`.
  const firstLine = e.message ? namedInserts((messageLines(e.message).find((l) => l.trim() !== '') ?? '').trim(), names) : '';
  const fields: FieldInput[] = union.fields.map((f, i) => ({
    name: f.name,
    type: f.type,
    description: labels.get(i + 1) ?? (e.message ? `Data item ${f.name} of the template; the message gives it no label.` : `Data item ${f.name} of the template.`),
    ...(f.array ? { array: true } : {}),
    ...(f.since !== undefined ? { since: f.since } : {}),
    ...(f.until !== undefined ? { until: f.until } : {}),
    ...(f.earlierTypes ? { earlierTypes: f.earlierTypes } : {}),
  }));
  const definition: EventDefinitionInput = {
    name: definitionName(options.provider.name, e.id),
    schemaVersion: '1.0.0',
    title: titleOf(e.message, names, fallbackTitle),
    description: firstLine && !/^<[^>]+>$/.test(firstLine) ? firstLine : `${fallbackTitle}${union.versions.length > 1 ? `, versions ${union.versions.join(', ')}` : ''}.`,
    provider: { name: options.provider.name, guid: options.provider.guid },
    channel,
    eventId: e.id,
    version: e.version,
    level: e.level,
    task: { value: e.task.value, name: e.task.name },
    opcode: { value: e.opcode.value, name: e.opcode.name },
    keywords: keywordText(e.keywords),
    message,
    dataset: options.dataset ?? datasetOf(channel),
    ...(e.userData ? { userData: { ...e.userData } } : {}),
    fields,
  };
  return { definition, messageIsEvforges, channelFromOption: e.channel === undefined && options.channelFromOption, ...(e.task.symbol ? { taskNameIsSymbol: true } : {}) };
}

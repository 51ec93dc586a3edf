import type { EventDefinitionInput, FieldInput } from '../definition/types.ts';

/**
 * TypeScript source for imported definitions, in the style of examples/: single quotes, two-space
 * indent, trailing commas, one key per line for the definition and each field, small objects on one
 * line, a multi-line message as an array of its lines joined with '\n'. Deterministic: the same
 * definition always prints the same bytes.
 */

const WIDTH = 120;

/** A single-quoted string literal: `\`, `'`, line breaks, tabs and every other control or line separator escaped. */
export function quote(text: string): string {
  let out = "'";
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A value that prints as code: a string, number, boolean, list, object, or the message's joined lines. */
export type Code = string | number | boolean | readonly Code[] | { readonly [key: string]: Code | undefined } | Joined;

/** Lines printed as `['a', 'b'].join('\n')`. */
export class Joined {
  constructor(readonly lines: readonly string[]) {}
}

/** A message as code: one string, or its lines joined with '\n' when it has several. */
export function messageCode(message: string): Code {
  const lines = message.split('\n');
  return lines.length > 1 ? new Joined(lines) : message;
}

/** `Array.isArray` that narrows readonly lists too. */
const isList = (v: Code): v is readonly Code[] => Array.isArray(v);

const KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const keyText = (k: string) => (KEY.test(k) ? k : quote(k));

/** Printed on one line, or undefined when it cannot be (a joined message, or something `block` keeps multi-line). */
function inline(value: Code, block: (v: Code) => boolean): string | undefined {
  if (block(value)) return undefined;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Joined) return undefined;
  if (isList(value)) {
    const items = value.map((v) => inline(v, block));
    return items.some((i) => i === undefined) ? undefined : `[${items.join(', ')}]`;
  }
  const entries = Object.entries(value).filter((e): e is [string, Code] => e[1] !== undefined);
  const parts = entries.map(([k, v]) => {
    const t = inline(v, block);
    return t === undefined ? undefined : `${keyText(k)}: ${t}`;
  });
  if (parts.some((p) => p === undefined)) return undefined;
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

/**
 * `value` printed at `indent` (the column of the line it starts on), on one line when it fits after
 * `prefix` and is not forced to break (`block`: objects that always take a line per key).
 */
export function print(value: Code, indent: string, prefix = 0, block: (v: Code) => boolean = () => false): string {
  const one = inline(value, block);
  if (one !== undefined && indent.length + prefix + one.length + 1 <= WIDTH) return one;
  const inner = `${indent}  `;
  if (value instanceof Joined) return `[\n${value.lines.map((l) => `${inner}${quote(l)},\n`).join('')}${indent}].join('\\n')`;
  if (isList(value)) return `[\n${value.map((v) => `${inner}${print(v, inner, 0, block)},\n`).join('')}${indent}]`;
  if (typeof value === 'object') return `{\n${printEntries(value, inner, block)}${indent}}`;
  return one ?? String(value);
}

/** `key: value,` lines of an object; a long string moves to its own line after the key. */
export function printEntries(value: { readonly [key: string]: Code | undefined }, indent: string, block: (v: Code) => boolean = () => false): string {
  return Object.entries(value)
    .filter((e): e is [string, Code] => e[1] !== undefined)
    .map(([k, v]) => {
      const head = `${indent}${keyText(k)}:`;
      if (typeof v === 'string' && head.length + 1 + quote(v).length + 1 > WIDTH) return `${head}\n${indent}  ${quote(v)},\n`;
      return `${head} ${print(v, indent, head.length - indent.length + 1, block)},\n`;
    })
    .join('');
}

/** A field as code, in the examples' key order. */
export function fieldCode(f: FieldInput): { [key: string]: Code | undefined } {
  return {
    name: f.name,
    type: f.type,
    description: f.description,
    aliases: f.aliases,
    nullTokens: f.nullTokens,
    ecs: f.ecs?.map((t) => (typeof t === 'string' ? t : { field: t.field, derive: t.derive, type: t.type })),
    examples: f.examples,
    array: f.array ? true : undefined,
    since: f.since,
    until: f.until,
    earlierTypes: f.earlierTypes?.map((e) => ({ type: e.type, until: e.until })),
  };
}

/** Objects that take a line per key: a field. */
export const isFieldCode = (v: Code): boolean => typeof v === 'object' && !isList(v) && !(v instanceof Joined) && 'name' in v && 'type' in v && 'description' in v;

/** The definition as code, in the examples' key order. */
export function definitionCode(d: EventDefinitionInput): { [key: string]: Code | undefined } {
  return {
    name: d.name,
    schemaVersion: d.schemaVersion,
    title: d.title,
    description: d.description,
    provider: { name: d.provider.name, guid: d.provider.guid },
    channel: d.channel,
    eventId: d.eventId,
    version: d.version,
    level: d.level,
    task: { value: d.task.value, name: d.task.name },
    opcode: { value: d.opcode.value, name: d.opcode.name },
    keywords: d.keywords,
    message: messageCode(d.message),
    dataset: d.dataset,
    userData: d.userData ? { element: d.userData.element, namespace: d.userData.namespace } : undefined,
    fields: d.fields.map(fieldCode),
  };
}

/** The doc comment's lines, `*\/` made harmless. */
function docComment(lines: readonly string[]): string {
  const body = lines.map((l) => (l ? ` * ${l.replace(/\*\//g, '*\\/')}` : ' *')).join('\n');
  return `/**\n${body}\n */\n`;
}

/** A whole definition file. `about`: the doc comment's lines (where it comes from). */
export function definitionFile(d: EventDefinitionInput, about: readonly string[]): string {
  return `import { defineEvent } from 'evforge';\n\n${docComment(about)}export default defineEvent({\n${printEntries(definitionCode(d), '  ', isFieldCode)}});\n`;
}

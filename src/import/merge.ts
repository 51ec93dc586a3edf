import type * as TS from 'typescript';
import { bumped } from '../plan/classify.ts';
import type { FieldInput } from '../definition/types.ts';
import { isRecord } from '../guards.ts';
import type { BuiltDefinition } from './build.ts';
import { fieldListMessage, keywordText } from './build.ts';
import { fieldCode, isFieldCode, messageCode, print, type Code } from './emit.ts';
import { ImportProblem } from '../errors.ts';

/**
 * Re-import: a newer description merged into a definition file that exists, read as a TypeScript
 * syntax tree (the compiler's own parser) and edited in place, so everything else in the file stays
 * byte for byte — ECS targets, older names, null tokens, detections, descriptions, comments, code.
 * What Windows says is taken from the import: the provider, version, level, task, opcode, message
 * (when the source has one), keywords (keeping the reserved high bits the file has: the channel
 * bits Windows adds when it logs, which provider metadata does not carry), the fields' names,
 * order and types and their since/until/earlier types; what a person says is kept.
 */

export type Ts = typeof TS;
const UNREAD: unique symbol = Symbol('unread');
type Read = unknown;

/** A definition file that exists, parsed. */
export interface ExistingDefinition {
  readonly path: string;
  readonly text: string;
  readonly source: TS.SourceFile;
  readonly object: TS.ObjectLiteralExpression;
  readonly name: string | undefined;
  readonly provider: string | undefined;
  readonly eventId: number | undefined;
}

export type Severity = 'breaking' | 'compatible' | 'documentation';
export interface DefinitionChange {
  readonly severity: Severity;
  readonly what: string;
}

export interface Merged {
  readonly text: string;
  readonly changes: readonly DefinitionChange[];
  readonly schemaVersion: { readonly from: string; readonly to: string };
}

/** The TypeScript compiler, loaded only when a definition file must be read (it is large). */
export async function loadTypeScript(): Promise<Ts> {
  return import('typescript');
}

const lineOf = (source: TS.SourceFile, pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;

function unwrap(ts: Ts, node: TS.Expression): TS.Expression {
  let n = node;
  while (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isSatisfiesExpression(n)) n = n.expression;
  return n;
}

/** `export default defineEvent({ … })` (or `export default { … }`): the definition's object, or undefined. */
export function parseExisting(ts: Ts, path: string, text: string): ExistingDefinition | undefined {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  for (const s of source.statements) {
    if (!ts.isExportAssignment(s) || s.isExportEquals) continue;
    let e = unwrap(ts, s.expression);
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'defineEvent' && e.arguments[0]) e = unwrap(ts, e.arguments[0]);
    if (!ts.isObjectLiteralExpression(e)) return undefined;
    const provider = readLiteral(ts, prop(ts, e, 'provider')?.initializer);
    const id = readLiteral(ts, prop(ts, e, 'eventId')?.initializer);
    const name = readLiteral(ts, prop(ts, e, 'name')?.initializer);
    return {
      path,
      text,
      source,
      object: e,
      name: typeof name === 'string' ? name : undefined,
      provider: isRecord(provider) && typeof provider['name'] === 'string' ? provider['name'] : undefined,
      eventId: typeof id === 'number' ? id : undefined,
    };
  }
  return undefined;
}

function propName(ts: Ts, name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

function prop(ts: Ts, obj: TS.ObjectLiteralExpression, name: string): TS.PropertyAssignment | undefined {
  for (const p of obj.properties) if (ts.isPropertyAssignment(p) && propName(ts, p.name) === name) return p;
  return undefined;
}

/** The value of plain data (strings, numbers, lists, objects, `[…].join('…')`), else UNREAD. */
function readLiteral(ts: Ts, node: TS.Expression | undefined): Read {
  if (!node) return undefined;
  const n = unwrap(ts, node);
  if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
  if (ts.isNumericLiteral(n)) return Number(n.text);
  if (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(n.operand)) return -Number(n.operand.text);
  if (n.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (n.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (ts.isArrayLiteralExpression(n)) {
    const items = n.elements.map((e) => (ts.isSpreadElement(e) ? UNREAD : readLiteral(ts, e)));
    return items.includes(UNREAD) ? UNREAD : items;
  }
  if (ts.isObjectLiteralExpression(n)) {
    const out: Record<string, unknown> = {};
    for (const p of n.properties) {
      const k = ts.isPropertyAssignment(p) ? propName(ts, p.name) : undefined;
      if (!ts.isPropertyAssignment(p) || k === undefined) return UNREAD;
      const v = readLiteral(ts, p.initializer);
      if (v === UNREAD) return UNREAD;
      out[k] = v;
    }
    return out;
  }
  if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'join' && n.arguments.length === 1) {
    const list = readLiteral(ts, n.expression.expression);
    const sep = readLiteral(ts, n.arguments[0]);
    if (Array.isArray(list) && list.every((x) => typeof x === 'string') && typeof sep === 'string') return list.join(sep);
  }
  return UNREAD;
}

/** The whole definition's values when the file is plain data, else undefined. */
export function readDefinition(ts: Ts, existing: ExistingDefinition): unknown {
  const v = readLiteral(ts, existing.object);
  return v === UNREAD ? undefined : v;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function applyEdits(text: string, edits: readonly Edit[], offset = 0): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start - offset) + e.text + out.slice(e.end - offset);
  return out;
}

/** The whitespace before `pos` on its line. */
function indentAt(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, pos))?.[0] ?? '';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const FIELD_ORDER = ['name', 'type', 'description', 'aliases', 'nullTokens', 'ecs', 'examples', 'array', 'since', 'until', 'earlierTypes'] as const;
type ManagedFieldKey = 'type' | 'array' | 'since' | 'until' | 'earlierTypes';
const MANAGED: readonly ManagedFieldKey[] = ['type', 'array', 'since', 'until', 'earlierTypes'];
const HIGH_BITS = 0xffff000000000000n;

/** Edits that set, add or remove one property of an object literal. */
function setProperty(ts: Ts, text: string, obj: TS.ObjectLiteralExpression, key: string, value: Code | undefined, order: readonly string[], block = isFieldCode): Edit[] {
  const existing = prop(ts, obj, key);
  if (existing) {
    if (value === undefined) {
      // The property with its line; its comma after, or (when last) the one before it.
      let start = existing.getFullStart();
      let end = existing.end;
      const after = /^\s*,/.exec(text.slice(end));
      if (after) end += after[0].length;
      else if (text[start - 1] === ',') start -= 1;
      return [{ start, end, text: '' }];
    }
    const init = existing.initializer;
    const indent = indentAt(text, existing.getStart());
    const prefix = existing.getStart() - (text.lastIndexOf('\n', existing.getStart() - 1) + 1) - indent.length + key.length + 2;
    return [{ start: init.getStart(), end: init.end, text: print(value, indent, prefix, block) }];
  }
  if (value === undefined) return [];
  // After the last property that comes before it in the usual order, else after the last one.
  const before = order.slice(0, order.indexOf(key));
  const props = obj.properties.filter((p) => ts.isPropertyAssignment(p));
  const anchor = [...props].reverse().find((p) => before.includes(propName(ts, p.name) ?? '')) ?? props.at(-1);
  const multiLine = text.slice(obj.getStart(), obj.end).includes('\n');
  const indent = anchor ? indentAt(text, anchor.getStart()) : '  ';
  const body = `${key}: ${print(value, indent, key.length + 2, block)}`;
  if (!anchor) return [{ start: obj.getStart() + 1, end: obj.getStart() + 1, text: multiLine ? `\n${indent}${body},` : ` ${body} ` }];
  return [{ start: anchor.end, end: anchor.end, text: multiLine ? `,\n${indent}${body}` : `, ${body}` }];
}

const fieldValue = (f: FieldInput, key: ManagedFieldKey): Code | undefined => fieldCode(f)[key];

/**
 * Merges `built` into `existing`: the file's message is kept when the source has no message string,
 * its channel when the import's came from --channel only. Throws an ImportProblem located in the file when a part
 * it must change is not plain data.
 */
export function mergeDefinition(ts: Ts, existing: ExistingDefinition, built: BuiltDefinition): Merged {
  const { text, object, source } = existing;
  const d = built.definition;
  const changes: DefinitionChange[] = [];
  const edits: Edit[] = [];
  const refuse = (node: TS.Node, what: string): never => {
    throw new ImportProblem({
      code: 'E_IMPORT_MERGE',
      path: `${existing.path}:${lineOf(source, node.getStart())}`,
      message: `cannot merge event ${d.eventId} into ${existing.path}: its ${what} is not plain data (a literal) evforge can rewrite`,
      hint: 'write that part as a literal, or import into another folder (--out) and carry the changes over by hand',
    });
  };
  const read = (key: string): Read => {
    const p = prop(ts, object, key);
    if (!p) return undefined;
    const v = readLiteral(ts, p.initializer);
    return v === UNREAD ? refuse(p, `"${key}"`) : v;
  };
  const TOP_ORDER = ['name', 'schemaVersion', 'title', 'description', 'provider', 'channel', 'eventId', 'version', 'level', 'task', 'opcode', 'keywords', 'message', 'dataset', 'userData', 'ecs', 'fields', 'detections'];
  const setTop = (key: string, now: unknown, code: Code | undefined, severity: Severity, label: string) => {
    const was = read(key);
    if (same(was, now)) return;
    changes.push({ severity, what: `${label}: ${describe(was)} → ${describe(now)}` });
    edits.push(...setProperty(ts, text, object, key, code, TOP_ORDER));
  };

  setTop('provider', d.provider, { name: d.provider.name, guid: d.provider.guid }, 'compatible', 'provider');
  if (!built.channelFromOption) setTop('channel', d.channel, d.channel, 'compatible', 'channel');
  setTop('version', d.version, d.version, 'compatible', 'version');
  setTop('level', d.level, d.level, 'compatible', 'level');
  // A source without the task's display text (the rebuilt manifests) keeps the file's name for the same task number, as it keeps its message.
  const oldTask = read('task');
  const keepName = built.taskNameIsSymbol && isRecord(oldTask) && oldTask['value'] === d.task.value && typeof oldTask['name'] === 'string';
  const task = keepName ? { value: d.task.value, name: String(oldTask['name']) } : { value: d.task.value, name: d.task.name };
  setTop('task', task, task, 'compatible', 'task');
  setTop('opcode', d.opcode, { value: d.opcode.value, name: d.opcode.name }, 'compatible', 'opcode');
  const oldKeywords = read('keywords');
  const keywords = typeof oldKeywords === 'string' && /^0x[0-9A-Fa-f]{1,16}$/.test(oldKeywords) ? keywordText(BigInt(d.keywords) | (BigInt(oldKeywords) & HIGH_BITS)) : d.keywords;
  setTop('keywords', keywords, keywords, 'documentation', 'keywords');
  const messageProp = prop(ts, object, 'message');
  const oldMessage = read('message');
  const userData = d.userData ? { element: d.userData.element, ...(d.userData.namespace ? { namespace: d.userData.namespace } : {}) } : undefined;
  setTop('userData', userData, userData, 'compatible', 'userData');

  const fieldsProp = prop(ts, object, 'fields');
  if (!fieldsProp || !ts.isArrayLiteralExpression(unwrap(ts, fieldsProp.initializer))) return refuse(fieldsProp ?? object, '"fields"');
  const arr = unwrap(ts, fieldsProp.initializer);
  if (!ts.isArrayLiteralExpression(arr)) return refuse(fieldsProp, '"fields"');
  const old = arr.elements.map((el) => {
    const o = unwrap(ts, el);
    if (!ts.isObjectLiteralExpression(o)) return refuse(el, 'field list');
    const name = readLiteral(ts, prop(ts, o, 'name')?.initializer);
    if (typeof name !== 'string') return refuse(el, "field's name");
    return { el, obj: o, name };
  });
  const oldNames = old.map((o) => o.name);
  const newNames = d.fields.map((f) => f.name);
  const fieldEdits = new Map<string, Edit[]>();
  let fieldsChanged = false;
  for (const o of old) {
    const f = d.fields.find((x) => x.name === o.name);
    if (!f) {
      changes.push({ severity: 'breaking', what: `field ${o.name} removed (the source no longer has it)` });
      fieldsChanged = true;
      continue;
    }
    const own: Edit[] = [];
    for (const key of MANAGED) {
      const p = prop(ts, o.obj, key);
      const was = p ? readLiteral(ts, p.initializer) : undefined;
      if (was === UNREAD && p) refuse(p, `field ${o.name}'s "${key}"`);
      const now = key === 'array' ? (f.array ? true : undefined) : key === 'earlierTypes' ? (f.earlierTypes?.length ? f.earlierTypes : undefined) : f[key];
      if (same(was, now)) continue;
      changes.push({ severity: key === 'type' ? 'breaking' : 'compatible', what: `field ${o.name} ${key}: ${describe(was)} → ${describe(now)}` });
      own.push(...setProperty(ts, text, o.obj, key, fieldValue(f, key), FIELD_ORDER));
    }
    if (own.length) {
      fieldEdits.set(o.name, own);
      fieldsChanged = true;
    }
  }
  for (const f of d.fields) {
    if (!oldNames.includes(f.name)) {
      changes.push({ severity: 'compatible', what: `field ${f.name} added (${f.type}${f.since !== undefined ? `, since version ${f.since}` : ''})` });
      fieldsChanged = true;
    }
  }
  const kept = oldNames.filter((n) => newNames.includes(n));
  if (!same(kept, newNames.filter((n) => oldNames.includes(n)))) {
    changes.push({ severity: 'compatible', what: `field order: ${kept.join(', ')} → ${newNames.filter((n) => oldNames.includes(n)).join(', ')}` });
    fieldsChanged = true;
  }
  // The message: the source's; or, when it has none, the file's — evforge's list of the old fields
  // is redone for the new ones, and Windows' text is kept only if every insert still names the same field.
  if (!built.messageIsEvforges) {
    if (oldMessage !== d.message) {
      changes.push({ severity: 'compatible', what: "message: changed to the source's text" });
      edits.push(...setProperty(ts, text, object, 'message', messageCode(d.message), TOP_ORDER));
    }
  } else if (typeof oldMessage === 'string' && oldMessage === fieldListMessage(oldNames) && oldMessage !== d.message) {
    changes.push({ severity: 'compatible', what: "message: evforge's list of the fields redone (the source has no message)" });
    edits.push(...setProperty(ts, text, object, 'message', messageCode(d.message), TOP_ORDER));
  } else if (typeof oldMessage === 'string') {
    const moved = [...new Set([...oldMessage.matchAll(/%(\d{1,2})/g)].map((m) => Number(m[1])))].filter((n) => oldNames[n - 1] !== newNames[n - 1]).sort((a, b) => a - b);
    if (moved.length && messageProp) {
      throw new ImportProblem({
        code: 'E_IMPORT_MESSAGE_INSERTS',
        path: `${existing.path}:${lineOf(source, messageProp.getStart())}`,
        message: `cannot keep the message of ${existing.path}: the source has no message, and its ${moved.map((n) => `%${n} (${oldNames[n - 1] ?? 'no field'} → ${newNames[n - 1] ?? 'no field'})`).join(', ')} would name another field`,
        hint: "import from a description with messages (a WEPExplorer dump of that build), or renumber the message's inserts by hand first",
      });
    }
  }

  if (fieldsChanged) {
    const propIndent = indentAt(text, fieldsProp.getStart());
    const first = old[0];
    const elementIndent = first ? indentAt(text, first.el.getStart()) : `${propIndent}  `;
    const parts = d.fields.map((f) => {
      const o = old.find((x) => x.name === f.name);
      if (!o) return `\n${elementIndent}${print(fieldCode(f), elementIndent, 0, isFieldCode)}`;
      const leading = text.slice(o.el.getFullStart(), o.el.getStart());
      const body = applyEdits(text.slice(o.el.getStart(), o.el.end), fieldEdits.get(o.name) ?? [], o.el.getStart());
      return `${leading.includes('\n') ? leading : `\n${elementIndent}${leading.trimStart()}`}${body}`;
    });
    const last = arr.elements.at(-1);
    const trailer = last ? text.slice(last.end, arr.end - 1) : '';
    const close = /\n[ \t]*$/.test(trailer) ? trailer : `${trailer.startsWith(',') ? ',' : ''}\n${propIndent}`;
    const arrayText = parts.length ? `[${parts.join(',')}${close.startsWith(',') ? close : `,${close}`}]` : `[]`;
    edits.push({ start: arr.getStart(), end: arr.end, text: arrayText });
  }

  const from = read('schemaVersion');
  if (typeof from !== 'string' || !/^\d+\.\d+\.\d+$/.test(from)) return refuse(prop(ts, object, 'schemaVersion') ?? object, '"schemaVersion"');
  const severities = new Set(changes.map((c) => c.severity));
  const to = severities.has('breaking') ? bumped(from, 'major') : severities.has('compatible') ? bumped(from, 'minor') : severities.has('documentation') ? bumped(from, 'patch') : from;
  if (to !== from) {
    const p = prop(ts, object, 'schemaVersion');
    if (p) edits.push({ start: p.initializer.getStart(), end: p.initializer.end, text: `'${to}'` });
  }
  const merged = applyEdits(text, edits);
  return { text: merged, changes, schemaVersion: { from, to } };
}

function describe(v: unknown): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') return JSON.stringify(v);
  return JSON.stringify(v);
}

/** Reads back a merged file's values (plain data only, else undefined), to validate it before anything is written. */
export function valueOf(ts: Ts, path: string, text: string): unknown {
  const parsed = parseExisting(ts, path, text);
  return parsed ? readDefinition(ts, parsed) : undefined;
}

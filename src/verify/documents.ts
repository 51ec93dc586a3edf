import { isLosslessNumber } from 'lossless-json';
import { isDeepStrictEqual } from 'node:util';
import type { IndexField } from '../generate/fields.ts';
import { isRecord } from '../guards.ts';
import { stableJsonLine } from '../json.ts';

/** Pure checks of pipeline output; `evforge test` (./tests.ts) runs them on what the engine returned. */

type Leaf = readonly [path: string, value: unknown];

/** A JSON object of a parsed document: not null, not an array, not an exact number. */
function isObject(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && !isLosslessNumber(value);
}

/** Every leaf value with its dotted path; array elements share their array's path. */
export function leaves(value: unknown, path = ''): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((v) => leaves(v, path));
  if (isObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [];
    return entries.flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  }
  return [[path, value]];
}

const isInteger = (v: unknown): v is number | bigint => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** Whether a JSON value can be indexed into a field of this type without being dropped or coerced. */
export function fitsType(type: IndexField['type'], v: unknown): boolean {
  switch (type) {
    case 'keyword':
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
    case 'text':
      return typeof v === 'string';
    case 'long':
      return isInteger(v) && BigInt(v) >= LONG_MIN && BigInt(v) <= LONG_MAX;
    case 'double':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
    case 'date_nanos':
      return (typeof v === 'string' && !Number.isNaN(Date.parse(v))) || typeof v === 'number';
    case 'ip':
      return typeof v === 'string' && (IPV4.test(v) || (v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v)));
    case 'object':
      return true;
  }
}

/**
 * Problems of one output document against the generated mapping: fields the mapping does not
 * declare, values of an incompatible type.
 */
export function mappingProblems(doc: unknown, fields: readonly IndexField[]): string[] {
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const opaque = fields.filter((f) => f.type === 'object').map((f) => `${f.path}.`);
  const problems: string[] = [];
  for (const [path, value] of leaves(doc)) {
    if (opaque.some((o) => path.startsWith(o))) continue;
    const f = byPath.get(path);
    if (!f) problems.push(`${path} is not declared in the mapping`);
    else if (!fitsType(f.type, value)) problems.push(`${path}: ${stableJsonLine(value)} does not fit ${f.type}`);
  }
  return problems;
}

/** Differences between an expected and an actual document, as `path: expected …, got …`. */
export function documentDifferences(expected: unknown, actual: unknown, limit = 10): string[] {
  const out: string[] = [];
  const walk = (e: unknown, a: unknown, path: string): void => {
    if (out.length >= limit) return;
    if (isDeepStrictEqual(e, a)) return;
    if (isObject(e) && isObject(a)) {
      const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
      for (const k of keys) walk(e[k], a[k], path ? `${path}.${k}` : k);
      return;
    }
    const show = (x: unknown) => (x === undefined ? 'nothing' : stableJsonLine(x));
    out.push(`${path || '(document)'}: expected ${show(e)}, got ${show(a)}`);
  };
  walk(expected, actual, '');
  return out;
}

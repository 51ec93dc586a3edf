/**
 * Type guards and checked readers for values the compiler cannot know the shape of: parsed JSON and
 * YAML, thrown values, keys read from a table. Each checks at run time what its type claims, so the
 * code that reads such a value needs no `as`. At the ground floor with json.ts: every stage reads them.
 */
import { InternalError } from './errors.ts';

/** A JSON-style object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `value[k1][k2]…` for parsed data: each step reads an object's key or an array's index (`'0'`);
 * undefined as soon as a step is missing or is not an object.
 */
export function valueAt(value: unknown, ...keys: readonly string[]): unknown {
  let node = value;
  for (const key of keys) {
    if (Array.isArray(node)) node = /^\d+$/.test(key) ? node[Number(key)] : undefined;
    else node = isRecord(node) ? node[key] : undefined;
  }
  return node;
}

/** Whether `value` is one of `list` (a `const` list of literals), narrowing it to their union. */
export function isOneOf<const T>(list: readonly T[], value: unknown): value is T {
  return list.some((item) => item === value);
}

/** Whether `key` is an own key of `table`, narrowing it to the table's keys. */
export function isKeyOf<T extends object>(table: T, key: unknown): key is keyof T {
  return (typeof key === 'string' || typeof key === 'number' || typeof key === 'symbol') && Object.hasOwn(table, key);
}

/** An object with one entry per key, each value computed from its key; checked to hold every key. */
export function recordOf<const K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  const out: Record<string, V> = Object.fromEntries(keys.map((key) => [key, value(key)]));
  if (!hasEvery(out, keys)) throw new InternalError(`recordOf: a key of ${keys.join(', ')} is missing`);
  return out;
}

function hasEvery<K extends string, V>(record: Record<string, V>, keys: readonly K[]): record is Record<K, V> {
  return keys.every((key) => Object.hasOwn(record, key));
}

/** The message of whatever was thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Every item of a list, each read by `read`; undefined when `value` is not a list or an item does not read. */
export function listOf<T>(value: unknown, read: (item: unknown) => T | undefined): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: T[] = [];
  for (const item of value) {
    const got = read(item);
    if (got === undefined) return undefined;
    out.push(got);
  }
  return out;
}

/** Every entry of an object, each value read by `read`; undefined when `value` is not an object or a value does not read. */
export function dictOf<T>(value: unknown, read: (item: unknown) => T | undefined): Record<string, T> | undefined {
  if (!isRecord(value)) return undefined;
  const entries: [string, T][] = [];
  for (const [key, item] of Object.entries(value)) {
    const got = read(item);
    if (got === undefined) return undefined;
    entries.push([key, got]);
  }
  return Object.fromEntries(entries); // own keys, even `__proto__`
}

/** The value when it is a string. */
export const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

import { isRecord, textOf } from '../../guards.ts';

/**
 * Checked readers for what crosses the cluster edge untyped: JSON from a server, an error from
 * either official client, a body the generator made. Built on guards.ts: each narrows `unknown` by
 * looking at it, so a surprising answer reads as absent instead of being cast into a shape it does
 * not have.
 */

/** A JSON object: not null, not an array. */
export type JsonObject = Record<string, unknown>;

/** `value[key]` when `value` is an object, else undefined. */
export function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

export function stringField(value: unknown, key: string): string | undefined {
  return textOf(field(value, key));
}

export function numberField(value: unknown, key: string): number | undefined {
  const v = field(value, key);
  return typeof v === 'number' ? v : undefined;
}

export function objectField(value: unknown, key: string): JsonObject | undefined {
  const v = field(value, key);
  return isRecord(v) ? v : undefined;
}

export function arrayField(value: unknown, key: string): readonly unknown[] {
  const v = field(value, key);
  return Array.isArray(v) ? v : [];
}

/** Header values as the clients hand them over (`string | string[]`), reduced to the first string. */
export function header(headers: unknown, name: string): string | undefined {
  const v = field(headers, name);
  return Array.isArray(v) ? textOf(v[0]) : textOf(v);
}

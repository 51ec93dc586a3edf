import { createHash } from 'node:crypto';
import { isRecord } from './guards.ts';
import { InternalError } from './errors.ts';

/**
 * The one JSON serializer for everything evforge writes: object keys sorted (their order carries
 * no meaning to Elasticsearch or OpenSearch), array order kept (pipeline processors run in order),
 * 2-space indent, LF, trailing newline. `bigint` and lossless numbers print their exact digits.
 * Keys are sorted in one copy of the value, which the engine's own JSON.stringify then prints (no
 * per-value callback), which is faster than printing in JavaScript. It sits at the ground
 * floor with errors.ts: hashing and stable JSON serve every stage, from definitions to plans.
 */
export function stableJson(value: unknown): string {
  return `${serialize(value, 2)}\n`;
}

/** Same rules on one line, for NDJSON and hashing. */
export function stableJsonLine(value: unknown): string {
  return serialize(value, 0);
}

const EXACT = '\u0000exact:';

/**
 * A copy with object keys sorted, ready for the native JSON.stringify (no per-value callback);
 * `bigint` and lossless numbers become marked strings, unmarked after.
 */
function sortKeys(v: unknown, flags: { exact: boolean }): unknown {
  if (v === null) return v;
  switch (typeof v) {
    case 'object':
      break;
    case 'bigint':
      flags.exact = true;
      return `${EXACT}${v.toString()}`;
    case 'number':
      if (!Number.isFinite(v)) throw new InternalError(`cannot serialize ${v} as JSON`);
      return v;
    case 'function':
    case 'symbol':
      throw new InternalError(`cannot serialize a ${typeof v} as JSON`);
    case 'string':
    case 'boolean':
    case 'undefined':
      return v;
  }
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sortKeys(x, flags)));
  if (!isRecord(v)) return v; // unreachable: a non-null object that is not an array is a record
  if (v['isLosslessNumber'] === true) {
    flags.exact = true;
    return `${EXACT}${String(v['value'])}`;
  }
  const toJSON = v['toJSON'];
  if (typeof toJSON === 'function') return sortKeys(toJSON.call(v), flags);
  // A null-prototype object: a `__proto__` key stays an ordinary key.
  const sorted: Record<string, unknown> = Object.create(null);
  for (const k of Object.keys(v).sort()) {
    const x = v[k];
    if (x !== undefined) sorted[k] = sortKeys(x, flags);
  }
  return sorted;
}

function serialize(value: unknown, indent: number): string {
  const flags = { exact: false };
  const out = JSON.stringify(sortKeys(value, flags), null, indent || undefined);
  if (out === undefined) throw new InternalError(`cannot serialize a ${typeof value} as JSON`);
  return flags.exact ? out.replace(/"\\u0000exact:(-?[0-9.eE+-]+)"/g, '$1') : out;
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

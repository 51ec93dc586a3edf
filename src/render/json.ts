import { createHash } from 'node:crypto';

/**
 * The one JSON serializer for everything evforge writes: object keys sorted (their order carries
 * no meaning to Elasticsearch or OpenSearch), array order kept (pipeline processors run in order),
 * 2-space indent, LF, trailing newline. `bigint` and lossless numbers print their exact digits.
 */
export function stableJson(value: unknown): string {
  return `${serialize(value, '')}\n`;
}

/** Same rules on one line, for NDJSON and hashing. */
export function stableJsonLine(value: unknown): string {
  return serialize(value, null);
}

function serialize(value: unknown, indent: string | null): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot serialize ${value} as JSON`);
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      throw new TypeError(`cannot serialize a ${typeof value} as JSON`);
  }
  // lossless-json's LosslessNumber: a number kept as its exact text.
  if ((value as { isLosslessNumber?: unknown }).isLosslessNumber === true) return String((value as { value: string }).value);
  const inner = indent === null ? null : `${indent}  `;
  const open = (items: string[], o: string, c: string): string => {
    if (items.length === 0) return `${o}${c}`;
    if (inner === null) return `${o}${items.join(',')}${c}`;
    return `${o}\n${inner}${items.join(`,\n${inner}`)}\n${indent}${c}`;
  };
  if (Array.isArray(value)) return open(value.map((v) => serialize(v === undefined ? null : v, inner)), '[', ']');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((value as { toJSON(): unknown }).toJSON(), indent);
  }
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  const sep = inner === null ? ':' : ': ';
  return open(keys.map((k) => `${JSON.stringify(k)}${sep}${serialize((value as Record<string, unknown>)[k], inner)}`), '{', '}');
}

export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

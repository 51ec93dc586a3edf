import type { Dataset } from '../definition/dataset.ts';
import type { EventDefinition } from '../definition/model.ts';
import { isRecord, valueAt } from '../guards.ts';

/**
 * Object names follow Fleet / elastic-package: data stream `logs-<dataset>-<namespace>`, index
 * template `logs-<dataset>`, component templates `logs-<dataset>@settings|@mappings|@custom`.
 * One name per object (no version in it) so push and diff compare content; the version lives in
 * `version` and `_meta`.
 * @see https://www.elastic.co/guide/en/fleet/current/data-streams.html#data-streams-naming-scheme
 */
export function objectNames(dataset: string) {
  const base = `logs-${dataset}`;
  return {
    indexTemplate: base,
    indexPattern: `${base}-*`,
    settings: `${base}@settings`,
    mappings: `${base}@mappings`,
    custom: `${base}@custom`,
    pipeline: base,
    dataStream: (namespace = 'default') => `${base}-${namespace}`,
  } as const;
}

/** `version` of every object: 1.2.3 → 1002003, so a newer schema always has a larger number. */
export function objectVersion(schemaVersion: string): number {
  const [major = 0, minor = 0, patch = 0] = schemaVersion.split('.').map(Number);
  return major * 1_000_000 + minor * 1_000 + patch;
}

export interface ObjectMeta {
  readonly generated_by: 'evforge';
  readonly event: string;
  readonly schema_version: string;
  readonly definition_hash: string;
}

/** `_meta` on every cluster object: who made it, from which definition, at which schema version. */
export function objectMeta(def: EventDefinition): ObjectMeta {
  return { generated_by: 'evforge', event: def.name, schema_version: def.schemaVersion, definition_hash: def.hash };
}

/**
 * `version` of a dataset's shared objects: the sum of its events' versions, so any event's bump and
 * any event added raise it (removing an event is breaking anyway).
 */
export function datasetVersion(dataset: Dataset): number {
  return dataset.events.reduce((n, e) => n + objectVersion(e.schemaVersion), 0);
}

/** `_meta` of a dataset's shared objects: which definitions, at which versions, produced it. */
export interface DatasetMeta {
  readonly generated_by: 'evforge';
  readonly dataset: string;
  /** Owner definitions → their schema versions. `push` refuses to replace an object owned by a definition it was not given. */
  readonly events: Readonly<Record<string, string>>;
  readonly definition_hash: string;
}

export function datasetMeta(dataset: Dataset): DatasetMeta {
  return {
    generated_by: 'evforge',
    dataset: dataset.name,
    events: Object.fromEntries(dataset.events.map((e) => [e.name, e.schemaVersion])),
    definition_hash: dataset.hash,
  };
}

/**
 * The owner list as a pipeline description carries it, for engines whose pipelines have no `_meta`
 * (OpenSearch): `evforge; events: ntlm-8001@1.0.0 ntlm-8002@1.3.0`, the names on lines of at most
 * about 120 characters when there are many (a data stream of hundreds of events stays reviewable).
 */
export function ownersText(dataset: Dataset): string {
  const lines: string[] = [];
  let line = 'evforge; events:';
  for (const owner of dataset.events.map((e) => `${e.name}@${e.schemaVersion}`)) {
    if (line.length + 1 + owner.length > 120 && line !== 'evforge; events:') {
      lines.push(line);
      line = owner;
    } else line += ` ${owner}`;
  }
  return [...lines, line].join('\n');
}

/** Owner definitions recorded on a cluster object (`_meta.events`, `_meta.event`, or the pipeline description); undefined when it records none. */
export function ownersOf(body: unknown): string[] | undefined {
  const meta = valueAt(body, '_meta');
  if (isRecord(meta) && meta['generated_by'] === 'evforge') {
    const { events, event } = meta;
    if (events && typeof events === 'object') return Object.keys(events).sort();
    if (typeof event === 'string') return [event];
  }
  const description = valueAt(body, 'description');
  if (typeof description === 'string') {
    const [, owners] = /\(evforge; events:\s+([^)]*)\)\s*$/.exec(description) ?? [];
    if (owners !== undefined) return owners.split(/\s+/).filter(Boolean).map((x) => x.replace(/@[^@]*$/, '')).sort();
  }
  return undefined;
}

/**
 * Why an object on a cluster is not evforge's, if it is not: another tool manages it (Fleet marks
 * its objects `_meta.managed: true` and `_meta.managed_by`), or it carries no evforge owner record
 * (made by hand, or by another tool). Such an object is never replaced without `--take-over`.
 * @see https://www.elastic.co/guide/en/fleet/current/data-streams.html
 */
export function notEvforgesBecause(body: unknown): string | undefined {
  const meta = valueAt(body, '_meta');
  const managedBy = valueAt(meta, 'managed_by');
  if (typeof managedBy === 'string' && managedBy) return `${managedBy} manages it: _meta.managed_by is "${managedBy}"`;
  if (valueAt(meta, 'managed') === true) return 'another tool manages it: _meta.managed is true';
  return ownersOf(body) === undefined ? 'it records no evforge owners: made by hand or by another tool' : undefined;
}

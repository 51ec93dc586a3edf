import type { Detection, EventDefinition } from '../definition/model.ts';

/**
 * Object names follow Fleet / elastic-package: data stream `logs-<dataset>-<namespace>`, index
 * template `logs-<dataset>`, component templates `logs-<dataset>@settings|@mappings|@custom`.
 * One name per object (no version in it) so push and diff compare content; the version lives in
 * `version` and `_meta`.
 * @see https://www.elastic.co/guide/en/fleet/current/data-streams.html#data-streams-naming-scheme
 */
export function objectNames(def: Pick<EventDefinition, 'dataset'>) {
  const base = `logs-${def.dataset}`;
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

export function ruleSlug(rule: Detection): string {
  return rule.name;
}

import { COMMON_FIELDS, EVENT_DATA, HEADER_FIELDS } from '../definition/header.ts';
import type { EventDefinition } from '../definition/model.ts';
import type { IndexType } from '../definition/windows-types.ts';
import { perDefinition } from './per-definition.ts';

/** Where a field of the index comes from. */
export type FieldOrigin = 'common' | 'header' | 'event_data' | 'alias' | 'ecs';

/** One field of the generated index, before it becomes an engine's mapping property. */
export interface IndexField {
  readonly path: string;
  /** `object`: an object kept in `_source` and not indexed (`enabled: false`). */
  readonly type: IndexType | 'text' | 'alias' | 'object';
  readonly origin: FieldOrigin;
  readonly description: string;
  /** For aliases: the field they point to. */
  readonly aliasOf?: string;
  /** Adds a `.text` multi-field (ECS does for names and paths). */
  readonly text?: boolean;
  /** Kept in `_source` only: not searchable, no doc values (ECS `event.original`). */
  readonly stored?: boolean;
}

/** ECS default for keyword fields. @see https://www.elastic.co/guide/en/ecs/current/ecs-guidelines.html */
export const IGNORE_ABOVE = 1024;

/**
 * Every field the pipeline writes, with its type: the single list the mapping, the docs and the
 * pipeline tests read, so a field cannot be written without being mapped.
 */
export const indexFields: (def: EventDefinition) => IndexField[] = perDefinition(computeIndexFields);

function computeIndexFields(def: EventDefinition): IndexField[] {
  const out = new Map<string, IndexField>();
  const add = (f: IndexField) => {
    if (!out.has(f.path)) out.set(f.path, f);
  };
  for (const [path, spec] of Object.entries(COMMON_FIELDS)) {
    add({ path, type: spec.type, origin: 'common', description: spec.description, ...(path === 'event.original' ? { stored: true } : {}) });
  }
  for (const h of HEADER_FIELDS) add({ path: h.target, type: h.type, origin: 'header', description: h.description });
  for (const f of def.fields) {
    add({ path: `${EVENT_DATA}.${f.name}`, type: 'keyword', origin: 'event_data', description: `${f.description} Raw ${f.type} value as collected.` });
    for (const alias of f.aliases) {
      add({ path: `${EVENT_DATA}.${alias}`, type: 'alias', origin: 'alias', aliasOf: `${EVENT_DATA}.${f.name}`, description: `Older name of ${f.name}.` });
    }
    for (const t of f.ecs) {
      add({ path: t.field, type: t.type, origin: 'ecs', description: `${f.description} (from ${f.name}${t.derive === 'copy' ? '' : `, ${t.derive}`})`, ...(t.text ? { text: true } : {}) });
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

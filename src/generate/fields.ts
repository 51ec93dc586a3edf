import type { Dataset } from '../definition/dataset.ts';
import { COMMON_FIELDS, HEADER_FIELDS, USER_DATA, dataRoot } from '../definition/header.ts';
import type { EventDefinition } from '../definition/model.ts';
import type { Issue } from '../errors.ts';
import type { IndexType } from '../definition/windows-types.ts';
import { perDefinition } from './per-definition.ts';

/** Where a field of the index comes from. */
export type FieldOrigin = 'common' | 'header' | 'event_data' | 'ecs';

/**
 * One field of the generated index, before it becomes an engine's mapping property. Older field
 * names are not in the index: the pipeline renames them for the event that has them, and a field
 * alias would make the engine refuse any other event (one no definition covers, from another
 * provider) that sends a value under that name (issue 24).
 */
export interface IndexField {
  readonly path: string;
  /** `object`: an object kept in `_source` and not indexed (`enabled: false`). */
  readonly type: IndexType | 'text' | 'object';
  readonly origin: FieldOrigin;
  readonly description: string;
  /** Adds a `.text` multi-field (ECS does for names and paths). */
  readonly text?: boolean;
  /** Kept in `_source` only: not searchable, no doc values (ECS `event.original`). */
  readonly stored?: boolean;
  /** The definition field it comes from (event data, ECS targets). */
  readonly from?: string;
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
  const root = dataRoot(def);
  if (def.userData) add({ path: `${USER_DATA}.xml_name`, type: 'keyword', origin: 'event_data', description: 'Name of the <UserData> element the event\'s data was in (LogFileCleared).' });
  for (const f of def.fields) {
    add({ path: `${root}.${f.name}`, type: 'keyword', origin: 'event_data', from: f.name, description: `${f.description} Raw ${f.type} value as collected.` });
    for (const t of f.ecs) {
      const how = t.lookup !== undefined ? `, through table ${t.lookup}` : t.derive === 'copy' ? '' : `, ${t.derive}`;
      add({ path: t.field, type: t.type, origin: 'ecs', from: f.name, description: `${f.description} (from ${f.name}${how})`, ...(t.text ? { text: true } : {}) });
    }
  }
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Two fields of one index agree when they are mapped alike (descriptions may differ). */
const sameMapping = (a: IndexField, b: IndexField) => a.type === b.type && Boolean(a.text) === Boolean(b.text) && Boolean(a.stored) === Boolean(b.stored);

/** A field of the dataset's index, with the definitions that write it. */
export type DatasetField = IndexField & { readonly events: readonly string[] };

/**
 * The union of the members' fields: what the dataset's one mapping declares. The same path mapped
 * differently by two definitions cannot live in one index: each such pair is an issue naming both.
 */
export function datasetFieldsChecked(dataset: Dataset, sources: ReadonlyMap<string, string> = new Map()): { fields: DatasetField[]; issues: Issue[] } {
  const out = new Map<string, { field: IndexField; first: string; events: string[] }>();
  const issues: Issue[] = [];
  const where = (event: string, f: IndexField) => `${sources.get(event) ?? event} (${event}${f.from ? `, field ${f.from}` : ''})`;
  for (const def of dataset.events) {
    for (const f of indexFields(def)) {
      const have = out.get(f.path);
      if (!have) {
        out.set(f.path, { field: f, first: def.name, events: [def.name] });
        continue;
      }
      if (sameMapping(have.field, f)) {
        have.events.push(def.name);
        continue;
      }
      const show = (x: IndexField) => `${x.type}${x.text ? ' with .text' : ''}`;
      issues.push({
        code: 'E_FIELD_CONFLICT',
        path: `${sources.get(def.name) ?? def.name}: fields${f.from ? ` (${f.from})` : ''}`,
        message: `${f.path} is ${show(f)} in ${where(def.name, f)} but ${show(have.field)} in ${where(have.first, have.field)}; both are in dataset "${dataset.name}", whose one mapping cannot hold both`,
        hint: 'map the field alike in both definitions (same ECS target type), or give one definition another dataset',
      });
    }
  }
  const fields = [...out.values()].map(({ field, events }) => ({ ...field, events })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { fields, issues };
}

/** The dataset's fields; assumes the dataset was checked (see datasetFieldsChecked). */
export const datasetFields: (dataset: Dataset) => DatasetField[] = perDefinition((b: Dataset) => datasetFieldsChecked(b).fields);

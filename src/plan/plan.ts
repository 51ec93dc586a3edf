import { createTwoFilesPatch } from 'diff';
import { isRecord } from '../guards.ts';
import { stableJson } from '../json.ts';
import { blockYaml } from '../render/yaml.ts';
import type { SchemaChange } from './classify.ts';
import { objectKey, type DesiredObject, type ObjectKind } from '../terms.ts';

export type ChangeAction = 'create' | 'update' | 'unchanged';

export interface Change {
  readonly kind: ObjectKind;
  readonly name: string;
  readonly action: ChangeAction;
  readonly desired: DesiredObject;
  /** What the cluster holds now, as it reported it (absent for `create`). */
  readonly actual?: unknown;
  /** Unified diff cluster → desired, for `update`. */
  readonly diff?: string;
  /** For an existing data stream whose write index lacks the new mapping: how it gets it. */
  readonly rollout?: Rollout;
  /** Owner definitions the cluster's object records, when they differ from the desired ones. */
  readonly owners?: OwnerChange;
}

/** Who produced an object on the cluster, and who would after the push. */
export interface OwnerChange {
  readonly before: readonly string[];
  readonly after: readonly string[];
  /** Owners before that this push was not given: replacing their object needs --take-over. */
  readonly foreign: readonly string[];
  /** Set when evforge did not make the object (why: managed by Fleet, no owner record): replacing it needs --take-over. */
  readonly notEvforges?: string;
}

/** Kinds that record their owners (`_meta`, or an OpenSearch pipeline's description). */
const OWNED_KINDS: ReadonlySet<ObjectKind> = new Set<ObjectKind>(['ingest_pipeline', 'component_template', 'index_template']);

/** How withOwners reads an object's owners, and why it may not be evforge's at all. */
export interface OwnerReaders {
  readonly ownersOf: (body: unknown) => string[] | undefined;
  readonly notEvforgesBecause: (body: unknown) => string | undefined;
}

/**
 * The owner change of each object whose recorded owners (`_meta.events`, or the pipeline
 * description on engines without pipeline `_meta`) differ from the desired ones. `given` is every
 * definition of this push; an owner outside it is foreign. A pipeline or template evforge did not
 * make (another tool manages it, or it records no owners) that the plan would update is marked
 * `notEvforges`.
 * Data streams record no owners of their own: the plan judges them by their index template.
 */
export function withOwners(changes: readonly Change[], given: ReadonlySet<string>, readers: OwnerReaders): Change[] {
  return changes.map((c) => {
    if (c.action === 'create' || c.actual === undefined || c.kind === 'data_stream') return c;
    const after = [...c.desired.events].sort();
    // Rules carry no owner record of evforge's: only what a data stream is made of is judged.
    const stranger = c.action === 'update' && OWNED_KINDS.has(c.kind) ? readers.notEvforgesBecause(c.actual) : undefined;
    if (stranger) return { ...c, owners: { before: [], after, foreign: [], notEvforges: stranger } };
    const before = readers.ownersOf(c.actual);
    if (!before) return c;
    if (before.join() === after.join()) return c;
    return { ...c, owners: { before, after, foreign: before.filter((e) => !given.has(e)) } };
  });
}

/**
 * How an existing data stream takes a new mapping: compatible changes are put on its indices in
 * place; breaking ones need a rollover (a new write index from the new template; old indices keep
 * their mapping and stay searchable), which push refuses unless allowed.
 * @see https://docs.opensearch.org/docs/latest/im-plugin/data-streams/
 */
export interface Rollout {
  readonly dataStream: string;
  readonly writeIndex: string;
  readonly mode: 'in_place' | 'rollover' | 'refused';
  readonly changes: readonly SchemaChange[];
  /** The mapping to put in place (`properties`, `dynamic_templates`). */
  readonly mapping: unknown;
}

/** Chooses the rollout for the changes between a write index's mapping and the desired one. */
export function planRollout(dataStream: string, writeIndex: string, changes: readonly SchemaChange[], mapping: unknown, allowBreaking: boolean): Rollout | undefined {
  if (changes.length === 0) return undefined;
  const breaking = changes.some((c) => c.severity === 'breaking');
  return { dataStream, writeIndex, mode: breaking ? (allowBreaking ? 'rollover' : 'refused') : 'in_place', changes, mapping };
}

/** A data stream change that carries a rollout. */
export function withRollout(change: Change, rollout: Rollout): Change {
  return { ...change, action: 'update', rollout };
}

/** Keys the engines add on their own; they never make an object differ. */
const SERVER_KEYS = new Set(['created_date', 'created_date_millis', 'modified_date', 'modified_date_millis']);

/** Settings as the engines return them: nested, values as strings, `index.` implied. Flattened here. */
function flattenSettings(settings: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!settings || typeof settings !== 'object') return out;
  for (const [k, v] of Object.entries(settings)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flattenSettings(v, key));
    else out[key.startsWith('index.') || prefix ? key : `index.${key}`] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}

function stripServerKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripServerKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !SERVER_KEYS.has(k)).map(([k, v]) => [k, stripServerKeys(v)]));
}

/**
 * An object as it means something: server-added keys and engine defaults removed, settings
 * flattened, and `_meta.definition_hash` dropped — it records provenance, so an edit that changes
 * no object (a field description, say) does not rewrite the cluster.
 */
function comparableBody(kind: ObjectKind, body: unknown): unknown {
  const stripped = stripServerKeys(body);
  if (!isRecord(stripped)) return stripped;
  let b = stripped;
  if (isRecord(b['_meta'])) {
    const { definition_hash: _, ...meta } = b['_meta'];
    b = { ...b, _meta: meta };
  }
  const template = b['template'];
  if ((kind === 'component_template' || kind === 'index_template') && isRecord(template) && template['settings']) {
    b = { ...b, template: { ...template, settings: flattenSettings(template['settings']) } };
  }
  const dataStream = b['data_stream'];
  if (kind === 'index_template' && isRecord(dataStream)) {
    // Defaults each engine fills in: OpenSearch's timestamp field, Elasticsearch's hidden/custom routing.
    const ds = { ...dataStream };
    const timestamp = ds['timestamp_field'];
    if (isRecord(timestamp) && timestamp['name'] === '@timestamp') delete ds['timestamp_field'];
    if (ds['hidden'] === false) delete ds['hidden'];
    if (ds['allow_custom_routing'] === false) delete ds['allow_custom_routing'];
    b = { ...b, data_stream: ds };
  }
  const ignoreMissing = b['ignore_missing_component_templates'];
  if (kind === 'index_template' && Array.isArray(ignoreMissing) && ignoreMissing.length === 0) {
    const { ignore_missing_component_templates: _, ...rest } = b;
    b = rest;
  }
  return b;
}

/** The form two bodies are compared in: normalized, every scalar as text (engines return `"true"` for `true`). */
export function comparable(kind: ObjectKind, body: unknown): unknown {
  return textLeaves(comparableBody(kind, body));
}

function textLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(textLeaves);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, textLeaves(v)]));
  return value === null ? null : String(value);
}

/** Gives the cluster's scalars the desired side's type where only the type differs ("true" vs true). */
function align(actual: unknown, desired: unknown): unknown {
  if (Array.isArray(actual)) return actual.map((v, i) => align(v, Array.isArray(desired) ? desired[i] : undefined));
  if (actual && typeof actual === 'object') {
    return Object.fromEntries(Object.entries(actual).map(([k, v]) => [k, align(v, isRecord(desired) ? desired[k] : undefined)]));
  }
  return desired !== undefined && desired !== null && typeof desired !== 'object' && String(desired) === String(actual) ? desired : actual;
}

function readablePair(kind: ObjectKind, actual: unknown, desired: unknown): [string, string] {
  if (typeof actual === 'string' || typeof desired === 'string') {
    const text = (v: unknown) => {
      const t = typeof v === 'string' ? v : stableJson(v);
      return t.endsWith('\n') ? t : `${t}\n`;
    };
    return [text(actual), text(desired)];
  }
  const want = comparableBody(kind, desired);
  // Pipelines as their committed YAML: a changed script line shows as that line.
  const show = kind === 'ingest_pipeline' ? blockYaml : stableJson;
  return [show(align(comparableBody(kind, actual), want)), show(want)];
}

/**
 * Desired objects against what the cluster holds (`undefined`: absent). Pure: the same inputs give
 * the same plan, and an object is `unchanged` exactly when the comparable forms are equal.
 */
export function planChanges(desired: readonly DesiredObject[], actual: ReadonlyMap<string, unknown>): Change[] {
  return desired.map((d) => {
    const raw = actual.get(objectKey(d));
    // Kibana returns every rule attribute it knows; only the ones evforge sets are compared.
    const have = d.kind === 'elastic_rule' && raw !== undefined ? projectOnto(raw, d.body) : raw;
    if (have === undefined) return { kind: d.kind, name: d.name, action: 'create', desired: d };
    const want = d.text ?? d.body;
    if (stableJson(comparable(d.kind, have)) === stableJson(comparable(d.kind, want))) {
      return { kind: d.kind, name: d.name, action: 'unchanged', desired: d, actual: have };
    }
    const [before, after] = readablePair(d.kind, have, want);
    const diff = createTwoFilesPatch(`cluster ${d.kind} ${d.name}`, d.source ?? `desired ${d.kind} ${d.name}`, before, after, '', '', { context: 2 })
      .split('\n')
      .slice(1)
      .join('\n')
      .trimEnd();
    return { kind: d.kind, name: d.name, action: 'update', desired: d, actual: have, diff };
  });
}

/** Keeps, recursively, only the keys `shape` has. */
export function projectOnto(value: unknown, shape: unknown): unknown {
  if (Array.isArray(value) && Array.isArray(shape)) return value.map((v, i) => projectOnto(v, shape[i] ?? shape[0]));
  if (isRecord(value) && isRecord(shape)) {
    return Object.fromEntries(Object.keys(shape).filter((k) => k in value).map((k) => [k, projectOnto(value[k], shape[k])]));
  }
  return value;
}

export function countChanges(changes: readonly Change[]): Record<ChangeAction, number> {
  const counts: Record<ChangeAction, number> = { create: 0, update: 0, unchanged: 0 };
  for (const c of changes) counts[c.action]++;
  return counts;
}

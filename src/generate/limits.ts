import { isRecord } from '../guards.ts';
import type { Engine } from '../terms.ts';

/**
 * The engine limits a data stream's objects can hit, measured on the objects themselves (whatever
 * the generators put in them): the largest inline script of its pipeline against
 * `script.max_size_in_bytes`, the fields of the mapping an index of its template gets against
 * `index.mapping.total_fields.limit`, and that mapping's depth against `index.mapping.depth.limit`.
 * Pure: `generate` and `check` measure against the engines' defaults, `push` against what the
 * cluster says (src/api/push.ts), before anything is written.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/mapping-settings-limit.html
 * @see https://docs.opensearch.org/docs/latest/api-reference/script-apis/create-stored-script/
 */

/** The engines' defaults (the same on Elasticsearch 8/9 and OpenSearch 2.19/3.8). */
export const ENGINE_DEFAULTS = {
  /** Cluster setting `script.max_size_in_bytes`: inline and stored scripts, `if` conditions included. */
  scriptMaxSizeInBytes: 65_535,
  /** Index setting `index.mapping.total_fields.limit`. */
  totalFieldsLimit: 1_000,
  /** Index setting `index.mapping.depth.limit`. */
  depthLimit: 20,
} as const;

export const SETTING = {
  script: 'script.max_size_in_bytes',
  fields: 'index.mapping.total_fields.limit',
  depth: 'index.mapping.depth.limit',
} as const;

/** One inline script of a pipeline: where it is (`processors[3].script.source`, `…if`) and its source. */
export interface PipelineScript {
  readonly at: string;
  readonly source: string;
}

/** The source of an `if` (text, or a script object's `source`). */
function scriptText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  return isRecord(v) && typeof v['source'] === 'string' ? v['source'] : undefined;
}

/** Scripts of a list of processors, or of one processor (a `foreach`'s `processor`). */
function collect(list: unknown, at: string, out: PipelineScript[]): void {
  const items: [unknown, string][] = Array.isArray(list) ? list.map((p: unknown, i): [unknown, string] => [p, `${at}[${i}]`]) : [[list, at]];
  for (const [processor, where] of items) {
    if (!isRecord(processor)) continue;
    for (const [type, config] of Object.entries(processor)) {
      if (!isRecord(config)) continue;
      const here = `${where}.${type}`;
      const condition = scriptText(config['if']);
      if (condition !== undefined) out.push({ at: `${here}.if`, source: condition });
      if (type === 'script' && typeof config['source'] === 'string') out.push({ at: `${here}.source`, source: config['source'] });
      if (Array.isArray(config['on_failure'])) collect(config['on_failure'], `${here}.on_failure`, out);
      if (type === 'foreach' && isRecord(config['processor'])) collect(config['processor'], `${here}.processor`, out);
    }
  }
}

/**
 * Every inline script an engine compiles when it stores this pipeline: each `script` processor's
 * source and each processor's `if`, at any depth (`on_failure`, `foreach`). Stored scripts (`id`)
 * are measured where they are stored, not here. Probed on OpenSearch 2.19.1: a condition or an
 * `on_failure` script one byte over the limit is refused like a processor's script.
 */
export function pipelineScripts(body: unknown): PipelineScript[] {
  const out: PipelineScript[] = [];
  if (!isRecord(body)) return out;
  for (const key of ['processors', 'on_failure']) if (Array.isArray(body[key])) collect(body[key], key, out);
  return out;
}

/** A script's size as the engines measure it: its source in UTF-8 bytes (`params` do not count). */
export const scriptBytes = (source: string): number => Buffer.byteLength(source, 'utf8');

/**
 * Fields of a mapping as the engines count them toward `index.mapping.total_fields.limit`: every
 * property (an object as well as a leaf), every multi-field (`.text`), every alias, every runtime
 * field; metadata fields do not count. Verified on the real node (test/integration/limits.test.ts):
 * a limit of this number is accepted, one less is refused.
 */
export function countMappingFields(properties: unknown, runtime?: unknown): number {
  let n = isRecord(runtime) ? Object.keys(runtime).length : 0;
  if (!isRecord(properties)) return n;
  for (const p of Object.values(properties)) {
    n += 1;
    if (!isRecord(p)) continue;
    n += countMappingFields(p['properties']);
    if (isRecord(p['fields'])) n += countMappingFields(p['fields']);
  }
  return n;
}

/**
 * A mapping's depth as the engines check `index.mapping.depth.limit`: an object field at a path of
 * k names sits at depth k + 1 (fields of the root alone are depth 1), whether or not it has
 * properties of its own (`enabled: false` objects count). Verified on the real node.
 */
export function mappingDepth(properties: unknown, prefix = ''): { depth: number; at?: string } {
  let best: { depth: number; at?: string } = { depth: 1 };
  if (!isRecord(properties)) return best;
  for (const [name, p] of Object.entries(properties)) {
    if (!isRecord(p)) continue;
    const path = prefix ? `${prefix}.${name}` : name;
    const isObject = 'properties' in p || p['type'] === 'object' || p['type'] === 'nested';
    if (!isObject) continue;
    const here = { depth: path.split('.').length + 1, at: path };
    const inner = mappingDepth(p['properties'], path);
    const deeper = inner.depth > here.depth ? inner : here;
    if (deeper.depth > best.depth) best = deeper;
  }
  return best;
}

/** Index settings as flat `index.…` keys, whether given nested or flat (`index.` may be implied). */
function flatSettings(settings: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!isRecord(settings)) return out;
  for (const [k, v] of Object.entries(settings)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isRecord(v)) for (const [kk, vv] of flatSettings(v, key)) out.set(kk, vv);
    else out.set(key.startsWith('index.') ? key : `index.${key}`, v);
  }
  return out;
}

/** A whole-number setting value (the engines return numbers as text). */
function wholeNumber(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A cluster object as the limits see it (a desired object, an artifact, or one read from a cluster). */
export interface MeasuredObject {
  readonly kind: string;
  readonly name: string;
  readonly body: unknown;
}

/** What one data stream's objects for one engine would hit. */
export interface DataStreamMeasure {
  readonly dataset: string;
  readonly engine: Engine;
  /** The largest inline script of its pipelines, and where it is; undefined when there is none. */
  readonly largestScript?: { readonly bytes: number; readonly object: string; readonly at: string };
  /** Fields of the mapping a new index of its template gets, and that template's name. */
  readonly fields: number;
  readonly template?: string;
  readonly depth: number;
  /** The path of the deepest object field. */
  readonly deepest?: string;
  /** `index.mapping.total_fields.limit` / `depth.limit` as the template's components set them (last wins). */
  readonly totalFieldsSetting?: number;
  readonly depthSetting?: number;
  /**
   * Each component template with a mapping, measured on its own: the engines check a component
   * when it is stored, against its own settings only.
   */
  readonly components?: readonly { readonly name: string; readonly fields: number; readonly depth: number; readonly totalFieldsSetting?: number; readonly depthSetting?: number }[];
}

/** `component_template` → `component template`, for messages. */
const label = (o: MeasuredObject) => `${o.kind.replace(/_/g, ' ')} ${o.name}`;

/**
 * Measures one data stream's objects for one engine: its pipelines' scripts, and the mapping and
 * settings an index of its index template gets (its components in `composed_of` order, then its own
 * `template`). A component named there but absent from `objects` is looked up in `others` (a
 * cluster's `@custom`, at push), else left out, as the engines do with optional components.
 */
export function measureDataStream(dataset: string, engine: Engine, objects: readonly MeasuredObject[], others: ReadonlyMap<string, unknown> = new Map()): DataStreamMeasure {
  let largestScript: DataStreamMeasure['largestScript'];
  for (const o of objects) {
    if (o.kind !== 'ingest_pipeline') continue;
    for (const s of pipelineScripts(o.body)) {
      const bytes = scriptBytes(s.source);
      if (!largestScript || bytes > largestScript.bytes) largestScript = { bytes, object: `${engine} ${label(o)}`, at: s.at };
    }
  }
  const template = objects.find((o) => o.kind === 'index_template');
  const components = new Map(objects.filter((o) => o.kind === 'component_template').map((o) => [o.name, o.body]));
  const composed = isRecord(template?.body) && Array.isArray(template.body['composed_of']) ? template.body['composed_of'].filter((n): n is string => typeof n === 'string') : [];
  const parts = [...composed.map((n) => (components.has(n) ? components.get(n) : others.get(n))), template?.body];
  const properties: Record<string, unknown> = {};
  const runtime: Record<string, unknown> = {};
  const settings = new Map<string, unknown>();
  for (const part of parts) {
    const t = isRecord(part) ? part['template'] : undefined;
    if (!isRecord(t)) continue;
    for (const [k, v] of flatSettings(t['settings'])) settings.set(k, v);
    const m = t['mappings'];
    if (!isRecord(m)) continue;
    mergeProperties(properties, m['properties']);
    if (isRecord(m['runtime'])) Object.assign(runtime, m['runtime']);
  }
  const depth = mappingDepth(properties);
  const totalFieldsSetting = wholeNumber(settings.get(SETTING.fields));
  const depthSetting = wholeNumber(settings.get(SETTING.depth));
  const own = objects.filter((o) => o.kind === 'component_template').flatMap((o) => {
    const t = isRecord(o.body) ? o.body['template'] : undefined;
    const m = isRecord(t) ? t['mappings'] : undefined;
    if (!isRecord(t) || !isRecord(m)) return [];
    const s = flatSettings(t['settings']);
    const f = wholeNumber(s.get(SETTING.fields));
    const d = wholeNumber(s.get(SETTING.depth));
    return [{ name: o.name, fields: countMappingFields(m['properties'], m['runtime']), depth: mappingDepth(m['properties']).depth, ...(f !== undefined ? { totalFieldsSetting: f } : {}), ...(d !== undefined ? { depthSetting: d } : {}) }];
  });
  return {
    dataset,
    engine,
    ...(largestScript ? { largestScript } : {}),
    fields: countMappingFields(properties, runtime),
    ...(template ? { template: template.name } : {}),
    depth: depth.depth,
    ...(depth.at !== undefined ? { deepest: depth.at } : {}),
    ...(totalFieldsSetting !== undefined ? { totalFieldsSetting } : {}),
    ...(depthSetting !== undefined ? { depthSetting } : {}),
    ...(own.length ? { components: own } : {}),
  };
}

/** Merges mapping properties as composing templates does: objects merge field by field, a later leaf replaces. */
function mergeProperties(into: Record<string, unknown>, from: unknown): void {
  if (!isRecord(from)) return;
  for (const [k, v] of Object.entries(from)) {
    const have = into[k];
    if (isRecord(have) && isRecord(v) && isRecord(have['properties']) && isRecord(v['properties'])) {
      const merged: Record<string, unknown> = { ...have['properties'] };
      mergeProperties(merged, v['properties']);
      into[k] = { ...have, ...v, properties: merged };
    } else into[k] = v;
  }
}

/** The limits an engine applies: the cluster's (or the defaults) for scripts, the index defaults where a template sets none. */
export interface EngineLimits {
  readonly scriptMaxSizeInBytes: number;
  readonly totalFieldsLimit: number;
  readonly depthLimit: number;
  /** Where the script limit comes from, for messages: `engine default`, or `the cluster's settings`. */
  readonly from: string;
}

export const DEFAULT_LIMITS: EngineLimits = { ...ENGINE_DEFAULTS, from: 'engine default' };

/** One limit a data stream would hit: what, by how much, where, and the way out. */
export interface LimitProblem {
  readonly limit: 'script' | 'fields' | 'depth';
  readonly dataset: string;
  readonly engine: Engine;
  readonly value: number;
  readonly max: number;
  readonly setting: string;
  readonly object: string;
  readonly message: string;
  readonly hint: string;
}

/** The limits in force for a measured data stream: what its template sets, else the engine's. */
export function effectiveLimits(m: DataStreamMeasure, limits: EngineLimits): { script: number; fields: number; depth: number } {
  return { script: limits.scriptMaxSizeInBytes, fields: m.totalFieldsSetting ?? limits.totalFieldsLimit, depth: m.depthSetting ?? limits.depthLimit };
}

/** Every limit the measured data stream goes over, each with its number and the way out. */
export function checkLimits(m: DataStreamMeasure, limits: EngineLimits = DEFAULT_LIMITS): LimitProblem[] {
  const max = effectiveLimits(m, limits);
  const problems: LimitProblem[] = [];
  const stream = `data stream logs-${m.dataset}-* (${m.engine})`;
  if (m.largestScript && m.largestScript.bytes > max.script) {
    const s = m.largestScript;
    problems.push({
      limit: 'script',
      dataset: m.dataset,
      engine: m.engine,
      value: s.bytes,
      max: max.script,
      setting: SETTING.script,
      object: s.object,
      message: `${stream}: the script at ${s.at} of ${s.object} is ${s.bytes} bytes, over ${SETTING.script} (${max.script}, ${limits.from}): the engine refuses the pipeline`,
      hint: 'split the data stream (give some definitions another dataset) until every script fits; raising the setting is no answer (lowering it again below a stored script\'s size breaks the cluster state)',
    });
  }
  if (m.fields > max.fields) {
    problems.push({
      limit: 'fields',
      dataset: m.dataset,
      engine: m.engine,
      value: m.fields,
      max: max.fields,
      setting: SETTING.fields,
      object: `${m.engine} index template ${m.template ?? '(none)'}`,
      message: `${stream}: its mapping has ${m.fields} fields, over ${SETTING.fields} (${max.fields}, ${m.totalFieldsSetting !== undefined ? 'set by its templates' : 'engine default'}): the engine refuses the index template`,
      hint: m.totalFieldsSetting !== undefined
        ? `a component of the template sets the limit below what evforge's @settings asks (a @custom one?): remove that setting, or split the data stream`
        : 'split the data stream (give some definitions another dataset), or declare fewer fields',
    });
  }
  for (const c of m.components ?? []) {
    const limit = c.totalFieldsSetting ?? limits.totalFieldsLimit;
    if (c.fields <= limit) continue;
    problems.push({
      limit: 'fields',
      dataset: m.dataset,
      engine: m.engine,
      value: c.fields,
      max: limit,
      setting: SETTING.fields,
      object: `${m.engine} component template ${c.name}`,
      message: `${stream}: component template ${c.name} maps ${c.fields} fields, over its own ${SETTING.fields} (${limit}, ${c.totalFieldsSetting !== undefined ? 'set in it' : 'engine default'}): the engine checks a component on its own and refuses it`,
      hint: 'set index.mapping.total_fields.limit in the same component as the mapping (evforge\'s @mappings does so past 1 000 fields)',
    });
  }
  if (m.depth > max.depth) {
    problems.push({
      limit: 'depth',
      dataset: m.dataset,
      engine: m.engine,
      value: m.depth,
      max: max.depth,
      setting: SETTING.depth,
      object: `${m.engine} index template ${m.template ?? '(none)'}`,
      message: `${stream}: the object field ${m.deepest ?? '?'} sits at depth ${m.depth}, over ${SETTING.depth} (${max.depth}, ${m.depthSetting !== undefined ? 'set by its templates' : 'engine default'}): the engine refuses the index template`,
      hint: `use a shallower ECS target for the fields under ${m.deepest ?? 'it'} (at most ${max.depth - 1} names)`,
    });
  }
  return problems;
}

/**
 * The `index.mapping.total_fields.limit` evforge's `@settings` sets for a mapping of `fields`
 * fields: at least 2 000 (what every data stream has had, so the NTLM channel's stays), else the
 * field count plus half again, rounded up to a thousand: room for members added later, yet a
 * number that says how big the data stream is (Fleet jumps to 10 000 past 500 declared fields).
 */
export function totalFieldsLimitFor(fields: number): number {
  return Math.max(2_000, Math.ceil((fields * 1.5) / 1_000) * 1_000);
}

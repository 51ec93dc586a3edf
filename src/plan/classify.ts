import { isDeepStrictEqual } from 'node:util';
import semver from 'semver';
import YAML from 'yaml';
import { assertNever } from '../errors.ts';
import type { Engine } from '../terms.ts';
import type { ArtifactKind } from '../generate/index.ts';
import { isRecord, valueAt } from '../guards.ts';
import { stableJsonLine } from '../json.ts';
import { parseSelectionKey } from '../rules/sigma.ts';

/**
 * Which changes to generated artifacts are safe for data already indexed, and which are not.
 * Pure: two generated states in (files + their kinds), a list of classified changes out.
 * @see https://www.elastic.co/guide/en/elasticsearch/reference/current/modify-data-streams.html#data-streams-change-mappings-and-settings
 */

export const SEVERITIES = ['breaking', 'compatible', 'docs'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What a change is a change of. */
export const CHANGE_AREAS = ['event', 'mapping', 'settings', 'template', 'pipeline', 'rule', 'docs'] as const;
export type ChangeArea = (typeof CHANGE_AREAS)[number];

export interface SchemaChange {
  readonly severity: Severity;
  readonly event: string;
  /** The engine the change applies to; `any` when it is the same for both. */
  readonly engine: Engine | 'any';
  readonly area: ChangeArea;
  /** What changed: a field path, a processor tag, a rule id. */
  readonly path: string;
  /** e.g. `new field (keyword)`, `type keyword → long`. */
  readonly summary: string;
  /** For breaking changes: what it does to indexed data or rules. */
  readonly why?: string;
}

export type Bump = 'major' | 'minor' | 'patch';

/* ──────────────────────────── mappings ──────────────────────────── */

interface FieldSpec {
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly multi: Record<string, unknown>;
}

/** `properties` → dotted path → field spec (object nodes are walked, not listed). */
export function flattenProperties(properties: unknown, prefix = ''): Map<string, FieldSpec> {
  const out = new Map<string, FieldSpec>();
  if (!isRecord(properties)) return out;
  for (const [name, raw] of Object.entries(properties)) {
    const path = prefix ? `${prefix}.${name}` : name;
    const { type, properties: children, fields, ...params } = isRecord(raw) ? raw : {};
    if ((children !== undefined || type === 'object' || type === 'nested') && params['enabled'] !== false) {
      for (const [p, spec] of flattenProperties(children, path)) out.set(p, spec);
      if (type === 'nested') out.set(path, { type: 'nested', params: {}, multi: {} });
      continue;
    }
    out.set(path, { type: String(type ?? 'object'), params, multi: isRecord(fields) ? fields : {} });
  }
  return out;
}

const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : stableJsonLine(v));

export interface MappingCompareOptions {
  readonly event: string;
  readonly engine: Engine | 'any';
  /** Index field paths and Sigma names that detection rules read. */
  readonly ruleFields?: ReadonlySet<string>;
  /** An index may hold fields its template no longer lists (dynamic ones): absence is not removal. */
  readonly againstIndex?: boolean;
}

/** Field-level changes between two `properties` objects. */
export function classifyMappings(oldProps: unknown, newProps: unknown, o: MappingCompareOptions): SchemaChange[] {
  const before = flattenProperties(oldProps);
  const after = flattenProperties(newProps);
  const out: SchemaChange[] = [];
  const base = { event: o.event, engine: o.engine, area: 'mapping' as const };
  for (const [path, n] of after) {
    const old = before.get(path);
    if (!old) {
      out.push({ ...base, severity: 'compatible', path, summary: n.type === 'alias' ? `new alias → ${show(n.params['path'])}` : `new field (${n.type})` });
      continue;
    }
    if (old.type !== n.type) {
      out.push({ ...base, severity: 'breaking', path, summary: `type ${old.type} → ${n.type}`, why: 'an existing index cannot change a field type: new data needs a new backing index (rollover), and old and new indices disagree on the field' });
      continue;
    }
    if (n.type === 'alias' && old.params['path'] !== n.params['path']) {
      out.push({ ...base, severity: 'breaking', path, summary: `alias target ${show(old.params['path'])} → ${show(n.params['path'])}`, why: 'queries on the old name now read another field' });
      continue;
    }
    const oldAbove = old.params['ignore_above'];
    const newAbove = n.params['ignore_above'];
    if (oldAbove !== newAbove) {
      const shrinks = newAbove !== undefined && (oldAbove === undefined || Number(newAbove) < Number(oldAbove));
      out.push({
        ...base,
        severity: shrinks ? 'breaking' : 'compatible',
        path,
        summary: `ignore_above ${show(oldAbove)} → ${show(newAbove)}`,
        ...(shrinks ? { why: `values longer than ${show(newAbove)} characters will no longer be searchable or aggregatable (they are kept in _source only)` } : {}),
      });
    }
    const otherKeys = new Set([...Object.keys(old.params), ...Object.keys(n.params)].filter((k) => k !== 'ignore_above' && k !== 'path'));
    for (const k of [...otherKeys].sort()) {
      if (!isDeepStrictEqual(old.params[k], n.params[k])) {
        out.push({ ...base, severity: 'breaking', path, summary: `${k} ${show(old.params[k])} → ${show(n.params[k])}`, why: 'changes how existing values are indexed; an existing index cannot take it' });
      }
    }
    for (const m of Object.keys(n.multi).sort()) {
      if (!(m in old.multi)) out.push({ ...base, severity: 'compatible', path: `${path}.${m}`, summary: `new multi-field (${show(valueAt(n.multi[m], 'type'))})` });
      else if (!isDeepStrictEqual(old.multi[m], n.multi[m])) out.push({ ...base, severity: 'breaking', path: `${path}.${m}`, summary: `multi-field ${show(old.multi[m])} → ${show(n.multi[m])}`, why: 'an existing index cannot change a multi-field' });
    }
    for (const m of Object.keys(old.multi).sort()) {
      if (!(m in n.multi)) out.push({ ...base, severity: 'breaking', path: `${path}.${m}`, summary: 'multi-field removed', why: 'queries on it find nothing in new data' });
    }
  }
  if (!o.againstIndex) {
    for (const [path, old] of before) {
      if (after.has(path)) continue;
      if (old.type === 'alias') {
        const used = o.ruleFields?.has(path) || o.ruleFields?.has(path.slice(path.lastIndexOf('.') + 1));
        out.push({
          ...base,
          severity: used ? 'breaking' : 'compatible',
          path,
          summary: 'alias removed',
          ...(used ? { why: 'a detection rule still uses this name' } : {}),
        });
      } else {
        out.push({ ...base, severity: 'breaking', path, summary: `field removed (was ${old.type})`, why: 'data and queries that use it lose it; a rename is a removal plus an addition' });
      }
    }
  }
  return out;
}

/* ──────────────────────────── whole generated states ──────────────────────────── */

/** A generated output folder: file contents and, from its manifest, each file's kind and engine. */
export interface GeneratedState {
  readonly files: ReadonlyMap<string, string>;
  readonly index: ReadonlyMap<string, { event: string; kind: ArtifactKind; engine: Engine | 'any'; name: string }>;
  readonly versions: ReadonlyMap<string, string>;
}

type Json = Record<string, unknown>;

/** Bodies without what changes with every version (`version`, `_meta`). */
function strip(body: Json): Json {
  const { version: _v, _meta: _m, ...rest } = body;
  return rest;
}

/** A generated file's body; undefined when there is none (or it is not an object). */
function parse(text: string | undefined, kind: ArtifactKind): Json | undefined {
  if (text === undefined) return undefined;
  if (kind === 'field_docs') return { text };
  // Pipelines were committed as JSON before they were YAML: YAML reads both.
  const body: unknown = kind === 'sigma_rule' || kind === 'security_analytics_rule' || kind === 'ingest_pipeline' ? YAML.parse(text) : JSON.parse(text);
  return isRecord(body) ? body : undefined;
}

function processorsByTag(list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const p of Array.isArray(list) ? list : []) {
    const [type, body] = (isRecord(p) ? Object.entries(p)[0] : undefined) ?? ['?', {}];
    const tag = String(valueAt(body, 'tag') ?? `${type}#${out.size}`);
    out.set(tag, p);
  }
  return out;
}

function diffPipeline(old: Json, neu: Json, base: Omit<SchemaChange, 'severity' | 'path' | 'summary' | 'area'>): SchemaChange[] {
  const out: SchemaChange[] = [];
  const a = processorsByTag(old['processors']);
  const b = processorsByTag(neu['processors']);
  for (const [tag, p] of b) {
    if (!a.has(tag)) out.push({ ...base, area: 'pipeline', severity: 'compatible', path: tag, summary: 'new processor' });
    else if (!isDeepStrictEqual(a.get(tag), p)) out.push({ ...base, area: 'pipeline', severity: 'compatible', path: tag, summary: 'processor changed' });
  }
  for (const tag of a.keys()) if (!b.has(tag)) out.push({ ...base, area: 'pipeline', severity: 'compatible', path: tag, summary: 'processor removed' });
  if (!isDeepStrictEqual(old['on_failure'], neu['on_failure'])) out.push({ ...base, area: 'pipeline', severity: 'compatible', path: 'on_failure', summary: 'failure handling changed' });
  if ([...a.keys()].join() === [...b.keys()].join() && out.length === 0 && !isDeepStrictEqual(old['processors'], neu['processors'])) {
    out.push({ ...base, area: 'pipeline', severity: 'compatible', path: 'processors', summary: 'processor order changed' });
  }
  return out;
}

/** The list at `key` of a parsed body, or none. */
function listAt(body: unknown, key: string): unknown[] {
  const list = valueAt(body, key);
  return Array.isArray(list) ? list : [];
}

function mappingsOf(body: Json | undefined): unknown {
  return valueAt(body, 'template', 'mappings', 'properties');
}

/** Nested settings → `index.codec`-style keys with text values. */
function flatten(value: unknown, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!value || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v, key));
    else out[key] = show(v);
  }
  return out;
}

/** Every change between two generated states, each once (engine-identical changes are merged). */
export function classifyStates(before: GeneratedState, after: GeneratedState, options: { knownFields?: ReadonlySet<string> } = {}): SchemaChange[] {
  // Fields every mapping of `after` declares: a group without mappings of its own (one definition's
  // rules) reads its data stream's.
  const allFieldPaths = new Set<string>(options.knownFields ?? []);
  for (const [p, i] of after.index) if (i.kind === 'component_template') for (const f of flattenProperties(mappingsOf(parse(after.files.get(p), i.kind))).keys()) allFieldPaths.add(f);
  const changes: SchemaChange[] = [];
  const events = [...new Set([...[...before.index.values()].map((i) => i.event), ...[...after.index.values()].map((i) => i.event)])].sort();
  for (const event of events) {
    const inBefore = [...before.index.entries()].filter(([, i]) => i.event === event);
    const inAfter = [...after.index.entries()].filter(([, i]) => i.event === event);
    if (inBefore.length === 0) {
      changes.push({ severity: 'compatible', event, engine: 'any', area: 'event', path: event, summary: 'new event' });
      continue;
    }
    if (inAfter.length === 0) {
      changes.push({ severity: 'breaking', event, engine: 'any', area: 'event', path: event, summary: 'event removed', why: 'its objects stay on clusters but are no longer maintained' });
      continue;
    }
    // Fields rules read, before and after: an alias they use must not disappear.
    const ruleFields = new Set<string>();
    for (const [text, i] of [...inBefore.map(([p, i]) => [p, i, before] as const), ...inAfter.map(([p, i]) => [p, i, after] as const)].map(([p, i, s]) => [s.files.get(p), i] as const)) {
      if (text === undefined) continue;
      if (i.kind === 'queries') for (const f of listAt(JSON.parse(text), 'fields')) if (typeof f === 'string') ruleFields.add(f);
      if (i.kind === 'sigma_rule') {
        const det = valueAt(YAML.parse(text), 'detection');
        for (const [k, v] of Object.entries(isRecord(det) ? det : {})) {
          if (k !== 'condition') for (const m of Array.isArray(v) ? v : [v]) for (const key of isRecord(m) ? Object.keys(m) : []) ruleFields.add(parseSelectionKey(key).field);
        }
      }
    }
    const paths = [...new Set([...inBefore.map(([p]) => p), ...inAfter.map(([p]) => p)])].sort();
    let newFieldPaths = new Set<string>();
    for (const [p, i] of inAfter) if (i.kind === 'component_template') for (const f of flattenProperties(mappingsOf(parse(after.files.get(p), i.kind))).keys()) newFieldPaths.add(f);
    if (newFieldPaths.size === 0) newFieldPaths = allFieldPaths;
    for (const path of paths) {
      const info = after.index.get(path) ?? before.index.get(path);
      if (!info) continue; // every path comes from one of the two indexes
      const base = { event, engine: info.engine };
      const a = parse(before.files.get(path), info.kind);
      const b = parse(after.files.get(path), info.kind);
      switch (info.kind) {
        case 'component_template': {
          const props = [mappingsOf(a), mappingsOf(b)];
          if (props[0] !== undefined || props[1] !== undefined) changes.push(...classifyMappings(props[0], props[1], { ...base, ruleFields }));
          const [sa, sb] = [a, b].map((x) => valueAt(x, 'template', 'settings'));
          const [fa, fb] = [flatten(sa), flatten(sb)];
          for (const key of [...new Set([...Object.keys(fa), ...Object.keys(fb)])].sort()) {
            if (fa[key] !== fb[key]) changes.push({ ...base, area: 'settings', severity: 'compatible', path: key, summary: `${fa[key] ?? '(unset)'} → ${fb[key] ?? '(unset)'}` });
          }
          const [dyna, dynb] = [a, b].map((x) => valueAt(x, 'template', 'mappings', 'dynamic'));
          if (dyna !== dynb) changes.push({ ...base, area: 'mapping', severity: 'compatible', path: 'dynamic', summary: `dynamic ${show(dyna)} → ${show(dynb)} (decides only for fields not mapped yet)` });
          const [da, db] = [a, b].map((x) => valueAt(x, 'template', 'mappings', 'dynamic_templates'));
          if (!isDeepStrictEqual(da, db)) changes.push({ ...base, area: 'mapping', severity: 'compatible', path: 'dynamic_templates', summary: 'dynamic templates changed (only fields not mapped yet)' });
          break;
        }
        case 'index_template': {
          if (!a || !b) break;
          if (!isDeepStrictEqual(a['index_patterns'], b['index_patterns'])) changes.push({ ...base, area: 'template', severity: 'breaking', path: info.name, summary: `index_patterns ${show(a['index_patterns'])} → ${show(b['index_patterns'])}`, why: 'existing data streams no longer match the template' });
          const [ra, rb] = [strip(a), strip(b)].map(({ index_patterns: _, ...r }) => r);
          if (!isDeepStrictEqual(ra, rb)) changes.push({ ...base, area: 'template', severity: 'compatible', path: info.name, summary: 'template composition changed' });
          break;
        }
        case 'ingest_pipeline':
          if (a && b) changes.push(...diffPipeline(a, b, base));
          break;
        case 'queries': {
          const rule = info.name;
          if (!a) changes.push({ ...base, area: 'rule', severity: 'compatible', path: rule, summary: 'new rule' });
          else if (!b) changes.push({ ...base, area: 'rule', severity: 'compatible', path: rule, summary: 'rule removed' });
          else if (!isDeepStrictEqual(strip(a), strip(b))) changes.push({ ...base, area: 'rule', severity: 'compatible', path: rule, summary: 'rule query changed' });
          const missing = listAt(b, 'fields').filter((f) => typeof f === 'string' && !newFieldPaths.has(f));
          if (missing.length) changes.push({ ...base, area: 'rule', severity: 'breaking', path: rule, summary: `query reads ${missing.join(', ')}`, why: 'those fields no longer exist in the mapping: the rule can never match' });
          break;
        }
        case 'sigma_rule': {
          if (!a || !b) break;
          const meta = (x: Json) => {
            const { detection: _d, logsource: _l, ...rest } = x;
            return rest;
          };
          if (!isDeepStrictEqual(meta(a), meta(b))) changes.push({ ...base, area: 'docs', severity: 'docs', path: info.name, summary: 'rule description or metadata changed' });
          break;
        }
        case 'field_docs': {
          const body = (x: Json | undefined) => String(x?.['text'] ?? '').split('\n').filter((l) => !/^\| (Schema version|Definition hash) \|/.test(l)).join('\n');
          if (body(a) !== body(b)) changes.push({ ...base, area: 'docs', severity: 'docs', path: 'docs/fields.md', summary: 'field documentation changed' });
          break;
        }
        case 'elastic_rule':
        case 'security_analytics_rule':
          break; // derived from the Sigma rule and its queries, which are compared above
        default:
          assertNever(info.kind, 'artifact kind');
      }
    }
  }
  return mergeEngines(changes);
}

/** The same change on both engines is listed once, as `any`. */
function mergeEngines(changes: SchemaChange[]): SchemaChange[] {
  const key = (c: SchemaChange) => [c.event, c.severity, c.area, c.path, c.summary].join('\u0000');
  const groups = new Map<string, { first: SchemaChange; count: number }>();
  for (const c of changes) {
    const group = groups.get(key(c));
    if (group) group.count++;
    else groups.set(key(c), { first: c, count: 1 });
  }
  return [...groups.values()].map(({ first, count }) => (count > 1 || first.engine === 'any' ? { ...first, engine: 'any' as const } : first));
}

/* ──────────────────────────── versions ──────────────────────────── */

const RANK: Record<Bump, number> = { patch: 1, minor: 2, major: 3 };

/** The smallest semver bump these changes need. */
export function requiredBump(changes: readonly SchemaChange[]): Bump | undefined {
  if (changes.some((c) => c.severity === 'breaking')) return 'major';
  if (changes.some((c) => c.severity === 'compatible')) return 'minor';
  if (changes.some((c) => c.severity === 'docs')) return 'patch';
  return undefined;
}

export function bumpOf(from: string, to: string): Bump | 'same' | 'down' {
  if (semver.eq(from, to)) return 'same';
  if (semver.lt(to, from)) return 'down';
  const d = semver.diff(from, to);
  return d === 'major' || d === 'minor' ? d : 'patch';
}

export function bumped(version: string, bump: Bump): string {
  const next = semver.inc(version, bump);
  if (next === null) throw new Error(`"${version}" is not a semantic version`);
  return next;
}

/** Whether going from `from` to `to` is a large enough bump for `needed`. */
export function bumpSuffices(from: string, to: string, needed: Bump | undefined): boolean {
  const b = bumpOf(from, to);
  if (b === 'down') return false;
  if (!needed) return true;
  return b !== 'same' && RANK[b] >= RANK[needed];
}

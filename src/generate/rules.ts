import type { estypes } from '@elastic/elasticsearch';
import type { Detection, EventDefinition } from '../definition/model.ts';
import { ecsField, isEcsField } from '../definition/ecs.ts';
import { sigmaFieldTable } from '../definition/validate.ts';
import { ATTACK_TACTICS, ATTACK_TECHNIQUES, tacticBySlug, tacticUrl, techniqueUrl } from '../rules/attack.ts';
import { UnsupportedError, compileDsl, compileEql, compileEsql, compileKql, compileLucene, type Dialect } from '../rules/compile.ts';
import { detectionQuery, mapSelection, queryFields, withGuard, type FieldRef, type FieldResolver, type Query } from '../rules/sigma.ts';
import type { SigmaSelectionMap } from '../terms.ts';
import { indexFields } from './fields.ts';
import { objectMeta, objectNames, objectVersion, type ObjectMeta } from './naming.ts';

/**
 * Sigma field names → the index fields the generated pipeline writes, with their mapped types. A
 * field whose first ECS target is a plain copy to an ECS keyword field (WorkstationName →
 * `source.domain`) is queried there: the same value under its ECS name, as Sigma's ECS mappings
 * (pySigma's `ecs_windows`) query it. Anything converted (a number to `long`) or derived (a basename)
 * is queried by its raw text in `winlog.event_data`.
 */
export function fieldResolver(def: EventDefinition): FieldResolver {
  const table = sigmaFieldTable(def);
  for (const f of def.fields) {
    const t = f.ecs[0];
    if (!t || t.derive !== 'copy' || t.type !== 'keyword' || t.array || !ecsField(t.field)) continue;
    for (const name of [f.name, ...f.aliases]) table.set(name, t.field);
  }
  const types = new Map(indexFields(def).map((f) => [f.path, f.type]));
  return (sigma) => {
    const name = table.get(sigma);
    if (!name) return undefined;
    const type = types.get(name);
    return { name, type: type === 'text' || type === 'object' || type === undefined ? 'keyword' : type };
  };
}

/** `winlog.channel == "<channel>"`: `EventID` alone is ambiguous across providers. */
export function channelGuard(def: EventDefinition): Extract<Query, { kind: 'equals' }> {
  const field: FieldRef = { name: 'winlog.channel', type: 'keyword' };
  return { kind: 'equals', field, value: def.channel, cased: true };
}

/**
 * The detection as one query, channel guard included exactly once. `grouped` keeps the rule's
 * selections as groups (for Lucene, printed as Sigma's reference converter prints it).
 */
export function ruleQuery(def: EventDefinition, rule: Detection, options: { grouped?: boolean } = {}): Query {
  return withGuard(detectionQuery(rule.detection, fieldResolver(def), options), channelGuard(def), options);
}

export interface QueriesBody {
  rule_id: string;
  title: string;
  index: string[];
  fields: string[];
  lucene: string | null;
  dsl: estypes.QueryDslQueryContainer | null;
  kql: string | null;
  eql: string | null;
  esql: string | null;
  /** Why a dialect is null. */
  unsupported: Partial<Record<Dialect, string>>;
  _meta: ObjectMeta;
}

function attempt<T>(dialect: Dialect, unsupported: Partial<Record<Dialect, string>>, fn: () => T): T | null {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof UnsupportedError)) throw err;
    unsupported[dialect] = err.message;
    return null;
  }
}

/** The rule compiled to every dialect, as one JSON file per rule. */
export function buildQueries(def: EventDefinition, rule: Detection): QueriesBody {
  const q = ruleQuery(def, rule);
  const names = objectNames(def.dataset);
  const unsupported: Partial<Record<Dialect, string>> = {};
  return {
    rule_id: rule.id,
    title: rule.title,
    index: [names.indexPattern],
    fields: queryFields(q),
    lucene: attempt('lucene', unsupported, () => compileLucene(ruleQuery(def, rule, { grouped: true }))),
    dsl: attempt('dsl', unsupported, () => compileDsl(q)),
    kql: attempt('kql', unsupported, () => compileKql(q)),
    eql: attempt('eql', unsupported, () => compileEql(q)),
    esql: attempt('esql', unsupported, () => compileEsql(q, names.indexPattern)),
    unsupported,
    _meta: objectMeta(def),
  };
}

/* ──────────────────────────── Sigma ──────────────────────────── */

/** A Sigma rule as data, keys in the order the Sigma specification lists them. */
export interface SigmaRuleBody {
  title: string;
  id: string;
  status: string;
  description: string;
  references?: string[];
  author: string;
  date: string;
  modified?: string;
  tags?: string[];
  logsource: Record<string, string>;
  detection: Record<string, unknown>;
  fields?: string[];
  falsepositives?: string[];
  level: string;
  license?: string;
}

export interface SigmaRuleDocument {
  /** Lines of the leading comment: provenance, licence, "do not edit". */
  header: string[];
  rule: SigmaRuleBody;
}

const DRL_URL = 'https://github.com/SigmaHQ/Detection-Rule-License';

/** Provenance lines every emitted rule carries (DRL 1.1: keep author, a link and the licence). */
function attribution(rule: Detection): string[] {
  const lines: string[] = [];
  if (rule.source) lines.push(`Derived from ${rule.source.url}${rule.source.note ? ` (${rule.source.note})` : ''}`);
  lines.push(`Author: ${rule.author}`);
  if (rule.license) lines.push(`License: ${rule.license}${rule.license.startsWith('DRL') ? ` - ${DRL_URL}` : ''}`);
  return lines;
}

function sigmaBody(rule: Detection, detection: Record<string, unknown>): SigmaRuleBody {
  const references = [...rule.references];
  if (rule.source && !references.includes(rule.source.url)) references.push(rule.source.url);
  return {
    title: rule.title,
    id: rule.id,
    status: rule.status,
    description: rule.description,
    ...(references.length ? { references } : {}),
    author: rule.author,
    date: rule.date,
    ...(rule.modified ? { modified: rule.modified } : {}),
    ...(rule.tags.length ? { tags: [...rule.tags] } : {}),
    logsource: { ...rule.logsource },
    detection,
    ...(rule.fields?.length ? { fields: [...rule.fields] } : {}),
    ...(rule.falsepositives.length ? { falsepositives: [...rule.falsepositives] } : {}),
    level: rule.level,
    ...(rule.license ? { license: rule.license } : {}),
  };
}

export function buildSigmaRule(def: EventDefinition, rule: Detection): SigmaRuleDocument {
  return {
    header: [...attribution(rule), `Event: ${def.provider.name} ${def.eventId} (${def.channel})`],
    rule: sigmaBody(rule, structuredClone(rule.detection)),
  };
}

/**
 * The rule for OpenSearch Security Analytics. Its query builder adds no log source guard and passes
 * unmapped names through, so every field is written as the index field the pipeline fills, and the
 * channel becomes an explicit selection.
 * @see https://docs.opensearch.org/docs/latest/security-analytics/sec-analytics-config/custom-rules/
 */
export function buildSecurityAnalyticsRule(def: EventDefinition, rule: Detection): SigmaRuleDocument {
  const resolve = fieldResolver(def);
  const rename = (map: SigmaSelectionMap): SigmaSelectionMap =>
    Object.fromEntries(
      Object.entries(map).map(([key, value]) => {
        const [field = '', ...mods] = key.split('|');
        return [[resolve(field)?.name ?? field, ...mods].join('|'), value];
      }),
    );
  const selections = Object.fromEntries(
    Object.entries(rule.detection)
      .filter(([k]) => k !== 'condition')
      .map(([k, v]) => [k, typeof v === 'string' ? v : mapSelection(v, rename)]),
  );
  let guardName = 'evforge_channel';
  while (guardName in selections) guardName = `_${guardName}`;
  const detection = {
    ...selections,
    [guardName]: { 'winlog.channel': def.channel },
    condition: `${guardName} and (${rule.detection.condition})`,
  };
  return {
    header: [...attribution(rule), `Event: ${def.provider.name} ${def.eventId} (${def.channel}); fields are index fields written by the evforge pipeline`],
    rule: sigmaBody(rule, detection),
  };
}

/* ──────────────────────────── Elastic Security ──────────────────────────── */

const SEVERITY = {
  informational: { severity: 'low', risk_score: 1 },
  low: { severity: 'low', risk_score: 21 },
  medium: { severity: 'medium', risk_score: 47 },
  high: { severity: 'high', risk_score: 73 },
  critical: { severity: 'critical', risk_score: 99 },
} as const satisfies Record<Detection['level'], { severity: string; risk_score: number }>;

interface ThreatEntry {
  framework: 'MITRE ATT&CK';
  tactic: { id: string; name: string; reference: string };
  technique: { id: string; name: string; reference: string; subtechnique?: { id: string; name: string; reference: string }[] }[];
}

/** `T1550` for `T1550.002`. */
const parentTechnique = (id: string) => id.split('.')[0] ?? id;

/** Sigma ATT&CK tags → Kibana `threat`: techniques grouped under the tactics the rule names. */
export function threatFromTags(tags: readonly string[]): ThreatEntry[] {
  const tactics = tags.map((t) => (t.startsWith('attack.') ? tacticBySlug(t.slice(7)) : undefined)).filter((t) => t !== undefined);
  const techniques = tags.filter((t) => /^attack\.t\d{4}(\.\d{3})?$/.test(t)).map((t) => t.slice(7).toUpperCase());
  const byTactic = new Map<string, string[]>();
  for (const id of techniques) {
    const known = ATTACK_TECHNIQUES[id];
    const parentKnown = ATTACK_TECHNIQUES[parentTechnique(id)];
    const own = known?.tactics ?? parentKnown?.tactics ?? [];
    const chosen = tactics.filter((t) => own.includes(t.id)).map((t) => t.id);
    const [firstTactic] = tactics;
    const under = chosen.length ? chosen : firstTactic ? [firstTactic.id] : own.slice(0, 1);
    for (const tid of under) byTactic.set(tid, [...(byTactic.get(tid) ?? []), id]);
  }
  for (const t of tactics) if (!byTactic.has(t.id)) byTactic.set(t.id, []);
  const name = (id: string) => ATTACK_TECHNIQUES[id]?.name ?? id;
  return [...byTactic.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([tid, ids]) => {
      const tactic = ATTACK_TACTICS.find((t) => t.id === tid);
      if (!tactic) return []; // the technique table names only tactics of ATTACK_TACTICS
      const parents = [...new Set(ids.map(parentTechnique))].sort();
      return {
        framework: 'MITRE ATT&CK' as const,
        tactic: { id: tactic.id, name: tactic.name, reference: tacticUrl(tactic.id) },
        technique: parents.map((p) => {
          const subs = ids.filter((i) => i.startsWith(`${p}.`)).sort();
          return {
            id: p,
            name: name(p),
            reference: techniqueUrl(p),
            ...(subs.length ? { subtechnique: subs.map((s) => ({ id: s, name: name(s), reference: techniqueUrl(s) })) } : {}),
          };
        }),
      };
    });
}

export interface ElasticRuleBody {
  rule_id: string;
  name: string;
  description: string;
  type: 'query';
  language: 'kuery' | 'lucene';
  query: string;
  index: string[];
  risk_score: number;
  severity: string;
  author: string[];
  license: string;
  references: string[];
  false_positives: string[];
  threat: ThreatEntry[];
  tags: string[];
  /** `ecs`: the field is defined by ECS. */
  required_fields: { name: string; type: string; ecs: boolean }[];
  interval: string;
  from: string;
  max_signals: number;
  enabled: boolean;
  version: number;
  note: string;
  meta: Record<string, unknown>;
}

/**
 * A Kibana detection rule for `POST /api/detection_engine/rules/_import` (one NDJSON line). KQL is
 * Kibana's default language; Lucene is used when KQL cannot express the rule. Imported disabled, as
 * Elastic's prebuilt rules are.
 * @see https://www.elastic.co/guide/en/security/current/rules-api-import.html
 */
export function buildElasticRule(def: EventDefinition, rule: Detection): ElasticRuleBody {
  const queries = buildQueries(def, rule);
  const q = ruleQuery(def, rule);
  const language = queries.kql !== null ? 'kuery' : 'lucene';
  const query = queries.kql ?? queries.lucene;
  if (query === null) throw new UnsupportedError(`rule "${rule.title}" compiles to neither KQL nor Lucene`);
  const types = new Map(indexFields(def).map((f) => [f.path, f.type]));
  const references = [...rule.references];
  if (rule.source && !references.includes(rule.source.url)) references.push(rule.source.url);
  return {
    rule_id: rule.id,
    name: rule.title,
    description: rule.description,
    type: 'query',
    language,
    query,
    index: queries.index,
    ...SEVERITY[rule.level],
    author: [rule.author],
    license: rule.license ?? '',
    references,
    false_positives: [...rule.falsepositives],
    threat: threatFromTags(rule.tags),
    tags: ['Sigma', `Domain: ${rule.logsource.product ?? 'windows'}`, ...(rule.logsource.service ? [`Data Source: ${rule.logsource.service}`] : [])],
    required_fields: queryFields(q).map((name) => ({
      name,
      type: types.get(name) ?? 'keyword',
      ecs: isEcsField(name),
    })),
    interval: '5m',
    from: 'now-6m',
    max_signals: 100,
    enabled: false,
    version: objectVersion(def.schemaVersion),
    note: attribution(rule).join('\n'),
    meta: { ...objectMeta(def), sigma_status: rule.status },
  };
}

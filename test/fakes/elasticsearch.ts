/**
 * FAKE (test double): a recorded-behaviour imitation of one Elasticsearch 9.x node, in memory, good
 * enough for the official `@elastic/elasticsearch` 9.x client (every response carries
 * `x-elastic-product: Elasticsearch`, which the client requires).
 *
 * Imitates (https://www.elastic.co/docs/api/doc/elasticsearch/):
 * - `GET|HEAD /` (no `version.distribution`, as real ES), `GET /_cluster/health` (always green).
 * - Ingest pipelines `GET|PUT|DELETE /_ingest/pipeline[/<id>]` — PUT checks processor types (an
 *   unknown one, e.g. `copy`, is the real `parse_exception`), the required properties of common
 *   processors, `on_failure` / `foreach` nesting, unknown top-level keys, and refuses the
 *   system-managed `created_date*` / `modified_date*` keys; GET adds `created_date_millis` and
 *   `modified_date_millis`; a missing pipeline is `404 {}`.
 * - Component templates `GET|HEAD|PUT|DELETE /_component_template[/<name>]` — settings come back
 *   normalised like ES (nested under `index`, values as strings); field types in mappings are
 *   checked (`mapper_parsing_exception`); a template in use by an index template cannot be deleted.
 * - Composable index templates `GET|HEAD|PUT|DELETE /_index_template[/<name>]` — `composed_of`
 *   must exist unless listed in `ignore_missing_component_templates`; same-priority overlapping
 *   patterns are refused; `data_stream` comes back with `hidden` / `allow_custom_routing`; a template
 *   in use by a data stream cannot be deleted; `POST /_index_template/_simulate/<name>` and
 *   `POST /_index_template/_simulate_index/<name>` merge component + own settings/mappings/aliases.
 * - Data streams `GET|PUT|DELETE /_data_stream[/<name>]` — PUT needs a matching index template with
 *   `data_stream`; one backing index `.ds-<name>-<yyyy.MM.dd>-000001` is reported.
 * - Security: `apiKey` → `Authorization: ApiKey <apiKey>`; username/password → Basic; otherwise
 *   401 `security_exception` with `WWW-Authenticate`. Unknown routes: 400 "no handler found";
 *   known routes with a wrong method: 405 "Incorrect HTTP method".
 * Numbers in bodies are kept digit for digit (lossless-json), as ES stores pipeline/template JSON.
 *
 * Does NOT imitate: documents, indices, `_bulk`, `_search`, `_count`, mappings of data streams,
 * `_ingest/pipeline/<id>/_simulate` (no processor runs), Painless compilation, unknown-setting and
 * unknown-processor-parameter checks, built-in templates (`logs`, `logs@settings`, `ecs@mappings`…),
 * ILM / data stream lifecycle, `created_date` on templates, `flat_settings` / `human` /
 * `filter_path` parameters, `master_timeout`, TLS, and multi-node behaviour.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSafeNumber, LosslessNumber, parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';
import { engineError, globMatch, isWrite, listen, readBody, recordRequest, requestUrl, type RecordedRequest } from './http.ts';

export interface FakeElasticsearchOptions {
  /** `version.number` of `GET /`. Default 9.1.0. */
  version?: string;
  /** Required API key, compared with `Authorization: ApiKey <apiKey>` (the encoded form). */
  apiKey?: string;
  username?: string;
  password?: string;
}

type Json = Record<string, unknown>;

export interface FakeDataStream {
  name: string;
  template: string;
  indices: string[];
  /** Mapping of each backing index, composed from the templates when it was created. */
  mappings: Map<string, Json>;
}

/** What the fake holds: request bodies as sent (numbers beyond 2^53 as bigint / LosslessNumber). */
export interface FakeElasticsearchState {
  pipelines: Map<string, Json>;
  componentTemplates: Map<string, Json>;
  indexTemplates: Map<string, Json>;
  dataStreams: Map<string, FakeDataStream>;
}

export interface FakeElasticsearch {
  readonly url: string;
  readonly state: FakeElasticsearchState;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests that change state (see counting-proxy.ts `isWrite`). */
  writes(): number;
  reset(): void;
  close(): Promise<void>;
}

/** Processor types of a default Elasticsearch 9.1 distribution (ingest-common, ingest-geoip, ingest-user-agent, x-pack). */
export const ES_PROCESSORS = [
  'append', 'attachment', 'bytes', 'circle', 'community_id', 'convert', 'csv', 'date', 'date_index_name', 'dissect', 'dot_expander', 'drop',
  'enrich', 'fail', 'fingerprint', 'foreach', 'geo_grid', 'geoip', 'grok', 'gsub', 'html_strip', 'inference', 'ip_location', 'join', 'json',
  'kv', 'lowercase', 'network_direction', 'pipeline', 'redact', 'registered_domain', 'remove', 'rename', 'reroute', 'script',
  'set', 'set_security_user', 'sort', 'split', 'terminate', 'trim', 'uppercase', 'uri_parts', 'urldecode', 'user_agent',
] as const;

/** Required properties per processor (alternatives as `a|b`). */
const REQUIRED: Record<string, string[]> = {
  append: ['field', 'value|copy_from'],
  attachment: ['field'],
  bytes: ['field'],
  circle: ['field', 'error_distance', 'shape_type'],
  convert: ['field', 'type'],
  csv: ['field', 'target_fields'],
  date: ['field', 'formats'],
  date_index_name: ['field', 'date_rounding'],
  dissect: ['field', 'pattern'],
  dot_expander: ['field'],
  enrich: ['policy_name', 'field', 'target_field'],
  fail: ['message'],
  fingerprint: ['fields'],
  foreach: ['field', 'processor'],
  geo_grid: ['field', 'tile_type'],
  geoip: ['field'],
  grok: ['field', 'patterns'],
  gsub: ['field', 'pattern', 'replacement'],
  html_strip: ['field'],
  ip_location: ['field'],
  join: ['field', 'separator'],
  json: ['field'],
  kv: ['field', 'field_split', 'value_split'],
  lowercase: ['field'],
  pipeline: ['name'],
  redact: ['field', 'patterns'],
  registered_domain: ['field', 'target_field'],
  remove: ['field|keep'],
  rename: ['field', 'target_field'],
  set: ['field', 'value|copy_from'],
  set_security_user: ['field'],
  sort: ['field'],
  split: ['field', 'separator'],
  trim: ['field'],
  uppercase: ['field'],
  uri_parts: ['field'],
  urldecode: ['field'],
  user_agent: ['field'],
};
const CONVERT_TYPES = ['integer', 'long', 'float', 'double', 'string', 'boolean', 'ip', 'auto'];
const PIPELINE_KEYS = ['description', 'version', 'processors', 'on_failure', '_meta', 'deprecated', 'field_access_pattern'];
const SYSTEM_PIPELINE_KEYS = ['created_date', 'created_date_millis', 'modified_date', 'modified_date_millis'];
/** Field types of a default Elasticsearch 9.x distribution. */
const FIELD_TYPES = new Set([
  'aggregate_metric_double', 'alias', 'annotated_text', 'binary', 'boolean', 'byte', 'completion', 'constant_keyword', 'counted_keyword', 'date',
  'date_nanos', 'date_range', 'dense_vector', 'double', 'double_range', 'flattened', 'float', 'float_range', 'geo_point', 'geo_shape',
  'half_float', 'histogram', 'integer', 'integer_range', 'ip', 'ip_range', 'join', 'keyword', 'long', 'long_range', 'match_only_text',
  'murmur3', 'nested', 'object', 'passthrough', 'patterned_text', 'percolator', 'point', 'rank_feature', 'rank_features', 'scaled_float',
  'search_as_you_type', 'semantic_text', 'shape', 'short', 'sparse_vector', 'text', 'token_count', 'unsigned_long', 'version', 'wildcard',
]);

class EsError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
  static of(status: number, type: string, reason: string, extra: Json = {}): EsError {
    return new EsError(status, engineError(status, type, reason, extra));
  }
}

function isMap(v: unknown): v is Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Numbers as ES keeps them: safe ones as numbers, others exact (bigint / LosslessNumber). */
function parseJson(text: string): unknown {
  return parseLossless(text, null, (digits) => {
    if (isSafeNumber(digits)) return Number(digits);
    if (/^-?\d+$/.test(digits)) return BigInt(digits);
    return new LosslessNumber(digits);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}, head = false): void {
  const text = body === undefined ? '' : (stringifyLossless(body) ?? '');
  res.writeHead(status, {
    'x-elastic-product': 'Elasticsearch',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(head ? undefined : text);
}

function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v instanceof LosslessNumber ? Number(v.toString()) : Number.NaN;
}

/** `true` with the text of a setting value as ES returns it. */
function settingString(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(settingString);
  if (v === null) return null;
  return String(v);
}

/**
 * Index settings as ES returns them: dotted and nested keys merged, `index.` added where missing,
 * values as strings, nested again (`{ index: { number_of_shards: "1" } }`).
 */
export function normalizeSettings(settings: unknown): Json {
  const flat = new Map<string, unknown>();
  const walk = (prefix: string, v: unknown): void => {
    if (isMap(v)) {
      for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    } else {
      flat.set(prefix, v);
    }
  };
  if (settings !== undefined && settings !== null) {
    if (!isMap(settings)) throw EsError.of(400, 'illegal_argument_exception', 'settings must be an object');
    walk('', settings);
  }
  const out: Json = {};
  for (const [key, value] of [...flat.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (value === null) continue;
    const full = key.startsWith('index.') ? key : `index.${key}`;
    const parts = full.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) {
      if (!isMap(node[p])) node[p] = {};
      node = node[p] as Json;
    }
    node[parts[parts.length - 1]!] = settingString(value);
  }
  return out;
}

function checkMappings(mappings: unknown): void {
  if (mappings === undefined) return;
  if (!isMap(mappings)) throw EsError.of(400, 'mapper_parsing_exception', 'Failed to parse mapping: mappings must be an object');
  const root = isMap(mappings._doc) && Object.keys(mappings).length === 1 ? mappings._doc : mappings;
  const walkProps = (props: unknown, path: string): void => {
    if (props === undefined) return;
    if (!isMap(props)) throw EsError.of(400, 'mapper_parsing_exception', `Failed to parse mapping: Expected map for property [properties] on field [${path || '_doc'}]`);
    for (const [name, def] of Object.entries(props)) {
      const field = path ? `${path}.${name}` : name;
      if (!isMap(def)) throw EsError.of(400, 'mapper_parsing_exception', `Failed to parse mapping: Expected map for property [fields] on field [${field}] but got a class java.lang.String`);
      const type = def.type;
      if (type !== undefined && (typeof type !== 'string' || !FIELD_TYPES.has(type))) {
        throw EsError.of(400, 'mapper_parsing_exception', `Failed to parse mapping: No handler for type [${String(type)}] declared on field [${name}]`, {
          caused_by: { type: 'mapper_parsing_exception', reason: `No handler for type [${String(type)}] declared on field [${name}]` },
        });
      }
      walkProps(def.properties, field);
      if (def.fields !== undefined) walkProps(def.fields, field);
    }
  };
  walkProps(root.properties, '');
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (isMap(a) && isMap(b)) {
    const out: Json = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in out ? deepMerge(out[k], v) : v;
    return out;
  }
  return b;
}

/* ───────────────────────────── pipelines ───────────────────────────── */

function propertyMissing(type: string, prop: string, tag: unknown): EsError {
  return EsError.of(400, 'parse_exception', `[${prop}] required property is missing`, {
    ...(typeof tag === 'string' ? { processor_tag: tag } : {}),
    property_name: prop,
    processor_type: type,
  });
}

function checkProcessors(list: unknown, where: string): void {
  if (!Array.isArray(list)) throw EsError.of(400, 'parse_exception', `[${where}] property isn't a list, but of type [${typeof list}]`, { property_name: where });
  for (const entry of list) {
    if (!isMap(entry)) throw EsError.of(400, 'parse_exception', `[${where}] processor is not an object`);
    for (const [type, config] of Object.entries(entry)) {
      if (!(ES_PROCESSORS as readonly string[]).includes(type)) {
        throw EsError.of(400, 'parse_exception', `No processor type exists with name [${type}]`, { processor_type: type });
      }
      if (!isMap(config)) throw EsError.of(400, 'parse_exception', `[${type}] processor configuration must be an object`, { processor_type: type });
      for (const req of REQUIRED[type] ?? []) {
        const options = req.split('|');
        if (!options.some((o) => config[o] !== undefined)) throw propertyMissing(type, options[0]!, config.tag);
      }
      if (type === 'convert' && !CONVERT_TYPES.includes(String(config.type))) {
        throw EsError.of(400, 'parse_exception', `[type] type [${String(config.type)}] not supported, cannot convert field.`, { property_name: 'type', processor_type: type });
      }
      if (type === 'script' && config.source === undefined && config.id === undefined) {
        throw EsError.of(400, 'parse_exception', 'Must specify either [source] for an inline script or [id] for a stored script', { processor_type: type });
      }
      if (type === 'foreach') checkProcessors([config.processor], 'processor');
      if (config.on_failure !== undefined) {
        if (Array.isArray(config.on_failure) && config.on_failure.length === 0) {
          throw EsError.of(400, 'parse_exception', `[on_failure] processors list cannot be empty`, { property_name: 'on_failure', processor_type: type });
        }
        checkProcessors(config.on_failure, 'on_failure');
      }
    }
  }
}

function checkPipeline(id: string, body: unknown): void {
  if (!isMap(body)) throw EsError.of(400, 'parse_exception', 'request body or source parameter is required');
  const system = Object.keys(body).filter((k) => SYSTEM_PIPELINE_KEYS.includes(k));
  if (system.length > 0) {
    throw EsError.of(400, 'illegal_argument_exception', `Provided a pipeline property which is managed by the system, e.g. \`created_date\`: [${system.join(', ')}]`);
  }
  if (body.processors === undefined) throw EsError.of(400, 'parse_exception', '[processors] required property is missing', { property_name: 'processors' });
  checkProcessors(body.processors, 'processors');
  if (body.on_failure !== undefined) {
    if (Array.isArray(body.on_failure) && body.on_failure.length === 0) throw EsError.of(400, 'parse_exception', 'pipeline [' + id + '] cannot have an empty on-failure option defined');
    checkProcessors(body.on_failure, 'on_failure');
  }
  const unknown = Object.keys(body).filter((k) => !PIPELINE_KEYS.includes(k));
  if (unknown.length > 0) throw EsError.of(400, 'parse_exception', `pipeline [${id}] doesn't support one or more provided configuration parameters [${unknown.join(', ')}]`);
}

/* ───────────────────────────── the fake ───────────────────────────── */

export async function startFakeElasticsearch(opts: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  const state: FakeElasticsearchState = { pipelines: new Map(), componentTemplates: new Map(), indexTemplates: new Map(), dataStreams: new Map() };

  /** Merges `update` into `mapping` like ES: new fields added, a changed type refused. */
  function mergeMapping(mapping: Json, update: Json, index: string): Json {
    const mergeProps = (a: Json, b: Json, path: string): Json => {
      const out: Json = { ...a };
      for (const [k, v] of Object.entries(b)) {
        const have = out[k] as Json | undefined;
        const want = v as Json;
        if (have && have['properties'] && want['properties']) out[k] = { ...have, properties: mergeProps(have['properties'] as Json, want['properties'] as Json, `${path}${k}.`) };
        else if (have && have['type'] !== undefined && want['type'] !== undefined && have['type'] !== want['type']) {
          throw EsError.of(400, 'illegal_argument_exception', `mapper [${path}${k}] cannot be changed from type [${String(have['type'])}] to [${String(want['type'])}]`, { index });
        } else out[k] = want;
      }
      return out;
    };
    const { properties, ...rest } = update;
    return { ...mapping, ...rest, properties: mergeProps((mapping['properties'] as Json) ?? {}, (properties as Json) ?? {}, '') };
  }

  /** The mapping a new backing index gets: its template's components in order, then the template's own. */
  function composeMapping(templateName: string): Json {
    const t = state.indexTemplates.get(templateName) ?? {};
    const parts = [...((t['composed_of'] as string[] | undefined) ?? []).map((c) => state.componentTemplates.get(c)), t].map((x) => ((x?.['template'] as Json | undefined)?.['mappings'] as Json | undefined) ?? {});
    let mapping: Json = { _data_stream_timestamp: { enabled: true } };
    for (const p of parts) mapping = mergeMapping(mapping, p, templateName);
    return mapping;
  }
  const pipelineDates = new Map<string, { created: number; modified: number }>();
  const requests: RecordedRequest[] = [];
  const clusterUuid = randomBytes(16).toString('base64url').slice(0, 22);
  const nodeName = `fake-es-${randomBytes(3).toString('hex')}`;
  const authRequired = opts.apiKey !== undefined || opts.username !== undefined || opts.password !== undefined;
  const basic = opts.username !== undefined || opts.password !== undefined ? `Basic ${Buffer.from(`${opts.username ?? ''}:${opts.password ?? ''}`).toString('base64')}` : undefined;
  const wwwAuthenticate = ['Basic realm="security", charset="UTF-8"', 'ApiKey'];

  const names = <T>(map: Map<string, T>, spec: string | undefined): string[] => {
    if (spec === undefined || spec === '' || spec === '*' || spec === '_all') return [...map.keys()];
    const out: string[] = [];
    for (const part of spec.split(',')) for (const k of map.keys()) if ((part.includes('*') ? globMatch(part, k) : part === k) && !out.includes(k)) out.push(k);
    return out;
  };
  const isPattern = (spec: string | undefined): boolean => spec === undefined || spec === '' || spec.includes('*') || spec === '_all';

  const indexTemplateView = (t: Json): Json => {
    const { template, data_stream, composed_of, ...rest } = t;
    const view: Json = { index_patterns: rest.index_patterns };
    if (template !== undefined) view.template = viewTemplate(template as Json);
    view.composed_of = composed_of ?? [];
    for (const k of ['priority', 'version', '_meta', 'allow_auto_create', 'ignore_missing_component_templates', 'deprecated']) if (rest[k] !== undefined) view[k] = rest[k];
    if (data_stream !== undefined) view.data_stream = { hidden: false, allow_custom_routing: false, ...(data_stream as Json) };
    return view;
  };
  const viewTemplate = (tpl: Json): Json => {
    const out: Json = {};
    if (tpl.settings !== undefined) out.settings = normalizeSettings(tpl.settings);
    if (tpl.mappings !== undefined) out.mappings = isMap(tpl.mappings) && isMap(tpl.mappings._doc) && Object.keys(tpl.mappings).length === 1 ? tpl.mappings._doc : tpl.mappings;
    if (tpl.aliases !== undefined) out.aliases = tpl.aliases;
    for (const k of Object.keys(tpl)) if (!(k in out) && k !== 'settings' && k !== 'mappings' && k !== 'aliases') out[k] = tpl[k];
    return out;
  };
  const checkTemplateBlock = (tpl: unknown, what: string): void => {
    if (tpl === undefined) return;
    if (!isMap(tpl)) throw EsError.of(400, 'x_content_parse_exception', `[${what}] template must be an object`);
    const unknown = Object.keys(tpl).filter((k) => !['settings', 'mappings', 'aliases', 'lifecycle', 'data_stream_options'].includes(k));
    if (unknown.length > 0) throw EsError.of(400, 'x_content_parse_exception', `[template] unknown field [${unknown[0]}]`);
    normalizeSettings(tpl.settings);
    checkMappings(tpl.mappings);
  };
  /** Highest-priority index template whose patterns match `name`. */
  const matchingTemplate = (name: string): [string, Json] | undefined => {
    let best: [string, Json] | undefined;
    for (const [tName, t] of state.indexTemplates) {
      const patterns = t.index_patterns as string[];
      if (!patterns.some((p) => globMatch(p, name))) continue;
      if (!best || toNumber(t.priority ?? 0) > toNumber(best[1].priority ?? 0)) best = [tName, t];
    }
    return best;
  };
  const resolve = (t: Json): Json => {
    let merged: Json = {};
    for (const c of (t.composed_of as string[] | undefined) ?? []) {
      const ct = state.componentTemplates.get(c);
      if (ct) merged = deepMerge(merged, viewTemplate(ct.template as Json)) as Json;
    }
    if (t.template !== undefined) merged = deepMerge(merged, viewTemplate(t.template as Json)) as Json;
    return { settings: merged.settings ?? {}, mappings: merged.mappings ?? {}, aliases: merged.aliases ?? {} };
  };

  /** Thrown by a handler for a route ES does not have (e.g. `PUT /_ingest/pipeline`). */
  const noHandler = new EsError(400, undefined);
  const routes: { re: RegExp; methods: Record<string, (m: RegExpExecArray, body: () => Promise<unknown>, head: boolean) => Promise<[number, unknown]> | [number, unknown]> }[] = [
    {
      re: /^\/$/,
      methods: {
        GET: () => [
          200,
          {
            name: nodeName,
            cluster_name: 'fake-es',
            cluster_uuid: clusterUuid,
            version: {
              number: opts.version ?? '9.1.0',
              build_flavor: 'default',
              build_type: 'docker',
              build_hash: '0000000000000000000000000000000000000000',
              build_date: '2025-07-01T00:00:00.000Z',
              build_snapshot: false,
              lucene_version: '10.2.2',
              minimum_wire_compatibility_version: '8.19.0',
              minimum_index_compatibility_version: '8.0.0',
            },
            tagline: 'You Know, for Search',
          },
        ],
      },
    },
    {
      re: /^\/_cluster\/health$/,
      methods: {
        GET: () => [
          200,
          {
            cluster_name: 'fake-es',
            status: 'green',
            timed_out: false,
            number_of_nodes: 1,
            number_of_data_nodes: 1,
            active_primary_shards: 0,
            active_shards: 0,
            relocating_shards: 0,
            initializing_shards: 0,
            unassigned_shards: 0,
            unassigned_primary_shards: 0,
            delayed_unassigned_shards: 0,
            number_of_pending_tasks: 0,
            number_of_in_flight_fetch: 0,
            task_max_waiting_in_queue_millis: 0,
            active_shards_percent_as_number: 100,
          },
        ],
      },
    },
    {
      re: /^\/_ingest\/pipeline(?:\/([^/]+))?$/,
      methods: {
        GET: (m) => {
          const found = names(state.pipelines, m[1]);
          if (found.length === 0) return [404, {}];
          const out: Json = {};
          for (const id of found) {
            const d = pipelineDates.get(id)!;
            out[id] = { ...state.pipelines.get(id)!, created_date_millis: d.created, modified_date_millis: d.modified };
          }
          return [200, out];
        },
        PUT: async (m, body) => {
          const id = m[1];
          if (id === undefined) throw noHandler;
          const b = await body();
          checkPipeline(id, b);
          const now = Date.now();
          pipelineDates.set(id, { created: pipelineDates.get(id)?.created ?? now, modified: now });
          state.pipelines.set(id, b as Json);
          return [200, { acknowledged: true }];
        },
        DELETE: (m) => {
          const found = names(state.pipelines, m[1]);
          if (found.length === 0) {
            if (isPattern(m[1])) return [200, { acknowledged: true }];
            throw EsError.of(404, 'resource_not_found_exception', `pipeline [${m[1]}] is missing`);
          }
          for (const id of found) {
            state.pipelines.delete(id);
            pipelineDates.delete(id);
          }
          return [200, { acknowledged: true }];
        },
      },
    },
    {
      re: /^\/_component_template(?:\/([^/]+))?$/,
      methods: {
        GET: (m) => {
          const found = names(state.componentTemplates, m[1]);
          if (found.length === 0 && !isPattern(m[1])) throw EsError.of(404, 'resource_not_found_exception', `component template matching [${m[1]}] not found`);
          return [
            200,
            {
              component_templates: found.map((name) => {
                const { template, ...rest } = state.componentTemplates.get(name)!;
                return { name, component_template: { template: viewTemplate(template as Json), ...rest } };
              }),
            },
          ];
        },
        PUT: async (m, body) => {
          const name = m[1];
          if (name === undefined) throw noHandler;
          const b = await body();
          if (!isMap(b)) throw EsError.of(400, 'parse_exception', 'request body is required');
          const unknown = Object.keys(b).filter((k) => !['template', 'version', '_meta', 'deprecated'].includes(k));
          if (unknown.length > 0) throw EsError.of(400, 'x_content_parse_exception', `[1:2] [component_template] unknown field [${unknown[0]}]`);
          if (b.template === undefined) throw EsError.of(400, 'x_content_parse_exception', 'Required [template]');
          checkTemplateBlock(b.template, 'component_template');
          state.componentTemplates.set(name, b);
          return [200, { acknowledged: true }];
        },
        DELETE: (m) => {
          const found = names(state.componentTemplates, m[1]);
          if (found.length === 0) throw EsError.of(404, 'resource_not_found_exception', m[1] ?? '');
          const users = [...state.indexTemplates].filter(([, t]) => ((t.composed_of as string[] | undefined) ?? []).some((c) => found.includes(c))).map(([n]) => n);
          if (users.length > 0) {
            throw EsError.of(400, 'illegal_argument_exception', `component templates [${found.join(', ')}] cannot be removed as they are still in use by index templates [${users.join(', ')}]`);
          }
          for (const n of found) state.componentTemplates.delete(n);
          return [200, { acknowledged: true }];
        },
      },
    },
    {
      re: /^\/_index_template\/_simulate(?:\/([^/]+))?$/,
      methods: {
        POST: (m) => {
          const t = m[1] === undefined ? undefined : state.indexTemplates.get(m[1]);
          if (!t) throw EsError.of(404, 'resource_not_found_exception', `unable to simulate template [${m[1] ?? ''}] that does not exist`);
          return [200, { template: resolve(t), overlapping: [] }];
        },
      },
    },
    {
      re: /^\/_index_template\/_simulate_index\/([^/]+)$/,
      methods: {
        POST: (m) => {
          const hit = matchingTemplate(m[1]!);
          if (!hit) return [200, {}];
          return [200, { template: resolve(hit[1]), overlapping: [] }];
        },
      },
    },
    {
      re: /^\/_index_template(?:\/([^/]+))?$/,
      methods: {
        GET: (m) => {
          const found = names(state.indexTemplates, m[1]);
          if (found.length === 0 && !isPattern(m[1])) throw EsError.of(404, 'resource_not_found_exception', `index template matching [${m[1]}] not found`);
          return [200, { index_templates: found.map((name) => ({ name, index_template: indexTemplateView(state.indexTemplates.get(name)!) })) }];
        },
        PUT: async (m, body) => {
          const name = m[1];
          if (name === undefined) throw noHandler;
          const b = await body();
          if (!isMap(b)) throw EsError.of(400, 'parse_exception', 'request body is required');
          const allowed = ['index_patterns', 'composed_of', 'template', 'priority', 'version', '_meta', 'data_stream', 'allow_auto_create', 'ignore_missing_component_templates', 'deprecated'];
          const unknown = Object.keys(b).filter((k) => !allowed.includes(k));
          if (unknown.length > 0) throw EsError.of(400, 'x_content_parse_exception', `[1:2] [index_template] unknown field [${unknown[0]}]`);
          const patterns = typeof b.index_patterns === 'string' ? [b.index_patterns] : b.index_patterns;
          if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p) => typeof p === 'string')) {
            throw EsError.of(400, 'action_request_validation_exception', 'Validation Failed: 1: index patterns are missing;');
          }
          if (b.priority !== undefined && !(toNumber(b.priority) >= 0)) throw EsError.of(400, 'action_request_validation_exception', 'Validation Failed: 1: index template priority must be >= 0;');
          if (b.data_stream !== undefined && !isMap(b.data_stream)) throw EsError.of(400, 'x_content_parse_exception', '[index_template] failed to parse field [data_stream]');
          checkTemplateBlock(b.template, 'index_template');
          const ignore = (b.ignore_missing_component_templates as string[] | undefined) ?? [];
          const missing = ((b.composed_of as string[] | undefined) ?? []).filter((c) => !state.componentTemplates.has(c) && !ignore.includes(c));
          if (missing.length > 0) {
            const cause = `index template [${name}] specifies component templates [${missing.join(', ')}] that do not exist`;
            throw EsError.of(400, 'invalid_index_template_exception', `index_template [${name}] invalid, cause [${cause}]`, { name });
          }
          const priority = toNumber(b.priority ?? 0);
          for (const [other, t] of state.indexTemplates) {
            if (other === name || toNumber(t.priority ?? 0) !== priority) continue;
            const theirs = t.index_patterns as string[];
            if (patterns.some((p: string) => theirs.some((q) => p === q || globMatch(p, q) || globMatch(q, p)))) {
              throw EsError.of(
                400,
                'illegal_argument_exception',
                `index template [${name}] has index patterns [${patterns.join(', ')}] matching patterns from existing templates [${other}] with patterns (${other} => [${theirs.join(', ')}]) that have the same priority [${priority}], multiple index templates may not match during index creation, please use a different priority`,
              );
            }
          }
          state.indexTemplates.set(name, { ...b, index_patterns: patterns });
          return [200, { acknowledged: true }];
        },
        DELETE: (m) => {
          const found = names(state.indexTemplates, m[1]);
          if (found.length === 0) throw EsError.of(404, 'resource_not_found_exception', `index_template [${m[1] ?? ''}] missing`);
          const users = [...state.dataStreams.values()].filter((d) => found.includes(d.template)).map((d) => d.name);
          if (users.length > 0) {
            throw EsError.of(400, 'illegal_argument_exception', `unable to remove composable templates [${found.join(', ')}] as they are in use by a data streams [${users.join(', ')}]`);
          }
          for (const n of found) state.indexTemplates.delete(n);
          return [200, { acknowledged: true }];
        },
      },
    },
    {
      // Backing-index mappings and rollover: what `evforge push` needs to roll a mapping out.
      re: /^\/([^_/][^/]*)\/_mapping$/,
      methods: {
        GET: (m) => {
          const target = decodeURIComponent(m[1]!);
          const hits = [...state.dataStreams.values()].flatMap((d) => [...d.mappings].filter(([index]) => index === target || d.name === target));
          if (hits.length === 0) throw EsError.of(404, 'index_not_found_exception', `no such index [${target}]`, { index: target, index_uuid: '_na_' });
          return [200, Object.fromEntries(hits.map(([index, mappings]) => [index, { mappings }]))];
        },
        PUT: async (m, body) => {
          const d = state.dataStreams.get(decodeURIComponent(m[1]!));
          if (!d) throw EsError.of(404, 'index_not_found_exception', `no such index [${m[1]}]`, { index: m[1], index_uuid: '_na_' });
          const b = await body();
          const update = (isMap(b) ? b : {}) as Json;
          for (const [index, mapping] of d.mappings) d.mappings.set(index, mergeMapping(mapping, update, index));
          return [200, { acknowledged: true }];
        },
      },
    },
    {
      re: /^\/([^_/][^/]*)\/_rollover$/,
      methods: {
        POST: (m) => {
          const d = state.dataStreams.get(decodeURIComponent(m[1]!));
          if (!d) throw EsError.of(400, 'illegal_argument_exception', `rollover target [${m[1]}] does not exist`);
          const old = d.indices.at(-1)!;
          const next = old.replace(/\d{6}$/, (n) => String(Number(n) + 1).padStart(6, '0'));
          d.indices.push(next);
          d.mappings.set(next, composeMapping(d.template));
          return [200, { acknowledged: true, shards_acknowledged: true, old_index: old, new_index: next, rolled_over: true, dry_run: false, conditions: {} }];
        },
      },
    },
    {
      re: /^\/_data_stream(?:\/([^/]+))?$/,
      methods: {
        GET: (m) => {
          const found = names(state.dataStreams, m[1]);
          if (found.length === 0 && !isPattern(m[1])) {
            throw EsError.of(404, 'index_not_found_exception', `no such index [${m[1]}]`, { 'resource.type': 'index_or_alias', 'resource.id': m[1], index_uuid: '_na_', index: m[1] });
          }
          return [
            200,
            {
              data_streams: found.map((n) => {
                const d = state.dataStreams.get(n)!;
                return {
                  name: d.name,
                  timestamp_field: { name: '@timestamp' },
                  indices: d.indices.map((index_name) => ({ index_name, index_uuid: randomUUID().replace(/-/g, '').slice(0, 22), prefer_ilm: true, managed_by: 'Unmanaged' })),
                  generation: 1,
                  status: 'GREEN',
                  template: d.template,
                  next_generation_managed_by: 'Unmanaged',
                  prefer_ilm: true,
                  hidden: false,
                  system: false,
                  allow_custom_routing: false,
                  replicated: false,
                  rollover_on_write: false,
                  index_mode: 'standard',
                };
              }),
            },
          ];
        },
        PUT: (m) => {
          const name = m[1];
          if (name === undefined) throw noHandler;
          if (name !== name.toLowerCase()) throw EsError.of(400, 'invalid_index_name_exception', `Invalid index name [${name}], must be lowercase`, { index: name, index_uuid: '_na_' });
          if (/^[-_+.]/.test(name)) throw EsError.of(400, 'invalid_index_name_exception', `Invalid index name [${name}], must not start with '_', '-', '+', or '.'`, { index: name, index_uuid: '_na_' });
          if (state.dataStreams.has(name)) throw EsError.of(400, 'resource_already_exists_exception', `data_stream [${name}] already exists`);
          const hit = matchingTemplate(name);
          if (!hit) throw EsError.of(400, 'index_template_exception', `no matching index template found for data stream [${name}]`, { name });
          if (hit[1].data_stream === undefined) {
            throw EsError.of(400, 'index_template_exception', `matching index template [${hit[0]}] for data stream [${name}] has no data stream template`, { name: hit[0] });
          }
          const d = new Date();
          const day = `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
          const first = `.ds-${name}-${day}-000001`;
          state.dataStreams.set(name, { name, template: hit[0], indices: [first], mappings: new Map([[first, composeMapping(hit[0])]]) });
          return [200, { acknowledged: true }];
        },
        DELETE: (m) => {
          const found = names(state.dataStreams, m[1]);
          if (found.length === 0 && !isPattern(m[1])) {
            throw EsError.of(404, 'index_not_found_exception', `no such index [${m[1]}]`, { 'resource.type': 'index_or_alias', 'resource.id': m[1], index_uuid: '_na_', index: m[1] });
          }
          for (const n of found) state.dataStreams.delete(n);
          return [200, { acknowledged: true }];
        },
      },
    },
  ];
  const server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    requests.push(recordRequest(req));
    const url = requestUrl(req);
    const method = (req.method ?? 'GET').toUpperCase();
    const head = method === 'HEAD';

    if (authRequired) {
      const got = req.headers.authorization;
      const ok = got !== undefined && ((opts.apiKey !== undefined && got === `ApiKey ${opts.apiKey}`) || (basic !== undefined && got === basic));
      if (!ok) {
        let reason = `missing authentication credentials for REST request [${req.url}]`;
        if (got?.startsWith('Basic ')) reason = `unable to authenticate user [${Buffer.from(got.slice(6), 'base64').toString('utf8').split(':')[0]}] for REST request [${req.url}]`;
        else if (got !== undefined) reason = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
        const header = { 'WWW-Authenticate': wwwAuthenticate };
        return send(res, 401, engineError(401, 'security_exception', reason, { header }), { 'www-authenticate': wwwAuthenticate }, head);
      }
    }

    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const noHandlerBody = { error: `no handler found for uri [${req.url}] and method [${method}]` };
    const route = routes.find((r) => r.re.test(path));
    if (!route) return send(res, 400, noHandlerBody, {}, head);
    const handler = route.methods[method] ?? (head ? route.methods.GET : undefined) ?? (method === 'POST' && /^\/_(component|index)_template\//.test(path) ? route.methods.PUT : undefined);
    if (!handler) {
      const allowed = Object.keys(route.methods);
      if (allowed.includes('GET')) allowed.push('HEAD');
      return send(res, 405, { error: `Incorrect HTTP method for uri [${req.url}] and method [${method}], allowed: [${allowed.sort().join(', ')}]`, status: 405 }, { allow: allowed.join(',') }, head);
    }
    const m = route.re.exec(path)!;
    for (let i = 1; i < m.length; i++) if (m[i] !== undefined) m[i] = decodeURIComponent(m[i]!);
    const body = async (): Promise<unknown> => {
      const text = (await readBody(req)).toString('utf8');
      if (text.trim() === '') throw EsError.of(400, 'parse_exception', 'request body is required');
      try {
        return parseJson(text);
      } catch (err) {
        throw EsError.of(400, 'x_content_parse_exception', `[1:1] ${(err as Error).message}`);
      }
    };
    try {
      const [status, answer] = await handler(m, body, head);
      send(res, status, answer, {}, head);
    } catch (err) {
      if (err === noHandler) return send(res, 400, noHandlerBody, {}, head);
      if (err instanceof EsError) return send(res, err.status, err.body, {}, head);
      throw err;
    }
  });

  return {
    url: server.url,
    state,
    requests,
    writes: () => requests.filter((r) => isWrite(r.method, r.path)).length,
    reset: () => {
      requests.length = 0;
    },
    close: server.close,
  };
}

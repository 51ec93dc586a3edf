/**
 * FAKE (test double) of one Elasticsearch 9.x node, written as `@elastic/elasticsearch-mock` routes:
 * the mock connection of the official client. It is used two ways:
 * - in process, `elasticsearchDouble().Connection` is handed to evforge's Elasticsearch client
 *   (`elasticsearchClient(options, { Connection })`): no socket at all;
 * - over loopback HTTP, `startFakeElasticsearch()` serves the same routes for what needs a URL
 *   (the CLI takes `--node`): credentials (Basic, ApiKey, in the URL), the 401 path, `--ca`.
 *
 * What it imitates, from the Elasticsearch API reference: `GET /`, `GET /_cluster/health`,
 * `GET /_cluster/settings` (only `script.max_size_in_bytes`, as a default); ingest
 * pipelines (GET / PUT / DELETE; unknown processor types refused as ES does; GET adds
 * `created_date_millis` / `modified_date_millis`; a missing one is `404 {}`; PUT `if_version`
 * refused with ES 8.x's 400 "version conflict" when the stored version differs); component templates
 * (settings come back as ES normalises them: nested under `index`, values as strings; PUT
 * `create=true` refused with 400 "… already exists" when one exists, as for index templates); composable
 * index templates (`composed_of` must exist unless in `ignore_missing_component_templates`;
 * same-priority overlapping patterns refused; `data_stream` comes back with `hidden` /
 * `allow_custom_routing`); data streams (GET / PUT / DELETE; PUT needs a matching template with
 * `data_stream`; one backing index); `GET /<index>/_mapping` of backing indices, composed from the
 * templates.
 *
 * Its limits (say them where it is used): it runs NO processor (no `_simulate`), holds no document
 * (no `_bulk`, `_search`, `_count`), checks no processor parameter, field type or setting name, has
 * no built-in templates, ILM, rollover or mapping updates, and is one node. A test that needs one of
 * those adds a route of its own to `mock` (elasticsearch-mock's `add`) or runs on the real node.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type * as MockModule from '@elastic/elasticsearch-mock';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import type { BaseConnection } from '@elastic/elasticsearch';
import { engineError, globMatch, isWrite, listen, readBody, recordRequest, requestUrl, type RecordedRequest } from './http.ts';

type Json = Record<string, unknown>;

/** `@elastic/elasticsearch-mock` (a CommonJS module whose types declare a default export). */
type MockClass = typeof MockModule.default.default;
export type Mock = InstanceType<MockClass>;
const require = createRequire(import.meta.url);
export const Mock: MockClass = require('@elastic/elasticsearch-mock');
/**
 * The client's error classes as the mock loads them: the client ships CommonJS and ES module builds,
 * each with its own classes, and the mock (CommonJS) recognises an error answer by `instanceof`.
 */
const errors: typeof import('@elastic/elasticsearch').errors = require('@elastic/elasticsearch').errors;

export interface FakeElasticsearchOptions {
  /** `version.number` of `GET /`. Default 9.1.0. */
  version?: string;
  /** Required API key (HTTP only), compared with `Authorization: ApiKey <apiKey>`. */
  apiKey?: string;
  username?: string;
  password?: string;
}

export interface FakeDataStream {
  name: string;
  template: string;
  indices: string[];
  /** Mapping of each backing index, composed from the templates when it was created. */
  mappings: Map<string, Json>;
}

/** What the double holds: request bodies as sent. */
export interface FakeElasticsearchState {
  pipelines: Map<string, Json>;
  componentTemplates: Map<string, Json>;
  indexTemplates: Map<string, Json>;
  dataStreams: Map<string, FakeDataStream>;
}

export interface ElasticsearchDouble {
  readonly state: FakeElasticsearchState;
  /** The routes: add one to imitate what the double does not (a test's own answer). */
  readonly mock: Mock;
  /** The official client's Connection class answering from `mock`. */
  readonly Connection: typeof BaseConnection;
}

/** Processor types of a default Elasticsearch 9.1 distribution. */
const ES_PROCESSORS = new Set(
  'append attachment bytes circle community_id convert csv date date_index_name dissect dot_expander drop enrich fail fingerprint foreach geo_grid geoip grok gsub html_strip inference ip_location join json kv lowercase network_direction pipeline redact registered_domain remove rename reroute script set set_security_user sort split terminate trim uppercase uri_parts urldecode user_agent'.split(' '),
);

/** The Elasticsearch client's Connection class answering from `mock`'s routes. */
export function mockConnection(mock: Mock): typeof BaseConnection {
  // The mock's types see the client's CommonJS build, evforge's its ES module one: the same class.
  return mock.getConnection() as unknown as typeof BaseConnection;
}

/** An answer with an error status, as the mock connection expects it (a ResponseError). */
export function esError(status: number, type: string, reason: string, extra: Json = {}): InstanceType<typeof errors.ResponseError> {
  return esAnswer(status, engineError(status, type, reason, extra));
}

/** Any answer with an error status (a body of one's own). */
export function esAnswer(status: number, body: unknown, headers: Record<string, string> = {}): InstanceType<typeof errors.ResponseError> {
  return new errors.ResponseError({
    body,
    statusCode: status,
    headers,
    warnings: null,
    meta: { context: null, name: 'fake-es', request: { params: { method: 'GET', path: '/' }, options: {}, id: 0 }, connection: null, attempts: 0, aborted: false },
  });
}

/** A route's answer: an error thrown by a check is returned, as the mock expects it. */
function answer(resolve: (p: MockPattern) => unknown): (p: MockPattern) => Record<string, unknown> | string {
  return (p) => {
    let out: unknown;
    try {
      out = resolve(p);
    } catch (err) {
      out = err;
    }
    return typeof out === 'string' || isMap(out) ? out : { value: out };
  };
}

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const segments = (path: string) => path.split('/').slice(1).map(decodeURIComponent);

/** Index settings as ES returns them: dotted and nested keys merged, `index.` added, values as strings, nested again. */
export function normalizeSettings(settings: unknown): Json {
  const flat: [string, unknown][] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (isMap(v)) for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
    else if (v !== null && v !== undefined) flat.push([prefix, v]);
  };
  walk('', settings);
  const out: Json = {};
  for (const [key, value] of flat.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const parts = (key.startsWith('index.') ? key : `index.${key}`).split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = isMap(node[p]) ? node[p] : (node[p] = {});
    node[parts.at(-1) ?? ''] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (!isMap(a) || !isMap(b)) return b;
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? deepMerge(out[k], v) : v;
  return out;
}

function checkProcessors(list: unknown): void {
  if (!Array.isArray(list)) throw esError(400, 'parse_exception', "[processors] property isn't a list");
  for (const entry of list) {
    for (const [type, config] of Object.entries(isMap(entry) ? entry : {})) {
      if (!ES_PROCESSORS.has(type)) throw esError(400, 'parse_exception', `No processor type exists with name [${type}]`, { processor_type: type });
      if (isMap(config) && config.on_failure !== undefined) checkProcessors(config.on_failure);
      if (type === 'foreach' && isMap(config)) checkProcessors([config.processor]);
    }
  }
}

/** The Elasticsearch double: its state and its routes. */
export function elasticsearchDouble(opts: FakeElasticsearchOptions = {}): ElasticsearchDouble {
  const state: FakeElasticsearchState = { pipelines: new Map(), componentTemplates: new Map(), indexTemplates: new Map(), dataStreams: new Map() };
  const dates = new Map<string, { created: number; modified: number }>();
  const mock = new Mock();
  const templateView = (tpl: unknown): Json => {
    if (!isMap(tpl)) return {};
    const { settings, ...rest } = tpl;
    return settings === undefined ? rest : { settings: normalizeSettings(settings), ...rest };
  };
  const matchingTemplate = (name: string): [string, Json] | undefined => {
    let best: [string, Json] | undefined;
    for (const [n, t] of state.indexTemplates) {
      if (!(t.index_patterns as string[]).some((p) => globMatch(p, name))) continue;
      if (!best || Number(t.priority ?? 0) > Number(best[1].priority ?? 0)) best = [n, t];
    }
    return best;
  };
  const composeMapping = (template: string): Json => {
    const t = state.indexTemplates.get(template) ?? {};
    const parts = [...((t.composed_of as string[] | undefined) ?? []).map((c) => state.componentTemplates.get(c)), t];
    let mapping: unknown = { _data_stream_timestamp: { enabled: true } };
    for (const p of parts) mapping = deepMerge(mapping, (isMap(p?.template) && p.template.mappings) || {});
    return isMap(mapping) ? mapping : {};
  };
  const body = (p: MockPattern): Json => {
    if (!isMap(p.body)) throw esError(400, 'parse_exception', 'request body is required');
    return p.body;
  };
  const ok = { acknowledged: true };

  mock.add({ method: 'GET', path: '/' }, answer(() => ({
    name: 'fake-es-node',
    cluster_name: 'fake-es',
    cluster_uuid: randomBytes(16).toString('base64url').slice(0, 22),
    version: { number: opts.version ?? '9.1.0', build_flavor: 'default', lucene_version: '10.2.2', minimum_wire_compatibility_version: '8.19.0', minimum_index_compatibility_version: '8.0.0' },
    tagline: 'You Know, for Search',
  })));
  mock.add({ method: 'GET', path: '/_cluster/health' }, answer(() => ({ cluster_name: 'fake-es', status: 'green', number_of_nodes: 1 })));
  mock.add({ method: 'GET', path: '/_cluster/settings' }, answer(() => ({ persistent: {}, transient: {}, defaults: { 'script.max_size_in_bytes': '65535' } })));

  mock.add({ method: 'GET', path: '/_ingest/pipeline/:id' }, answer((p: MockPattern) => {
    const [, , id = ''] = segments(p.path as string);
    const stored = state.pipelines.get(id);
    const d = dates.get(id);
    // A missing pipeline is `404 {}` on Elasticsearch: no error object.
    if (!stored || !d) return esAnswer(404, {});
    return { [id]: { ...stored, created_date_millis: d.created, modified_date_millis: d.modified } };
  }));
  mock.add({ method: 'PUT', path: '/_ingest/pipeline/:id' }, answer((p: MockPattern) => {
    const [, , id = ''] = segments(p.path as string);
    const b = body(p);
    const ifVersion = p.querystring?.['if_version'];
    if (ifVersion !== undefined) {
      const current = state.pipelines.get(id);
      if (!current) return esError(400, 'illegal_argument_exception', `version conflict, required version [${ifVersion}] for pipeline [${id}] but no pipeline was found`);
      if (String(current.version) !== String(ifVersion)) return esError(400, 'illegal_argument_exception', `version conflict, required version [${ifVersion}] for pipeline [${id}] but current version is [${String(current.version)}]`);
    }
    checkProcessors(b.processors ?? []);
    if (b.on_failure !== undefined) checkProcessors(b.on_failure);
    const now = Date.now();
    dates.set(id, { created: dates.get(id)?.created ?? now, modified: now });
    state.pipelines.set(id, b);
    return ok;
  }));
  mock.add({ method: 'DELETE', path: '/_ingest/pipeline/:id' }, answer((p: MockPattern) => {
    const [, , id = ''] = segments(p.path as string);
    if (!state.pipelines.delete(id)) return esError(404, 'resource_not_found_exception', `pipeline [${id}] is missing`);
    return ok;
  }));

  mock.add({ method: 'GET', path: '/_component_template/:name' }, answer((p: MockPattern) => {
    const [, name = ''] = segments(p.path as string);
    const t = state.componentTemplates.get(name);
    if (!t) return esError(404, 'resource_not_found_exception', `component template matching [${name}] not found`);
    return { component_templates: [{ name, component_template: { ...t, template: templateView(t.template) } }] };
  }));
  mock.add({ method: ['PUT', 'POST'], path: '/_component_template/:name' }, answer((p: MockPattern) => {
    const [, name = ''] = segments(p.path as string);
    const b = body(p);
    if (!isMap(b.template)) return esError(400, 'x_content_parse_exception', 'Required [template]');
    if (p.querystring?.['create'] === 'true' && state.componentTemplates.has(name)) return esError(400, 'illegal_argument_exception', `component template [${name}] already exists`);
    state.componentTemplates.set(name, b);
    return ok;
  }));

  mock.add({ method: 'GET', path: '/_index_template/:name' }, answer((p: MockPattern) => {
    const [, name = ''] = segments(p.path as string);
    const t = state.indexTemplates.get(name);
    if (!t) return esError(404, 'resource_not_found_exception', `index template matching [${name}] not found`);
    const { template, data_stream, ...rest } = t;
    const view: Json = { ...rest, composed_of: rest.composed_of ?? [] };
    if (template !== undefined) view.template = templateView(template);
    if (isMap(data_stream)) view.data_stream = { hidden: false, allow_custom_routing: false, ...data_stream };
    return { index_templates: [{ name, index_template: view }] };
  }));
  mock.add({ method: ['PUT', 'POST'], path: '/_index_template/:name' }, answer((p: MockPattern) => {
    const [, name = ''] = segments(p.path as string);
    const b = body(p);
    if (p.querystring?.['create'] === 'true' && state.indexTemplates.has(name)) return esError(400, 'illegal_argument_exception', `index template [${name}] already exists`);
    const patterns = b.index_patterns;
    if (!Array.isArray(patterns) || patterns.length === 0) return esError(400, 'action_request_validation_exception', 'Validation Failed: 1: index patterns are missing;');
    const ignore = (b.ignore_missing_component_templates as string[] | undefined) ?? [];
    const missing = ((b.composed_of as string[] | undefined) ?? []).filter((c) => !state.componentTemplates.has(c) && !ignore.includes(c));
    if (missing.length > 0) {
      const cause = `index template [${name}] specifies component templates [${missing.join(', ')}] that do not exist`;
      return esError(400, 'invalid_index_template_exception', `index_template [${name}] invalid, cause [${cause}]`, { name });
    }
    const priority = Number(b.priority ?? 0);
    for (const [other, t] of state.indexTemplates) {
      if (other === name || Number(t.priority ?? 0) !== priority) continue;
      const theirs = t.index_patterns as string[];
      if (patterns.some((q: string) => theirs.some((r) => q === r || globMatch(q, r) || globMatch(r, q)))) {
        return esError(
          400,
          'illegal_argument_exception',
          `index template [${name}] has index patterns [${patterns.join(', ')}] matching patterns from existing templates [${other}] with patterns (${other} => [${theirs.join(', ')}]) that have the same priority [${priority}], multiple index templates may not match during index creation, please use a different priority`,
        );
      }
    }
    state.indexTemplates.set(name, b);
    return ok;
  }));

  mock.add({ method: 'GET', path: '/_data_stream/:name' }, answer((p: MockPattern) => {
    const [, name = ''] = segments(p.path as string);
    const d = state.dataStreams.get(name);
    if (!d) return esError(404, 'index_not_found_exception', `no such index [${name}]`, { index: name });
    const indices = d.indices.map((index_name) => ({ index_name, index_uuid: randomBytes(11).toString('hex'), prefer_ilm: true, managed_by: 'Unmanaged' }));
    return { data_streams: [{ name, timestamp_field: { name: '@timestamp' }, indices, generation: indices.length, status: 'GREEN', template: d.template, hidden: false, system: false }] };
  }));
  mock.add({ method: 'PUT', path: '/_data_stream/:name' }, answer((p: MockPattern) => {
    const [, name = ''] = segments(p.path as string);
    if (state.dataStreams.has(name)) return esError(400, 'resource_already_exists_exception', `data_stream [${name}] already exists`);
    const hit = matchingTemplate(name);
    if (!hit) return esError(400, 'index_template_exception', `no matching index template found for data stream [${name}]`, { name });
    if (!isMap(hit[1].data_stream)) return esError(400, 'index_template_exception', `matching index template [${hit[0]}] for data stream [${name}] has no data stream template`);
    const first = `.ds-${name}-${new Date().toISOString().slice(0, 10).replace(/-/g, '.')}-000001`;
    state.dataStreams.set(name, { name, template: hit[0], indices: [first], mappings: new Map([[first, composeMapping(hit[0])]]) });
    return ok;
  }));
  mock.add({ method: 'DELETE', path: '/_data_stream/:name' }, answer((p: MockPattern) => {
    const [, name = ''] = segments(p.path as string);
    if (!state.dataStreams.delete(name)) return esError(404, 'index_not_found_exception', `no such index [${name}]`, { index: name });
    return ok;
  }));
  mock.add({ method: 'GET', path: '/:index/_mapping' }, answer((p: MockPattern) => {
    const [target = ''] = segments(p.path as string);
    const hits = [...state.dataStreams.values()].flatMap((d) => [...d.mappings].filter(([index]) => index === target || d.name === target));
    if (hits.length === 0) return esError(404, 'index_not_found_exception', `no such index [${target}]`, { index: target });
    return Object.fromEntries(hits.map(([index, mappings]) => [index, { mappings }]));
  }));

  return { state, mock, Connection: mockConnection(mock) };
}

export interface FakeElasticsearch extends ElasticsearchDouble {
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Requests that change state (see http.ts `isWrite`). */
  writes(): number;
  reset(): void;
  close(): Promise<void>;
}

/**
 * The double over loopback HTTP, for what takes a URL. The transport part only: it checks the
 * credentials like ES (401 `security_exception`), then answers from the double's routes with the
 * `x-elastic-product` header the client requires.
 */
export async function startFakeElasticsearch(opts: FakeElasticsearchOptions = {}): Promise<FakeElasticsearch> {
  const double = elasticsearchDouble(opts);
  const requests: RecordedRequest[] = [];
  const secured = opts.apiKey !== undefined || opts.username !== undefined || opts.password !== undefined;
  const basic = opts.username !== undefined || opts.password !== undefined ? `Basic ${Buffer.from(`${opts.username ?? ''}:${opts.password ?? ''}`).toString('base64')}` : undefined;
  const send = (res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    res.writeHead(status, { 'x-elastic-product': 'Elasticsearch', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
    res.end(text);
  };
  const server = await listen(async (req: IncomingMessage, res: ServerResponse) => {
    requests.push(recordRequest(req));
    const method = (req.method ?? 'GET').toUpperCase();
    if (secured) {
      const got = req.headers.authorization;
      if (got === undefined || !((opts.apiKey !== undefined && got === `ApiKey ${opts.apiKey}`) || got === basic)) {
        const reason = got?.startsWith('Basic ')
          ? `unable to authenticate user [${Buffer.from(got.slice(6), 'base64').toString('utf8').split(':')[0]}] for REST request [${req.url}]`
          : got !== undefined
            ? 'unable to authenticate with provided credentials and anonymous access is not allowed for this request'
            : `missing authentication credentials for REST request [${req.url}]`;
        return send(res, 401, engineError(401, 'security_exception', reason), { 'www-authenticate': 'Basic realm="security", charset="UTF-8"' });
      }
    }
    const url = requestUrl(req);
    const text = (await readBody(req)).toString('utf8');
    let body: unknown = null;
    try {
      body = text.trim() === '' ? null : String(req.headers['content-type']).includes('ndjson') ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : JSON.parse(text);
    } catch (err) {
      return send(res, 400, engineError(400, 'x_content_parse_exception', `[1:1] ${(err as Error).message}`));
    }
    const pattern = { method, path: url.pathname, querystring: Object.fromEntries(url.searchParams), body: body ?? undefined };
    const resolve = double.mock.get({ ...pattern, path: url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname });
    if (!resolve) return send(res, 400, { error: `no handler found for uri [${req.url}] and method [${method}]` });
    let answer: unknown;
    try {
      answer = resolve({ ...pattern, ...(body === null ? {} : { body: body as Json }) });
    } catch (err) {
      answer = err;
    }
    if (answer instanceof errors.ResponseError) return send(res, answer.statusCode ?? 500, answer.body ?? '');
    return send(res, 200, answer);
  });
  return {
    ...double,
    url: server.url,
    requests,
    writes: () => requests.filter((r) => isWrite(r.method, r.path)).length,
    reset: () => {
      requests.length = 0;
    },
    close: server.close,
  };
}

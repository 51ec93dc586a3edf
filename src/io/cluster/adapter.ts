import type { Engine } from '../../terms.ts';
import { attempt, bulkDrop, datasource, effectiveClusterSettings, helperOptions, json, maxContentLengthOf, responseText, runBulkHelper, securityAnalyticsApi, simulatePipeline, splitCredentials, type BulkDocument, type BulkResult, type ConnectionOptions, type EngineClient, type IndexMappings, type SendText } from './client.ts';
import { ClusterError, redactUrl } from './errors.ts';
import { objectField, stringField, type JsonObject } from './read.ts';
import { IDEMPOTENT, IDEMPOTENT_TEXT, type EdgeContext } from './transport.ts';

/**
 * The one engine adapter: evforge's typed operations (EngineClient, client.ts) written once, over
 * the part of the typed API both official clients have in the same shape (TypedApi), and driven
 * by the engine's entry in engines.ts for what differs: the client class and its options, the
 * request shapes where the typed APIs differ, what the engine can do.
 */

/** A typed call's answer with its status, as both clients give it (Elasticsearch's when asked with `meta: true`). */
type Answer<T> = Promise<{ readonly statusCode: number | null; readonly body: T }>;

/** What evforge puts in a typed call's options, on top of what the client itself needs (EngineSpec.callOptions). */
export interface CallOptions {
  readonly ignore?: number[];
  readonly context?: EdgeContext;
}

/** A typed call: request parameters in, the answer out; `O` is what the client needs in every call's options. */
type Call<P, T, O> = (params: P, options: O & CallOptions) => Answer<T>;

type Named = { readonly name: string };

/** What the bulk helpers take (both the same): evforge's documents, created by id and sent as their exact text. */
type BulkHelperOptions = ReturnType<typeof helperOptions> & {
  readonly datasource: AsyncIterator<BulkDocument>;
  readonly onDocument: (doc: BulkDocument) => [{ create: { _index: string; _id: string } }, string];
  readonly onDrop: (drop: { status: number; operation: unknown; error: unknown; document: unknown }) => void;
};

/**
 * The typed API evforge calls, in the shape both official clients have it. Each client is checked
 * against it by the compiler (engines.ts) with its own request and response types: a parameter one
 * client would not take, or an answer field it does not give, fails to compile. The members are
 * function-typed properties, not methods, so that check is strict (no method bivariance).
 */
export interface TypedApi<O> {
  readonly info: Call<Record<string, never>, { cluster_name?: string; version?: { number?: string; distribution?: string } }, O>;
  readonly cat: { readonly plugins: Call<{ format: 'json'; h: string[] }, unknown, O> };
  readonly ingest: {
    readonly getPipeline: Call<{ id: string }, Record<string, unknown>, O>;
    readonly deletePipeline: Call<{ id: string }, unknown, O>;
  };
  readonly cluster: {
    readonly getComponentTemplate: Call<Named, { component_templates?: { name: string; component_template: unknown }[] }, O>;
    readonly getSettings: Call<{ include_defaults: true; flat_settings?: true; filter_path?: string }, Parameters<typeof effectiveClusterSettings>[0], O>;
    readonly health: Call<Record<string, never>, { status: string }, O>;
  };
  readonly indices: {
    readonly getIndexTemplate: Call<Named, { index_templates?: { name: string; index_template: unknown }[] }, O>;
    readonly putIndexTemplate: Call<Named & { body: JsonObject; create?: true }, unknown, O>;
    readonly getDataStream: Call<Named, { data_streams?: { name: string; template?: string; indices: { index_name: string }[] }[] }, O>;
    readonly createDataStream: Call<Named, unknown, O>;
    readonly deleteDataStream: Call<Named, unknown, O>;
    readonly simulateTemplate: Call<Named, unknown, O>;
    readonly simulateIndexTemplate: Call<Named, unknown, O>;
    readonly getMapping: Call<{ index: string }, IndexMappings, O>;
    readonly putMapping: Call<{ index: string; body: JsonObject }, unknown, O>;
    readonly rollover: Call<{ alias: string }, { new_index: string }, O>;
    readonly refresh: Call<{ index: string }, unknown, O>;
  };
  readonly count: Call<{ index: string }, { count: number }, O>;
  readonly nodes: { readonly info: Call<{ metric: ['settings']; filter_path: string }, unknown, O> };
  /** Requests no typed API fits (endpoints.ts), through the client's transport: evforge's, with its retries. */
  readonly transport: { readonly request: Call<{ method: 'POST' | 'PUT'; path: string; body: string | JsonObject; querystring?: Record<string, string | boolean> }, unknown, O> };
  readonly helpers: { readonly bulk: (options: BulkHelperOptions, requestOptions: CallOptions) => Parameters<typeof runBulkHelper>[0] };
  readonly close: () => Promise<void>;
}

/* The requests whose shape the typed APIs differ on, as evforge says them; each entry hands them to its client as its API takes them. */
type PipelineRequest = { readonly id: string; readonly body: JsonObject; readonly if_version?: number };
/** The component template's `template` apart as well as in the body (Elasticsearch's request type wants it at the top). */
type ComponentTemplateRequest = { readonly name: string; readonly template: JsonObject; readonly body: JsonObject; readonly create?: true };
/** A search for ids only, every hit counted. */
type SearchRequest = { readonly index: string; readonly body: { query: JsonObject; size: number; _source: false; track_total_hits: true; sort: string[] } };
type SearchAnswer = { hits: { total?: number | { value: number }; hits: { _id?: string }[] } };

/** What every client is made with: where, how long to wait, and no retries of its own (evforge's are in transport.ts). */
export interface CommonOptions {
  readonly node: string;
  readonly requestTimeout: number;
  readonly maxRetries: 0;
  /** Basic credentials, when given. */
  readonly basicAuth?: { readonly username: string; readonly password: string };
  /** TLS: the CA to trust, and whether to verify at all. */
  readonly tls: { readonly ca?: string; readonly rejectUnauthorized: boolean };
}

/**
 * One engine's entry in the table (engines.ts): what differs between the engines. `C` is the
 * official client, `O` what its calls' options carry, `Conn` the Connection class a test may inject.
 */
export interface EngineSpec<C extends TypedApi<O>, O, Conn> {
  readonly engine: Engine;
  /** The official client, with evforge's transport and this engine's way of taking credentials and TLS. */
  readonly connect: (o: ConnectionOptions, common: CommonOptions, Connection: Conn | undefined) => C;
  readonly callOptions: O;
  readonly putPipeline: (client: C, request: PipelineRequest, options: O & CallOptions) => Answer<unknown>;
  readonly putComponentTemplate: (client: C, request: ComponentTemplateRequest, options: O & CallOptions) => Answer<unknown>;
  readonly search: (client: C, request: SearchRequest, options: O & CallOptions) => Answer<SearchAnswer>;
  /** The engine may carry the Security Analytics plugin: `_cat/plugins` is read, and its rule API offered. */
  readonly securityAnalytics: boolean;
}

/** EngineClient over one engine's official client, as its table entry says. */
export function engineClient<C extends TypedApi<O>, O, Conn>(spec: EngineSpec<C, O, Conn>, options: ConnectionOptions, Connection?: Conn): EngineClient {
  const o = splitCredentials(options);
  const common: CommonOptions = {
    node: o.node,
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    maxRetries: 0,
    ...(o.username !== undefined ? { basicAuth: { username: o.username, password: o.password ?? '' } } : {}),
    tls: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure },
  };
  const client = spec.connect(o, common, Connection);
  const api: TypedApi<O> = client;
  const url = redactUrl(o.node);
  const callOptions = (extra: CallOptions = {}): O & CallOptions => ({ ...spec.callOptions, ...extra });
  const READ = callOptions();
  const ABSENT_OK = callOptions({ ignore: [404] });
  /** A POST safe to send twice (a search, a simulate), or a replacement some client sends as POST. */
  const REPEATABLE = callOptions({ context: IDEMPOTENT });

  const run = <T>(action: string, call: () => Promise<T>) => attempt(action, url, call);
  /** A typed call's answer, refused when it is not JSON. */
  const body = <T>(action: string, call: () => Answer<T>): Promise<T> =>
    run(action, async () => {
      const r = await call();
      return json(r.body, r.statusCode, action, url);
    });
  /** The same for a read that answers undefined on 404. */
  const found = <T>(action: string, call: () => Answer<T>): Promise<T | undefined> =>
    run(action, async () => {
      const r = await call();
      return r.statusCode === 404 ? undefined : json(r.body, r.statusCode, action, url);
    });
  const send: SendText = async (method, path, s) => {
    const r = await api.transport.request({ method, path, body: s.body, ...(s.query ? { querystring: s.query } : {}) }, callOptions({ context: s.idempotent ? IDEMPOTENT_TEXT : { text: true } }));
    return responseText(r.body);
  };
  const create = (w: { create?: boolean }) => (w.create ? { create: true as const } : {});

  return {
    engine: spec.engine,
    url,
    async info() {
      const r = await body('GET / (detect the engine)', () => api.info({}, READ));
      return { version: r.version?.number, distribution: r.version?.distribution, clusterName: r.cluster_name };
    },
    async plugins() {
      if (!spec.securityAnalytics) return [];
      const r = await body('list plugins', () => api.cat.plugins({ format: 'json', h: ['component'] }, READ));
      return Array.isArray(r) ? r.flatMap((p) => stringField(p, 'component') ?? []) : [];
    },
    async getPipeline(name) {
      return (await found(`GET ingest pipeline ${name}`, () => api.ingest.getPipeline({ id: name }, ABSENT_OK)))?.[name];
    },
    async putPipeline(name, b, w = {}) {
      await run(`PUT ingest pipeline ${name}`, () => spec.putPipeline(client, { id: name, body: b, ...(w.ifVersion !== undefined ? { if_version: w.ifVersion } : {}) }, READ));
    },
    async deletePipeline(name) {
      await run(`DELETE ingest pipeline ${name}`, () => api.ingest.deletePipeline({ id: name }, ABSENT_OK));
    },
    async getComponentTemplate(name) {
      const r = await found(`GET component template ${name}`, () => api.cluster.getComponentTemplate({ name }, ABSENT_OK));
      return r?.component_templates?.find((t) => t.name === name)?.component_template;
    },
    async putComponentTemplate(name, b, w = {}) {
      const action = `PUT component template ${name}`;
      const template = objectField(b, 'template');
      if (!template) throw new ClusterError(`${action}: the body has no template`, { action });
      await run(action, () => spec.putComponentTemplate(client, { name, template, body: b, ...create(w) }, REPEATABLE));
    },
    async getIndexTemplate(name) {
      const r = await found(`GET index template ${name}`, () => api.indices.getIndexTemplate({ name }, ABSENT_OK));
      return r?.index_templates?.find((t) => t.name === name)?.index_template;
    },
    async putIndexTemplate(name, b, w = {}) {
      await run(`PUT index template ${name}`, () => api.indices.putIndexTemplate({ name, body: b, ...create(w) }, REPEATABLE));
    },
    async clusterSettings() {
      return effectiveClusterSettings(await body('read cluster settings', () => api.cluster.getSettings({ include_defaults: true, flat_settings: true }, READ)));
    },
    async getDataStream(name) {
      const r = await found(`GET data stream ${name}`, () => api.indices.getDataStream({ name }, ABSENT_OK));
      const ds = r?.data_streams?.find((d) => d.name === name);
      return ds ? { name: ds.name, template: ds.template, indices: ds.indices.map((i) => i.index_name) } : undefined;
    },
    async createDataStream(name) {
      await run(`create data stream ${name}`, () => api.indices.createDataStream({ name }, READ));
    },
    async deleteDataStream(name) {
      await run(`delete data stream ${name}`, () => api.indices.deleteDataStream({ name }, ABSENT_OK));
    },
    simulatePipeline: (name, documents) => simulatePipeline(send, url, name, documents),
    async simulateIndexTemplate(template) {
      return settingsIndex(await body(`simulate index template ${template}`, () => api.indices.simulateTemplate({ name: template }, REPEATABLE)));
    },
    async simulateIndex(name) {
      return settingsIndex(await found(`find the index template of ${name}`, () => api.indices.simulateIndexTemplate({ name }, callOptions({ ignore: [404], context: IDEMPOTENT }))));
    },
    getMapping: (index) => body(`GET mapping of ${index}`, () => api.indices.getMapping({ index }, READ)),
    async putMapping(index, mapping) {
      await run(`update mapping of data stream ${index}`, () => api.indices.putMapping({ index, body: mapping }, REPEATABLE));
    },
    async rollover(dataStream) {
      return (await body(`roll over data stream ${dataStream}`, () => api.indices.rollover({ alias: dataStream }, READ))).new_index;
    },
    async search(index, query, size) {
      const r = await body(`search ${index}`, () => spec.search(client, { index, body: { query, size, _source: false, track_total_hits: true, sort: ['_doc'] } }, REPEATABLE));
      const total = r.hits.total;
      return { ids: r.hits.hits.map((h) => h._id ?? '').sort(), total: typeof total === 'number' ? total : (total?.value ?? 0) };
    },
    async count(index) {
      return (await body(`count ${index}`, () => api.count({ index }, READ))).count;
    },
    async refresh(index) {
      await run(`refresh ${index}`, () => api.indices.refresh({ index }, REPEATABLE));
    },
    async health() {
      return (await body('cluster health', () => api.cluster.health({}, READ))).status;
    },
    bulk(bo): Promise<BulkResult> {
      const helper = api.helpers.bulk(
        {
          datasource: datasource(bo.documents),
          onDocument: (doc) => [{ create: { _index: bo.index, _id: doc.id } }, doc.text],
          onDrop: (d) => bo.onDrop(bulkDrop(d.status, d.operation, d.error, d.document)),
          ...helperOptions(bo),
        },
        // Documents carry deterministic ids: a whole request is safe to send again.
        { context: IDEMPOTENT },
      );
      return runBulkHelper(helper, bo, `bulk index into ${bo.index} (${spec.engine})`, url);
    },
    async maxContentLength() {
      const action = 'read http.max_content_length';
      // Either read may be refused (a user without the monitor privilege): the other, or nothing, then answers.
      const nodes = await run(action, () => api.nodes.info({ metric: ['settings'], filter_path: 'nodes.*.settings.http.max_content_length' }, READ)).catch(() => undefined);
      const cluster = await run(action, () => api.cluster.getSettings({ include_defaults: true, filter_path: '*.http.max_content_length' }, READ)).catch(() => undefined);
      return maxContentLengthOf(nodes?.body, cluster?.body);
    },
    ...(spec.securityAnalytics ? { securityAnalytics: securityAnalyticsApi(send, url) } : {}),
    close: () => api.close(),
  };
}

/** `template.settings.index` of a simulate answer. */
function settingsIndex(r: unknown): JsonObject | undefined {
  return objectField(objectField(objectField(r, 'template'), 'settings'), 'index');
}

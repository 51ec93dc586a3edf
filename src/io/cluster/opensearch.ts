import { Client, type Connection } from '@opensearch-project/opensearch';
import { attempt, bulkDrop, datasource, effectiveClusterSettings, helperOptions, json, maxContentLengthOf, responseText, runBulkHelper, securityAnalyticsApi, simulatePipeline, splitCredentials, type BulkDocument, type ConnectionOptions, type EngineClient, type SendText } from './client.ts';
import { ClusterError, redactUrl } from './errors.ts';
import { objectField, stringField, type JsonObject } from './read.ts';
import { IDEMPOTENT, IDEMPOTENT_TEXT, OpenSearchEdgeTransport, QuietConnection } from './transport.ts';

/** What a test may put in place of the network: the client's Connection class. */
export interface OpenSearchInjection {
  readonly Connection?: typeof Connection;
}

const ABSENT_OK = { ignore: [404] };
/** This client sends these replacements as POST: as safe to repeat as the PUT they are. */
const REPLACES = { context: IDEMPOTENT };

/** OpenSearch through `@opensearch-project/opensearch`, its typed API and types. */
export function openSearchClient(options: ConnectionOptions, inject: OpenSearchInjection = {}): EngineClient {
  const o = splitCredentials(options);
  const client = new Client({
    node: o.node,
    Connection: inject.Connection ?? QuietConnection,
    Transport: OpenSearchEdgeTransport,
    ...(o.username !== undefined ? { auth: { username: o.username, password: o.password ?? '' } } : {}),
    headers: o.apiKey ? { authorization: `ApiKey ${o.apiKey}` } : {},
    ssl: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure },
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    // Retries are evforge's own (bounded, with backoff, only when safe): see transport.ts.
    maxRetries: 0,
    // Event documents may carry `__proto__` keys; JSON.parse makes them plain own properties, and
    // the default guard would throw inside the bulk helper instead of reporting the document.
    disablePrototypePoisoningProtection: true,
  });
  const url = redactUrl(o.node);
  const run = <T>(action: string, call: () => Promise<T>) => attempt(action, url, call);
  /** A typed call's answer, refused when it is not JSON. */
  const body = async <T>(action: string, call: () => Promise<{ statusCode: number | null; body: T }>): Promise<T> =>
    run(action, async () => {
      const r = await call();
      return json(r.body, r.statusCode, action, url);
    });
  /** The same for a read that answers undefined on 404. */
  const found = async <T>(action: string, call: () => Promise<{ statusCode: number | null; body: T }>): Promise<T | undefined> =>
    run(action, async () => {
      const r = await call();
      return r.statusCode === 404 ? undefined : json(r.body, r.statusCode, action, url);
    });
  const send: SendText = async (method, path, s) => {
    const r = await client.transport.request({ method, path, body: s.body, ...(s.query ? { querystring: s.query } : {}) }, { context: s.idempotent ? IDEMPOTENT_TEXT : { text: true } });
    return responseText(r.body);
  };

  return {
    engine: 'opensearch',
    url,
    async info() {
      const r = await body('GET / (detect the engine)', () => client.info());
      return { version: r.version?.number, distribution: r.version?.distribution, clusterName: r.cluster_name };
    },
    async plugins() {
      const r = await body('list plugins', () => client.cat.plugins({ format: 'json', h: ['component'] }));
      return Array.isArray(r) ? r.flatMap((p) => stringField(p, 'component') ?? []) : [];
    },
    async getPipeline(name) {
      return (await found(`GET ingest pipeline ${name}`, () => client.ingest.getPipeline({ id: name }, ABSENT_OK)))?.[name];
    },
    async putPipeline(name, b) {
      // No `if_version` here: OpenSearch 2.19 and 3.8 refuse it ("unrecognized parameter"); push re-reads instead.
      await run(`PUT ingest pipeline ${name}`, () => client.ingest.putPipeline({ id: name, body: b }));
    },
    async deletePipeline(name) {
      await run(`DELETE ingest pipeline ${name}`, () => client.ingest.deletePipeline({ id: name }, ABSENT_OK));
    },
    async getComponentTemplate(name) {
      const r = await found(`GET component template ${name}`, () => client.cluster.getComponentTemplate({ name }, ABSENT_OK));
      return r?.component_templates?.find((t) => t.name === name)?.component_template;
    },
    async putComponentTemplate(name, b, w = {}) {
      const action = `PUT component template ${name}`;
      const template = objectField(b, 'template');
      if (!template) throw new ClusterError(`${action}: the body has no template`, { action });
      await run(action, () => client.cluster.putComponentTemplate({ name, body: { ...b, template }, ...(w.create ? { create: true } : {}) }, REPLACES));
    },
    async getIndexTemplate(name) {
      const r = await found(`GET index template ${name}`, () => client.indices.getIndexTemplate({ name }, ABSENT_OK));
      return r?.index_templates?.find((t) => t.name === name)?.index_template;
    },
    async putIndexTemplate(name, b, w = {}) {
      await run(`PUT index template ${name}`, () => client.indices.putIndexTemplate({ name, body: b, ...(w.create ? { create: true } : {}) }, REPLACES));
    },
    async clusterSettings() {
      return effectiveClusterSettings(await body('read cluster settings', () => client.cluster.getSettings({ include_defaults: true, flat_settings: true })));
    },
    async getDataStream(name) {
      const r = await found(`GET data stream ${name}`, () => client.indices.getDataStream({ name }, ABSENT_OK));
      const ds = r?.data_streams?.find((d) => d.name === name);
      return ds ? { name: ds.name, template: ds.template, indices: ds.indices.map((i) => i.index_name) } : undefined;
    },
    async createDataStream(name) {
      await run(`create data stream ${name}`, () => client.indices.createDataStream({ name }));
    },
    async deleteDataStream(name) {
      await run(`delete data stream ${name}`, () => client.indices.deleteDataStream({ name }, ABSENT_OK));
    },
    simulatePipeline: (name, documents) => simulatePipeline(send, url, name, documents),
    async simulateIndexTemplate(template) {
      const r = await body(`simulate index template ${template}`, () => client.indices.simulateTemplate({ name: template }, { context: IDEMPOTENT }));
      return settingsIndex(r);
    },
    async simulateIndex(name) {
      const r = await found(`find the index template of ${name}`, () => client.indices.simulateIndexTemplate({ name }, { ...ABSENT_OK, context: IDEMPOTENT }));
      return settingsIndex(r);
    },
    async getMapping(index) {
      return body(`GET mapping of ${index}`, () => client.indices.getMapping({ index }));
    },
    async putMapping(index, mapping) {
      await run(`update mapping of data stream ${index}`, () => client.indices.putMapping({ index, body: mapping }, REPLACES));
    },
    async rollover(dataStream) {
      return (await body(`roll over data stream ${dataStream}`, () => client.indices.rollover({ alias: dataStream }))).new_index;
    },
    async search(index, query, size) {
      const r = await body(`search ${index}`, () =>
        client.search({ index, body: { query, size, _source: false, track_total_hits: true, sort: ['_doc'] } }, { context: IDEMPOTENT }),
      );
      const total = r.hits.total;
      return { ids: r.hits.hits.map((h) => h._id ?? '').sort(), total: typeof total === 'number' ? total : (total?.value ?? 0) };
    },
    async count(index) {
      return (await body(`count ${index}`, () => client.count({ index }))).count;
    },
    async refresh(index) {
      await run(`refresh ${index}`, () => client.indices.refresh({ index }, { context: IDEMPOTENT }));
    },
    async health() {
      return (await body('cluster health', () => client.cluster.health())).status;
    },
    async bulk(bo) {
      const helper = client.helpers.bulk<BulkDocument>(
        {
          datasource: datasource(bo.documents),
          onDocument: (doc) => [{ create: { _index: bo.index, _id: doc.id } }, doc.text],
          onDrop: (d) => bo.onDrop(bulkDrop(d.status, d.operation, d.error, d.document)),
          ...helperOptions(bo),
        },
        // Documents carry deterministic ids: a whole request is safe to send again.
        { context: IDEMPOTENT },
      );
      return runBulkHelper(helper, bo, `bulk index into ${bo.index} (opensearch)`, url);
    },
    async maxContentLength() {
      const action = 'read http.max_content_length';
      // Either read may be refused (a user without the monitor privilege): the other, or nothing, then answers.
      const nodes = await run(action, () => client.nodes.info({ metric: ['settings'], filter_path: 'nodes.*.settings.http.max_content_length' }, { context: IDEMPOTENT })).catch(() => undefined);
      const cluster = await run(action, () => client.cluster.getSettings({ include_defaults: true, filter_path: '*.http.max_content_length' }, { context: IDEMPOTENT })).catch(() => undefined);
      return maxContentLengthOf(nodes?.body, cluster?.body);
    },
    securityAnalytics: securityAnalyticsApi(send, url),
    close: () => client.close(),
  };
}

/** `template.settings.index` of a simulate answer. */
function settingsIndex(r: unknown): JsonObject | undefined {
  return objectField(objectField(objectField(r, 'template'), 'settings'), 'index');
}

import { Client, type BaseConnection, type TransportRequestOptionsWithMeta } from '@elastic/elasticsearch';
import { attempt, bulkDrop, datasource, effectiveClusterSettings, helperOptions, json, maxContentLengthOf, responseText, runBulkHelper, simulatePipeline, splitCredentials, type BulkDocument, type ConnectionOptions, type EngineClient, type IndexMappings, type SendText } from './client.ts';
import { ClusterError, redactUrl } from './errors.ts';
import { objectField, type JsonObject } from './read.ts';
import { ElasticsearchEdgeTransport, IDEMPOTENT, IDEMPOTENT_TEXT } from './transport.ts';

/** What a test may put in place of the network: the client's Connection class (e.g. `@elastic/elasticsearch-mock`). */
export interface ElasticsearchInjection {
  readonly Connection?: typeof BaseConnection;
}

/** Options of every typed call: the status comes back with the body, so a 404 can be told from an answer. */
const META: TransportRequestOptionsWithMeta = { meta: true };
const ABSENT_OK: TransportRequestOptionsWithMeta = { meta: true, ignore: [404] };

/** Elasticsearch through `@elastic/elasticsearch`, its typed API and types. */
export function elasticsearchClient(options: ConnectionOptions, inject: ElasticsearchInjection = {}): EngineClient {
  const o = splitCredentials(options);
  const client = new Client({
    node: o.node,
    ...(o.apiKey ? { auth: { apiKey: o.apiKey } } : o.username !== undefined ? { auth: { username: o.username, password: o.password ?? '' } } : {}),
    tls: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure },
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    // Retries are evforge's own (bounded, with backoff, only when safe): see transport.ts.
    maxRetries: 0,
    Transport: ElasticsearchEdgeTransport,
    ...(inject.Connection ? { Connection: inject.Connection } : {}),
  });
  const url = redactUrl(o.node);
  const run = <T>(action: string, call: () => Promise<T>) => attempt(action, url, call);
  /** A typed call's answer, refused when it is not JSON. */
  const body = async <T>(action: string, call: () => Promise<{ statusCode: number; body: T }>): Promise<T> =>
    run(action, async () => {
      const r = await call();
      return json(r.body, r.statusCode, action, url);
    });
  /** The same for a read that answers undefined on 404. */
  const found = async <T>(action: string, call: () => Promise<{ statusCode: number; body: T }>): Promise<T | undefined> =>
    run(action, async () => {
      const r = await call();
      return r.statusCode === 404 ? undefined : json(r.body, r.statusCode, action, url);
    });
  const send: SendText = async (method, path, s) => {
    const r = await client.transport.request({ method, path, body: s.body, ...(s.query ? { querystring: s.query } : {}) }, { ...META, context: s.idempotent ? IDEMPOTENT_TEXT : { text: true } });
    return responseText(r.body);
  };

  return {
    engine: 'elasticsearch',
    url,
    async info() {
      const r = await body('GET / (detect the engine)', () => client.info(undefined, META));
      return { version: r.version.number, clusterName: r.cluster_name };
    },
    plugins: async () => [],
    async getPipeline(name) {
      return (await found(`GET ingest pipeline ${name}`, () => client.ingest.getPipeline({ id: name }, ABSENT_OK)))?.[name];
    },
    async putPipeline(name, b, w = {}) {
      await run(`PUT ingest pipeline ${name}`, () => client.ingest.putPipeline({ id: name, body: b, ...(w.ifVersion !== undefined ? { if_version: w.ifVersion } : {}) }));
    },
    async deletePipeline(name) {
      await run(`DELETE ingest pipeline ${name}`, () => client.ingest.deletePipeline({ id: name }, { ignore: [404] }));
    },
    async getComponentTemplate(name) {
      const r = await found(`GET component template ${name}`, () => client.cluster.getComponentTemplate({ name }, ABSENT_OK));
      return r?.component_templates?.find((t) => t.name === name)?.component_template;
    },
    async putComponentTemplate(name, b, w = {}) {
      const action = `PUT component template ${name}`;
      const template = objectField(b, 'template');
      if (!template) throw new ClusterError(`${action}: the body has no template`, { action });
      // The request type wants `template` at the top; the body carries it too, in its own place.
      await run(action, () => client.cluster.putComponentTemplate({ name, template, body: b, ...(w.create ? { create: true } : {}) }));
    },
    async getIndexTemplate(name) {
      const r = await found(`GET index template ${name}`, () => client.indices.getIndexTemplate({ name }, ABSENT_OK));
      return r?.index_templates?.find((t) => t.name === name)?.index_template;
    },
    async putIndexTemplate(name, b, w = {}) {
      await run(`PUT index template ${name}`, () => client.indices.putIndexTemplate({ name, body: b, ...(w.create ? { create: true } : {}) }));
    },
    async clusterSettings() {
      return effectiveClusterSettings(await body('read cluster settings', () => client.cluster.getSettings({ include_defaults: true, flat_settings: true }, META)));
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
      await run(`delete data stream ${name}`, () => client.indices.deleteDataStream({ name }, { ignore: [404] }));
    },
    simulatePipeline: (name, documents) => simulatePipeline(send, url, name, documents),
    async simulateIndexTemplate(template) {
      const r = await body(`simulate index template ${template}`, () => client.indices.simulateTemplate({ name: template }, { ...META, context: IDEMPOTENT }));
      return settingsIndex(r);
    },
    async simulateIndex(name) {
      const r = await found(`find the index template of ${name}`, () => client.indices.simulateIndexTemplate({ name }, { ...ABSENT_OK, context: IDEMPOTENT }));
      return settingsIndex(r);
    },
    async getMapping(index): Promise<IndexMappings> {
      return body(`GET mapping of ${index}`, () => client.indices.getMapping({ index }, META));
    },
    async putMapping(index, mapping) {
      await run(`update mapping of data stream ${index}`, () => client.indices.putMapping({ index, body: mapping }));
    },
    async rollover(dataStream) {
      return (await body(`roll over data stream ${dataStream}`, () => client.indices.rollover({ alias: dataStream }, META))).new_index;
    },
    async search(index, query, size) {
      const r = await body(`search ${index}`, () =>
        client.search({ index, query, size, _source: false, track_total_hits: true, sort: ['_doc'] }, { ...META, context: IDEMPOTENT }),
      );
      const total = r.hits.total;
      return { ids: r.hits.hits.map((h) => h._id ?? '').sort(), total: typeof total === 'number' ? total : (total?.value ?? 0) };
    },
    async count(index) {
      return (await body(`count ${index}`, () => client.count({ index }, META))).count;
    },
    async refresh(index) {
      await run(`refresh ${index}`, () => client.indices.refresh({ index }, { context: IDEMPOTENT }));
    },
    async health() {
      return (await body('cluster health', () => client.cluster.health(undefined, META))).status;
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
      return runBulkHelper(helper, bo, `bulk index into ${bo.index} (elasticsearch)`, url);
    },
    async maxContentLength() {
      const action = 'read http.max_content_length';
      // Either read may be refused (a user without the monitor privilege): the other, or nothing, then answers.
      const nodes = await run(action, () => client.nodes.info({ metric: 'settings', filter_path: 'nodes.*.settings.http.max_content_length' }, META)).catch(() => undefined);
      const cluster = await run(action, () => client.cluster.getSettings({ include_defaults: true, filter_path: '*.http.max_content_length' }, META)).catch(() => undefined);
      return maxContentLengthOf(nodes?.body, cluster?.body);
    },
    close: () => client.close(),
  };
}

/** `template.settings.index` of a simulate answer. */
function settingsIndex(r: unknown): JsonObject | undefined {
  return objectField(objectField(objectField(r, 'template'), 'settings'), 'index');
}

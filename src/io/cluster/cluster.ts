import YAML from 'yaml';
import type { Target } from '../../generate/engines.ts';
import { OBJECT_LABELS, type DesiredObject, type ObjectKind } from '../../plan/objects.ts';
import { elasticsearchClient, openSearchClient, type BulkOptions, type BulkResult, type ConnectionOptions, type EngineClient } from './client.ts';
import { ClusterError } from './errors.ts';
import { kibanaRules, type KibanaRules } from './kibana.ts';

export interface ClusterInfo {
  readonly flavor: Target;
  readonly distribution: string;
  readonly version: string;
  readonly clusterName: string;
  /** Redacted URL, safe to print. */
  readonly url: string;
}

export interface SimulateResult {
  readonly source?: Record<string, unknown>;
  readonly error?: { type?: string; reason?: string };
}

/** A Security Analytics rule as stored: its document id and YAML text. */
interface StoredSaRule {
  readonly docId: string;
  readonly text: string;
}

const SA_PLUGIN = 'opensearch-security-analytics';

/**
 * One connected cluster: reads and writes evforge's objects with the engine's official client,
 * and reaches Kibana / Security Analytics for rules. The only module that knows endpoint paths.
 */

/** Reading and writing one kind of object on the cluster. */
interface ObjectOps {
  read(name: string, encoded: string, action: string): Promise<unknown>;
  write(d: DesiredObject, encoded: string, action: string): Promise<void>;
}

export class Cluster {
  private saRules: Map<string, StoredSaRule> | undefined;

  private constructor(
    readonly info: ClusterInfo,
    readonly engine: EngineClient,
    readonly kibana: KibanaRules | undefined,
    readonly securityAnalytics: boolean,
  ) {}

  /** `GET /` tells the engine (`version.distribution: opensearch`); then the matching client is used. */
  static async connect(options: ConnectionOptions & { kibana?: string }): Promise<Cluster> {
    // The OpenSearch client talks to both engines; the Elasticsearch client refuses OpenSearch.
    const probe = openSearchClient(options);
    let root: { version?: { number?: string; distribution?: string }; cluster_name?: string; tagline?: string };
    try {
      root = (await probe.request('GET', '/', { action: 'GET / (detect the engine)' })).body as typeof root;
    } finally {
      await probe.close();
    }
    if (!root?.version?.number) {
      throw new ClusterError(`${probe.url} does not look like Elasticsearch or OpenSearch (GET / has no version.number)`, { hint: 'check --node' });
    }
    const flavor: Target = root.version.distribution === 'opensearch' ? 'opensearch' : 'elasticsearch';
    const engine = flavor === 'opensearch' ? openSearchClient(options) : elasticsearchClient(options);
    const info: ClusterInfo = {
      flavor,
      distribution: flavor === 'opensearch' ? 'OpenSearch' : 'Elasticsearch',
      version: root.version.number,
      clusterName: root.cluster_name ?? '',
      url: engine.url,
    };
    let securityAnalytics = false;
    if (flavor === 'opensearch') {
      const plugins = await engine.request('GET', '/_cat/plugins', { query: { format: 'json', h: 'component' }, action: 'list plugins' });
      securityAnalytics = Array.isArray(plugins.body) && plugins.body.some((p: { component?: string }) => p.component === SA_PLUGIN);
    }
    const kibana = options.kibana ? kibanaRules({ ...options, url: options.kibana }) : undefined;
    return new Cluster(info, engine, kibana, securityAnalytics);
  }

  close(): Promise<void> {
    return this.engine.close();
  }

  /* ──────────────────────────── objects ──────────────────────────── */

  /**
   * How each kind of object is read and written: one table, so a new object kind does not compile
   * until it says how (no switch with a silent default).
   */
  private readonly objects = {
    ingest_pipeline: {
      read: async (name: string, e: string, action: string) => {
        const r = await this.engine.request('GET', `/_ingest/pipeline/${e}`, { ignore: [404], action });
        return r.statusCode === 404 ? undefined : (r.body as Record<string, unknown>)?.[name];
      },
      write: async (d: DesiredObject, e: string, action: string) => {
        await this.engine.request('PUT', `/_ingest/pipeline/${e}`, { body: d.body as object, action });
      },
    },
    component_template: {
      read: async (name: string, e: string, action: string) => {
        const r = await this.engine.request('GET', `/_component_template/${e}`, { ignore: [404], action });
        if (r.statusCode === 404) return undefined;
        return (r.body as { component_templates?: { name: string; component_template: unknown }[] }).component_templates?.find((t) => t.name === name)?.component_template;
      },
      write: async (d: DesiredObject, e: string, action: string) => {
        await this.engine.request('PUT', `/_component_template/${e}`, { body: d.body as object, action });
      },
    },
    index_template: {
      read: async (name: string, e: string, action: string) => {
        const r = await this.engine.request('GET', `/_index_template/${e}`, { ignore: [404], action });
        if (r.statusCode === 404) return undefined;
        return (r.body as { index_templates?: { name: string; index_template: unknown }[] }).index_templates?.find((t) => t.name === name)?.index_template;
      },
      write: async (d: DesiredObject, e: string, action: string) => {
        await this.engine.request('PUT', `/_index_template/${e}`, { body: d.body as object, action });
      },
    },
    data_stream: {
      read: async (name: string, e: string, action: string) => {
        const r = await this.engine.request('GET', `/_data_stream/${e}`, { ignore: [404], action });
        if (r.statusCode === 404) return undefined;
        return (r.body as { data_streams?: { name: string }[] }).data_streams?.some((d) => d.name === name) ? {} : undefined;
      },
      write: async (d: DesiredObject, e: string) => {
        await this.engine.request('PUT', `/_data_stream/${e}`, { action: `create data stream ${d.name}` });
      },
    },
    elastic_rule: {
      read: async (name: string) => (this.kibana ? this.kibana.getRule(name) : undefined),
      write: async (d: DesiredObject, _e: string, action: string) => {
        if (!this.kibana) throw new ClusterError(`${action}: no Kibana given`, { hint: 'pass --kibana URL' });
        await this.kibana.importRules([d.body as object]);
      },
    },
    security_analytics_rule: {
      read: async (name: string) => (await this.securityAnalyticsRules()).get(name)?.text,
      write: async (d: DesiredObject) => {
        const stored = (await this.securityAnalyticsRules()).get(d.name);
        const category = 'windows';
        const path = stored ? `/_plugins/_security_analytics/rules/${encodeURIComponent(stored.docId)}` : '/_plugins/_security_analytics/rules';
        await this.engine.request(stored ? 'PUT' : 'POST', path, {
          body: d.text ?? '',
          query: stored ? { category, forced: true } : { category },
          action: `${stored ? 'update' : 'create'} Security Analytics rule ${d.name}`,
        });
        this.saRules = undefined;
      },
    },
  } satisfies Record<ObjectKind, ObjectOps>;

  /** What the cluster holds for one object, as the engine returns it; undefined when absent. */
  readObject(kind: ObjectKind, name: string): Promise<unknown> {
    return this.objects[kind].read(name, encodeURIComponent(name), `GET ${OBJECT_LABELS[kind]} ${name}`);
  }

  /** Creates or replaces one object. */
  writeObject(d: DesiredObject): Promise<void> {
    return this.objects[d.kind].write(d, encodeURIComponent(d.name), `PUT ${OBJECT_LABELS[d.kind]} ${d.name}`);
  }

  /** Custom Security Analytics rules by their Sigma `id` (the plugin assigns its own document ids). */
  private async securityAnalyticsRules(): Promise<Map<string, StoredSaRule>> {
    if (!this.securityAnalytics) return new Map();
    if (this.saRules) return this.saRules;
    const r = await this.engine.request('POST', '/_plugins/_security_analytics/rules/_search', {
      query: { pre_packaged: false },
      body: { size: 10_000, query: { match_all: {} } },
      action: 'search Security Analytics rules',
      idempotent: true,
    });
    const hits = (r.body as { hits?: { hits?: { _id: string; _source?: { rule?: unknown } }[] } }).hits?.hits ?? [];
    const out = new Map<string, StoredSaRule>();
    for (const h of hits) {
      const raw = h._source?.rule;
      const text = typeof raw === 'string' ? raw : typeof (raw as { rule?: unknown })?.rule === 'string' ? String((raw as { rule: string }).rule) : undefined;
      if (!text) continue;
      let id: unknown;
      try {
        id = (YAML.parse(text) as { id?: unknown })?.id;
      } catch {
        continue;
      }
      if (typeof id === 'string') out.set(id, { docId: h._id, text });
    }
    this.saRules = out;
    return out;
  }

  /* ──────────────────────────── data ──────────────────────────── */

  /** Runs documents (JSON texts) through a stored pipeline; numbers come back exact. */
  async simulate(pipeline: string, documents: readonly string[]): Promise<SimulateResult[]> {
    const body = `{"docs":[${documents.map((d) => `{"_index":"evforge-simulate","_source":${d}}`).join(',')}]}`;
    const r = await this.engine.request('POST', `/_ingest/pipeline/${encodeURIComponent(pipeline)}/_simulate`, { body, lossless: true, action: `simulate pipeline ${pipeline}`, idempotent: true });
    const docs = (r.body as { docs?: { doc?: { _source?: Record<string, unknown> }; error?: { type?: string; reason?: string } }[] }).docs ?? [];
    return docs.map((d) => (d.error ? { error: d.error } : { source: d.doc?._source ?? {} }));
  }

  bulk(options: BulkOptions): Promise<BulkResult> {
    return this.engine.bulk(options);
  }

  async search(index: string, query: object, size = 100): Promise<{ ids: string[]; total: number }> {
    const r = await this.engine.request('POST', `/${encodeURIComponent(index)}/_search`, {
      body: { query, size, _source: false, track_total_hits: true, sort: ['_doc'] },
      action: `search ${index}`,
      idempotent: true,
    });
    const hits = (r.body as { hits: { total: { value: number } | number; hits: { _id: string }[] } }).hits;
    return { ids: hits.hits.map((h) => h._id).sort(), total: typeof hits.total === 'number' ? hits.total : hits.total.value };
  }

  async count(index: string): Promise<number> {
    const r = await this.engine.request('GET', `/${encodeURIComponent(index)}/_count`, { action: `count ${index}` });
    return (r.body as { count: number }).count;
  }

  async refresh(index: string): Promise<void> {
    await this.engine.request('POST', `/${encodeURIComponent(index)}/_refresh`, { action: `refresh ${index}`, idempotent: true });
  }

  /** Field mappings of every backing index of a data stream (or of an index). */
  async mapping(index: string): Promise<Record<string, { mappings: { properties?: Record<string, unknown> } }>> {
    const r = await this.engine.request('GET', `/${encodeURIComponent(index)}/_mapping`, { action: `GET mapping of ${index}` });
    return r.body as Record<string, { mappings: { properties?: Record<string, unknown> } }>;
  }

  async deleteDataStream(name: string): Promise<void> {
    await this.engine.request('DELETE', `/_data_stream/${encodeURIComponent(name)}`, { ignore: [404], action: `delete data stream ${name}` });
  }

  async createDataStream(name: string): Promise<void> {
    await this.engine.request('PUT', `/_data_stream/${encodeURIComponent(name)}`, { action: `create data stream ${name}` });
  }

  /** The index settings a data stream's next backing index gets, from the templates that match it. */
  async resolvedIndexSettings(dataStream: string): Promise<Record<string, unknown> | undefined> {
    const e = encodeURIComponent(dataStream);
    const ds = await this.engine.request('GET', `/_data_stream/${e}`, { ignore: [404], action: `GET data stream ${dataStream}` });
    const template = ds.statusCode === 404 ? undefined : (ds.body as { data_streams?: { template?: string }[] }).data_streams?.[0]?.template;
    const r = template
      ? await this.engine.request('POST', `/_index_template/_simulate/${encodeURIComponent(template)}`, { action: `simulate index template ${template}`, idempotent: true })
      : await this.engine.request('POST', `/_index_template/_simulate_index/${e}`, { ignore: [404], action: `find the index template of ${dataStream}`, idempotent: true });
    if (r.statusCode === 404) return undefined;
    return (r.body as { template?: { settings?: { index?: Record<string, unknown> } } } | undefined)?.template?.settings?.index;
  }

  /** The write index of a data stream (its newest backing index) and that index's mapping. */
  async writeIndexMapping(dataStream: string): Promise<{ index: string; mappings: { properties?: unknown } } | undefined> {
    const ds = await this.engine.request('GET', `/_data_stream/${encodeURIComponent(dataStream)}`, { ignore: [404], action: `GET data stream ${dataStream}` });
    if (ds.statusCode === 404) return undefined;
    const indices = (ds.body as { data_streams?: { indices?: { index_name: string }[] }[] }).data_streams?.[0]?.indices ?? [];
    const index = indices.at(-1)?.index_name;
    if (!index) return undefined;
    const m = await this.mapping(index);
    return { index, mappings: m[index]?.mappings ?? {} };
  }

  /** Puts a compatible mapping on a data stream's backing indices. */
  async putDataStreamMapping(dataStream: string, mapping: unknown): Promise<void> {
    await this.engine.request('PUT', `/${encodeURIComponent(dataStream)}/_mapping`, { body: mapping as object, action: `update mapping of data stream ${dataStream}` });
  }

  /** Starts a new write index from the current templates. */
  async rollover(dataStream: string): Promise<string> {
    const r = await this.engine.request('POST', `/${encodeURIComponent(dataStream)}/_rollover`, { action: `roll over data stream ${dataStream}` });
    return String((r.body as { new_index?: string }).new_index ?? '');
  }

  async health(): Promise<string> {
    const r = await this.engine.request('GET', '/_cluster/health', { action: 'cluster health' });
    return (r.body as { status: string }).status;
  }
}

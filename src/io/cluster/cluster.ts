import { isRecord } from '../../guards.ts';
import YAML from 'yaml';
import type { Engine } from '../../terms.ts';
import { OBJECT_LABELS, type DesiredObject, type ObjectKind } from '../../terms.ts';
import type { BulkDocument, BulkDrop, BulkOptions, BulkResult, ConnectionOptions, EngineClient, EngineInfo, IndexMappings, SimulateResult, WriteCondition } from './client.ts';
import { elasticsearchClient, openSearchClient } from './engines.ts';
import { SECURITY_ANALYTICS_PLUGIN } from './endpoints.ts';
import { ClusterError } from './errors.ts';
import { kibanaRules, type KibanaRules } from './kibana.ts';
import { field, stringField } from './read.ts';

export type { SimulateResult } from './client.ts';

export interface ClusterInfo {
  readonly engine: Engine;
  readonly distribution: string;
  readonly version: string;
  readonly clusterName: string;
  /** Redacted URL, safe to print. */
  readonly url: string;
}

/** A Security Analytics rule as stored: its document id and YAML text. */
interface StoredSaRule {
  readonly docId: string;
  readonly text: string;
}

/**
 * One connected cluster: reads and writes evforge's objects through the engine's typed operations
 * (client.ts: one interface, over each official client's typed API), and reaches Kibana / Security
 * Analytics for rules. Endpoint paths live in endpoints.ts only.
 */

/** Reading and writing one kind of object on the cluster. */
interface ObjectOps {
  read(name: string): Promise<unknown>;
  write(d: DesiredObject, w: WriteCondition): Promise<void>;
}

/** A generated object body as the typed operations take it: a JSON object. */
function bodyOf(d: DesiredObject): Record<string, unknown> {
  if (isRecord(d.body)) return d.body;
  throw new ClusterError(`PUT ${OBJECT_LABELS[d.kind]} ${d.name}: its body is not a JSON object`, { action: `PUT ${OBJECT_LABELS[d.kind]} ${d.name}` });
}

/** `http.max_content_length`'s default in Elasticsearch and OpenSearch: 100 MB. */
export const DEFAULT_MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

export class Cluster {
  private saRules: Map<string, StoredSaRule> | undefined;

  private constructor(
    readonly info: ClusterInfo,
    readonly client: EngineClient,
    readonly kibana: KibanaRules | undefined,
    readonly securityAnalytics: boolean,
  ) {}

  /** `GET /` tells the engine (`version.distribution: opensearch`); then the matching client is used. */
  static async connect(options: ConnectionOptions & { kibana?: string }): Promise<Cluster> {
    // The OpenSearch client talks to both engines; the Elasticsearch client refuses OpenSearch.
    const probe = openSearchClient(options);
    let root: EngineInfo;
    try {
      root = await probe.info();
    } finally {
      await probe.close();
    }
    const client = root.distribution === 'opensearch' ? openSearchClient(options) : elasticsearchClient(options);
    const kibana = options.kibana ? kibanaRules({ ...options, url: options.kibana }) : undefined;
    return Cluster.over(client, { root, ...(kibana ? { kibana } : {}) });
  }

  /**
   * A cluster over an engine client already made: the way to run evforge's cluster code on an
   * injected transport (a test's mock connection). `root` is the `GET /` answer, read when not given.
   */
  static async over(client: EngineClient, o: { root?: EngineInfo; kibana?: KibanaRules } = {}): Promise<Cluster> {
    try {
      const root = o.root ?? (await client.info());
      if (!root.version) {
        throw new ClusterError(`${client.url} does not look like Elasticsearch or OpenSearch (GET / has no version.number)`, { hint: 'check --node' });
      }
      const engine = client.engine;
      const info: ClusterInfo = {
        engine,
        distribution: engine === 'opensearch' ? 'OpenSearch' : 'Elasticsearch',
        version: root.version,
        clusterName: root.clusterName ?? '',
        url: client.url,
      };
      const securityAnalytics = client.securityAnalytics !== undefined && (await client.plugins()).includes(SECURITY_ANALYTICS_PLUGIN);
      return new Cluster(info, client, o.kibana, securityAnalytics);
    } catch (err) {
      await client.close();
      throw err;
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /* ──────────────────────────── objects ──────────────────────────── */

  /**
   * How each kind of object is read and written: one table, so a new object kind does not compile
   * until it says how (no switch with a silent default).
   */
  private readonly objects = {
    ingest_pipeline: {
      read: (name: string) => this.client.getPipeline(name),
      write: (d: DesiredObject, w: WriteCondition) => this.client.putPipeline(d.name, bodyOf(d), w),
    },
    component_template: {
      read: (name: string) => this.client.getComponentTemplate(name),
      write: (d: DesiredObject, w: WriteCondition) => this.client.putComponentTemplate(d.name, bodyOf(d), w),
    },
    index_template: {
      read: (name: string) => this.client.getIndexTemplate(name),
      write: (d: DesiredObject, w: WriteCondition) => this.client.putIndexTemplate(d.name, bodyOf(d), w),
    },
    data_stream: {
      read: async (name: string) => ((await this.client.getDataStream(name)) ? {} : undefined),
      write: (d: DesiredObject) => this.client.createDataStream(d.name),
    },
    elastic_rule: {
      read: async (name: string) => (this.kibana ? this.kibana.getRule(name) : undefined),
      write: async (d: DesiredObject) => {
        if (!this.kibana) throw new ClusterError(`PUT ${OBJECT_LABELS.elastic_rule} ${d.name}: no Kibana given`, { hint: 'pass --kibana URL' });
        await this.kibana.importRules([bodyOf(d)]);
      },
    },
    security_analytics_rule: {
      read: async (name: string) => (await this.securityAnalyticsRules()).get(name)?.text,
      write: async (d: DesiredObject) => {
        const api = this.client.securityAnalytics;
        if (!api) throw new ClusterError(`PUT ${OBJECT_LABELS.security_analytics_rule} ${d.name}: not an OpenSearch cluster`);
        const stored = (await this.securityAnalyticsRules()).get(d.name);
        if (stored) await api.updateRule(d.name, stored.docId, d.text ?? '');
        else await api.createRule(d.name, d.text ?? '');
        this.saRules = undefined;
      },
    },
  } satisfies Record<ObjectKind, ObjectOps>;

  /** What the cluster holds for one object, as the engine returns it; undefined when absent. */
  readObject(kind: ObjectKind, name: string): Promise<unknown> {
    return this.objects[kind].read(name);
  }

  /**
   * Creates or replaces one object. `w.create` asks the engine to refuse when the object exists
   * (templates; a data stream is always created so), `w.ifVersion` to refuse when the stored
   * pipeline's version moved (Elasticsearch only); other kinds ignore them.
   */
  writeObject(d: DesiredObject, w: WriteCondition = {}): Promise<void> {
    return this.objects[d.kind].write(d, w);
  }

  /** Cluster settings as the engine applies them (flat keys). */
  clusterSettings(): Promise<Record<string, unknown>> {
    return this.client.clusterSettings();
  }

  /** Custom Security Analytics rules by their Sigma `id` (the plugin assigns its own document ids). */
  private async securityAnalyticsRules(): Promise<Map<string, StoredSaRule>> {
    const api = this.client.securityAnalytics;
    if (!this.securityAnalytics || !api) return new Map();
    if (this.saRules) return this.saRules;
    const out = new Map<string, StoredSaRule>();
    for (const { docId, rule } of await api.customRules()) {
      // The plugin stores the YAML as `rule`, or (some versions) as `rule.rule`.
      const text = typeof rule === 'string' ? rule : stringField(rule, 'rule');
      if (!text) continue;
      let id: unknown;
      try {
        id = field(YAML.parse(text), 'id');
      } catch {
        continue;
      }
      if (typeof id === 'string') out.set(id, { docId, text });
    }
    this.saRules = out;
    return out;
  }

  /* ──────────────────────────── data ──────────────────────────── */

  /** Runs documents (JSON texts) through a stored pipeline; numbers come back exact. */
  simulate(pipeline: string, documents: readonly string[]): Promise<SimulateResult[]> {
    return this.client.simulatePipeline(pipeline, documents);
  }

  bulk(options: BulkOptions): Promise<BulkResult> {
    return this.client.bulk(options);
  }

  /**
   * The largest request the engine accepts, in bytes: its `http.max_content_length` where the
   * cluster says, else the engines' default of 100 MB.
   * @see https://opensearch.org/docs/latest/install-and-configure/configuring-opensearch/network-settings/
   */
  async maxRequestBytes(): Promise<{ bytes: number; fromCluster: boolean }> {
    const bytes = await this.client.maxContentLength();
    return bytes === undefined ? { bytes: DEFAULT_MAX_CONTENT_LENGTH, fromCluster: false } : { bytes, fromCluster: true };
  }

  /**
   * Creates these documents by id and makes them visible to search; answers the documents the
   * engine refused (a document already there, 409, is not refused: ids make a repeat harmless).
   */
  async createDocuments(index: string, documents: readonly BulkDocument[]): Promise<BulkDrop[]> {
    const refused: BulkDrop[] = [];
    await this.client.bulk({ index, documents, refresh: true, onDrop: (d) => (d.status === 409 ? undefined : refused.push(d)) });
    return refused;
  }

  search(index: string, query: object, size = 100): Promise<{ ids: string[]; total: number }> {
    if (!isRecord(query)) throw new ClusterError(`search ${index}: the query is not a JSON object`, { action: `search ${index}` });
    return this.client.search(index, query, size);
  }

  count(index: string): Promise<number> {
    return this.client.count(index);
  }

  refresh(index: string): Promise<void> {
    return this.client.refresh(index);
  }

  /** Field mappings of every backing index of a data stream (or of an index). */
  mapping(index: string): Promise<IndexMappings> {
    return this.client.getMapping(index);
  }

  deleteDataStream(name: string): Promise<void> {
    return this.client.deleteDataStream(name);
  }

  createDataStream(name: string): Promise<void> {
    return this.client.createDataStream(name);
  }

  /** The index settings a data stream's next backing index gets, from the templates that match it. */
  async resolvedIndexSettings(dataStream: string): Promise<Record<string, unknown> | undefined> {
    const template = (await this.client.getDataStream(dataStream))?.template;
    return template ? this.client.simulateIndexTemplate(template) : this.client.simulateIndex(dataStream);
  }

  /** The write index of a data stream (its newest backing index) and that index's mapping. */
  async writeIndexMapping(dataStream: string): Promise<{ index: string; mappings: { properties?: unknown }; template?: string } | undefined> {
    const ds = await this.client.getDataStream(dataStream);
    const index = ds?.indices.at(-1);
    if (!index) return undefined;
    const m = await this.mapping(index);
    return { index, mappings: m[index]?.mappings ?? {}, ...(ds?.template !== undefined ? { template: ds.template } : {}) };
  }

  /** Puts a compatible mapping on a data stream's backing indices. */
  async putDataStreamMapping(dataStream: string, mapping: unknown): Promise<void> {
    if (!isRecord(mapping)) throw new ClusterError(`update mapping of data stream ${dataStream}: the mapping is not a JSON object`, { action: `update mapping of data stream ${dataStream}` });
    await this.client.putMapping(dataStream, mapping);
  }

  /** Starts a new write index from the current templates. */
  rollover(dataStream: string): Promise<string> {
    return this.client.rollover(dataStream);
  }

  health(): Promise<string> {
    return this.client.health();
  }
}

import { isRecord } from '../../guards.ts';
import type { Engine } from '../../terms.ts';
import { parseLossless } from '../lossless.ts';
import { endpoints, simulateBody } from './endpoints.ts';
import { ClusterError, decodeCredential, redactUrl, rememberSecrets, toClusterError, withoutSecrets } from './errors.ts';
import { arrayField, field, objectField, stringField, type JsonObject } from './read.ts';

export type { JsonObject } from './read.ts';

/** How to reach a cluster. Credentials live here only; nothing prints this object. */
export interface ConnectionOptions {
  readonly node: string;
  readonly username?: string;
  readonly password?: string;
  readonly apiKey?: string;
  /** PEM text of the CA that signed the cluster's certificate. */
  readonly ca?: string;
  /** Skip TLS verification (only when asked for). */
  readonly insecure?: boolean;
  readonly requestTimeoutMs?: number;
}

export interface BulkDocument {
  /** The document as JSON text, sent as-is (so its numbers stay exact). */
  readonly text: string;
  /** Its `_id`: the same document gets the same id, so a retried request cannot index it twice. */
  readonly id: string;
}

export interface BulkDrop {
  readonly id: string;
  readonly status: number;
  /** The engine's error type, e.g. `version_conflict_engine_exception`. */
  readonly type: string;
  readonly reason: string;
  /** The document as the client parsed it back (numbers beyond 2^53 may be rounded). */
  readonly document?: unknown;
}

export interface BulkOptions {
  readonly index: string;
  readonly documents: AsyncIterable<BulkDocument> | Iterable<BulkDocument>;
  readonly onDrop: (drop: BulkDrop) => void;
  readonly refresh?: boolean;
  readonly flushBytes?: number;
  readonly concurrency?: number;
  readonly retries?: number;
  /**
   * A request that fails as a whole (after the transport's retries) stops the run; by default that
   * throws the ClusterError. With `reportStop`, the run's counts so far are returned with it in
   * `error` instead, so the caller can say what happened to every document.
   */
  readonly reportStop?: boolean;
}

export interface BulkResult {
  readonly total: number;
  readonly successful: number;
  readonly failed: number;
  readonly retried: number;
  readonly aborted: boolean;
  /** Why the run stopped early (only with `reportStop`). */
  readonly error?: ClusterError;
}

export interface SimulateResult {
  readonly source?: Record<string, unknown>;
  readonly error?: { type?: string; reason?: string };
}

/** What a write may require of the object it replaces, where the engine can check it. */
export interface WriteCondition {
  /** The object must not exist (component and index templates: `?create=true`). */
  readonly create?: boolean;
  /** The stored pipeline must have this `version` (Elasticsearch's `if_version`). */
  readonly ifVersion?: number;
}

/** Cluster settings as flat keys, the way the engines apply them: transient over persistent over defaults. */
export function effectiveClusterSettings(r: { defaults?: Record<string, unknown>; persistent?: Record<string, unknown>; transient?: Record<string, unknown> }): Record<string, unknown> {
  return { ...(r.defaults ?? {}), ...(r.persistent ?? {}), ...(r.transient ?? {}) };
}

export interface EngineInfo {
  readonly version?: string;
  /** `opensearch` on OpenSearch; Elasticsearch has none. */
  readonly distribution?: string;
  readonly clusterName?: string;
}

export interface DataStreamInfo {
  readonly name: string;
  /** The index template it was created from. */
  readonly template?: string;
  /** Backing indices, oldest first: the last is the write index. */
  readonly indices: readonly string[];
}

export type IndexMappings = Record<string, { mappings: { properties?: Record<string, unknown> } }>;

/** A Security Analytics rule document: its id and its `rule` as the plugin stores it. */
export interface SecurityAnalyticsRuleDoc {
  readonly docId: string;
  readonly rule: unknown;
}

/** The OpenSearch Security Analytics rule API (custom rules, category `windows`). */
export interface SecurityAnalyticsApi {
  customRules(): Promise<SecurityAnalyticsRuleDoc[]>;
  createRule(name: string, yaml: string): Promise<void>;
  updateRule(name: string, docId: string, yaml: string): Promise<void>;
}

/**
 * The typed operations evforge performs on an engine, the same for both: each runs one request
 * through the engine's official client (its typed API, with its own request and response types),
 * is retried by the transport when safe to repeat, and fails with a ClusterError naming what was
 * being done. Reads of objects that may not exist answer undefined on 404.
 */
export interface EngineClient {
  readonly engine: Engine;
  /** Redacted URL, safe to print. */
  readonly url: string;
  info(): Promise<EngineInfo>;
  /** Plugin components installed (OpenSearch `_cat/plugins`). */
  plugins(): Promise<string[]>;
  getPipeline(name: string): Promise<unknown>;
  /** `ifVersion`: replace only the pipeline of that `version` (Elasticsearch ≥ 8.9; OpenSearch has no such check and ignores it). */
  putPipeline(name: string, body: JsonObject, o?: WriteCondition): Promise<void>;
  deletePipeline(name: string): Promise<void>;
  getComponentTemplate(name: string): Promise<unknown>;
  /** `create`: only if none of that name exists (`?create=true`); otherwise the engine refuses (already exists). */
  putComponentTemplate(name: string, body: JsonObject, o?: WriteCondition): Promise<void>;
  getIndexTemplate(name: string): Promise<unknown>;
  putIndexTemplate(name: string, body: JsonObject, o?: WriteCondition): Promise<void>;
  /** Cluster settings as flat keys, transient over persistent over defaults (`GET _cluster/settings?include_defaults=true`). */
  clusterSettings(): Promise<Record<string, unknown>>;
  getDataStream(name: string): Promise<DataStreamInfo | undefined>;
  createDataStream(name: string): Promise<void>;
  /** Deletes a data stream; one that does not exist is no error. */
  deleteDataStream(name: string): Promise<void>;
  /** Runs documents (JSON texts, sent as they are) through a stored pipeline; numbers come back exact. */
  simulatePipeline(name: string, documents: readonly string[]): Promise<SimulateResult[]>;
  /** `settings.index` of what a stored index template resolves to. */
  simulateIndexTemplate(template: string): Promise<JsonObject | undefined>;
  /** `settings.index` a new index of this name would get; undefined when no template matches. */
  simulateIndex(name: string): Promise<JsonObject | undefined>;
  getMapping(index: string): Promise<IndexMappings>;
  putMapping(index: string, mapping: JsonObject): Promise<void>;
  /** Starts a new write index; answers its name. */
  rollover(dataStream: string): Promise<string>;
  search(index: string, query: JsonObject, size: number): Promise<{ ids: string[]; total: number }>;
  count(index: string): Promise<number>;
  refresh(index: string): Promise<void>;
  health(): Promise<string>;
  /** The client's bulk helper: batches, concurrency, per-document retries; whole requests retried by the transport. */
  bulk(options: BulkOptions): Promise<BulkResult>;
  /**
   * The largest HTTP request the engine accepts (`http.max_content_length`, in bytes): the
   * smallest value the nodes were started with, else the cluster's default; undefined when the
   * cluster does not say (e.g. no privilege to read settings).
   */
  maxContentLength(): Promise<number | undefined>;
  /** Present on OpenSearch only. */
  readonly securityAnalytics?: SecurityAnalyticsApi;
  close(): Promise<void>;
}

/** Strips credentials from the URL into auth options. */
export function splitCredentials(o: ConnectionOptions): ConnectionOptions {
  rememberSecrets(o);
  try {
    const u = new URL(o.node);
    if (!u.username && !u.password) return o;
    const split = { ...o, node: redactUrl(o.node), username: o.username ?? decodeCredential(u.username), password: o.password ?? decodeCredential(u.password) };
    rememberSecrets({ ...split, userinfo: `${u.username}:${u.password}` });
    return split;
  } catch {
    throw new ClusterError(`${redactUrl(o.node)} is not a URL`, { hint: 'pass --node http(s)://host:port' });
  }
}

/** Runs one client call; any failure becomes a ClusterError naming `action`. */
export async function attempt<T>(action: string, url: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toClusterError(err, action, url);
  }
}

/**
 * A 2xx answer whose body the client could not parse as JSON (no JSON content type: a proxy or a
 * login page) arrives as text; evforge refuses it rather than reading fields of a string.
 */
export function json<T>(body: T, status: number | null, action: string, url: string): T {
  if (typeof body !== 'string' && body !== null && body !== undefined) return body;
  const text = typeof body === 'string' ? body : '';
  throw new ClusterError(`${action} failed: ${url} answered with something that is not JSON (HTTP ${status ?? '?'}): ${JSON.stringify(text.slice(0, 120))}`, {
    action,
    ...(status !== null ? { status } : {}),
    hint: 'is --node an Elasticsearch/OpenSearch endpoint, not a proxy or login page?',
  });
}

/** A request sent through the transport (no typed API fits: see endpoints.ts), answered as exact text. */
export type SendText = (method: 'POST' | 'PUT', path: string, o: { body: string | JsonObject; query?: Record<string, string | boolean>; idempotent: boolean }) => Promise<string>;

function parseText(text: string, lossless: boolean, action: string, url: string): unknown {
  try {
    return lossless ? parseLossless(text) : JSON.parse(text);
  } catch {
    return json(text, 200, action, url);
  }
}

/** Pipeline simulate over the transport: documents sent byte for byte, the answer parsed without rounding. */
export async function simulatePipeline(send: SendText, url: string, pipeline: string, documents: readonly string[]): Promise<SimulateResult[]> {
  const action = `simulate pipeline ${pipeline}`;
  const text = await attempt(action, url, () => send('POST', endpoints.simulatePipeline(pipeline), { body: simulateBody(documents), idempotent: true }));
  return arrayField(parseText(text, true, action, url), 'docs').map((d): SimulateResult => {
    const error = objectField(d, 'error');
    if (error) {
      const type = stringField(error, 'type');
      const reason = stringField(error, 'reason');
      return { error: { ...(type !== undefined ? { type: withoutSecrets(type) } : {}), ...(reason !== undefined ? { reason: withoutSecrets(reason) } : {}) } };
    }
    return { source: objectField(objectField(d, 'doc'), '_source') ?? {} };
  });
}

/** The Security Analytics rule API over the transport. */
export function securityAnalyticsApi(send: SendText, url: string): SecurityAnalyticsApi {
  const category = 'windows';
  return {
    async customRules() {
      const action = 'search Security Analytics rules';
      const text = await attempt(action, url, () =>
        send('POST', endpoints.securityAnalyticsRuleSearch, { query: { pre_packaged: false }, body: { size: 10_000, query: { match_all: {} } }, idempotent: true }),
      );
      const hits = arrayField(objectField(parseText(text, false, action, url), 'hits'), 'hits');
      return hits.flatMap((h) => {
        const docId = stringField(h, '_id');
        return docId === undefined ? [] : [{ docId, rule: field(objectField(h, '_source'), 'rule') }];
      });
    },
    async createRule(name, yaml) {
      await attempt(`create Security Analytics rule ${name}`, url, () => send('POST', endpoints.securityAnalyticsRules, { body: yaml, query: { category }, idempotent: false }));
    },
    async updateRule(name, docId, yaml) {
      await attempt(`update Security Analytics rule ${name}`, url, () => send('PUT', endpoints.securityAnalyticsRule(docId), { body: yaml, query: { category, forced: true }, idempotent: true }));
    },
  };
}

/** What the bulk helpers report for a dropped document, reduced to a BulkDrop. */
export function bulkDrop(status: number, operation: unknown, error: unknown, document: unknown): BulkDrop {
  const causedBy = stringField(objectField(error, 'caused_by'), 'reason');
  const reason = isRecord(error) ? `${stringField(error, 'reason') ?? ''}${causedBy ? ` (${causedBy})` : ''}` : `HTTP ${status} for the whole request`;
  return { id: stringField(objectField(operation, 'create'), '_id') ?? '', status, type: withoutSecrets(stringField(error, 'type') ?? 'error'), reason: withoutSecrets(reason), document };
}

/** The bulk helper's counts (what both clients' helpers expose as `stats`), reduced to a BulkResult. */
export function bulkResult(stats: { total: number; successful: number; failed: number; retry: number; aborted: boolean }, error?: ClusterError): BulkResult {
  return { total: stats.total, successful: stats.successful, failed: stats.failed, retried: stats.retry, aborted: stats.aborted || error !== undefined, ...(error ? { error } : {}) };
}

/**
 * Runs a bulk helper: its counts, or (a request failed as a whole) the ClusterError thrown, or,
 * with `reportStop`, returned with the counts so far.
 */
export async function runBulkHelper(helper: PromiseLike<unknown> & { readonly stats: Parameters<typeof bulkResult>[0] }, bo: BulkOptions, action: string, url: string): Promise<BulkResult> {
  try {
    await helper;
    return bulkResult(helper.stats);
  } catch (err) {
    const error = toClusterError(err, action, url);
    if (!bo.reportStop) throw error;
    return bulkResult(helper.stats, error);
  }
}

/** `http.max_content_length` as bytes: `100mb`, `1.5gb`, `104857600b` or plain digits (units of 1024, as the engines read them). */
export function byteSize(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return Math.floor(value);
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?\s*$/i.exec(value);
  if (!m) return undefined;
  const power = ['b', 'kb', 'mb', 'gb', 'tb', 'pb'].indexOf((m[2] ?? 'b').toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}

/**
 * The smallest `http.max_content_length` among the nodes' own settings (`GET _nodes/settings`),
 * else the one `GET _cluster/settings?include_defaults` reports; undefined when neither says.
 */
export function maxContentLengthOf(nodes: unknown, cluster: unknown): number | undefined {
  const own = Object.values(objectField(nodes, 'nodes') ?? {})
    .map((n) => byteSize(field(objectField(objectField(n, 'settings'), 'http'), 'max_content_length')))
    .filter((n): n is number => n !== undefined);
  if (own.length > 0) return Math.min(...own);
  for (const scope of ['transient', 'persistent', 'defaults']) {
    const found = byteSize(field(objectField(objectField(cluster, scope), 'http'), 'max_content_length'));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The bulk helper's options shared by both clients. */
export function helperOptions(o: BulkOptions) {
  return {
    // The bulk response lists every item; only what the helper reads is kept (a tenth of the bytes to parse).
    filter_path: 'took,errors,items.*.status,items.*.error,items.*._id',
    flushBytes: o.flushBytes ?? 5_000_000,
    concurrency: o.concurrency ?? 4,
    retries: o.retries ?? 3,
    wait: 1000,
    refreshOnCompletion: o.refresh ? o.index : false,
  } as const;
}

/** The documents as the bulk helpers take them (an async iterator), whatever iterable they came in. */
export async function* datasource<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

/** Exact text of a response in the transport's text mode (a string; anything else reads as empty). */
export function responseText(body: unknown): string {
  return typeof body === 'string' ? body : '';
}

import { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import { Client as OpenSearchClient } from '@opensearch-project/opensearch';
import type { Readable } from 'node:stream';
import type { Target } from '../../generate/engines.ts';
import { parseLossless } from '../lossless.ts';
import { ClusterError, redactUrl, toClusterError } from './errors.ts';

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
  /** Retries of requests the engine or network says are safe to retry (429, 502–504, resets). */
  readonly maxRetries?: number;
}

export interface RawResponse {
  readonly statusCode: number;
  readonly body: unknown;
}

export interface RequestOptions {
  readonly body?: string | object;
  readonly query?: Record<string, string | number | boolean>;
  /** Statuses that are answers, not errors (e.g. 404 on a GET of something that may not exist). */
  readonly ignore?: readonly number[];
  /** Parse the response without rounding numbers beyond 2^53. */
  readonly lossless?: boolean;
  readonly headers?: Record<string, string>;
  /** Describes the request in errors, e.g. `PUT ingest pipeline logs-windows.ntlm`. */
  readonly action: string;
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
}

export interface BulkResult {
  readonly total: number;
  readonly successful: number;
  readonly failed: number;
  readonly retried: number;
  readonly aborted: boolean;
}

/** The few things evforge needs from an official client, the same for both engines. */
export interface EngineClient {
  readonly flavor: Target;
  readonly url: string;
  request(method: string, path: string, options: RequestOptions): Promise<RawResponse>;
  bulk(options: BulkOptions): Promise<BulkResult>;
  close(): Promise<void>;
}

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function authHeaders(o: ConnectionOptions): Record<string, string> {
  return o.apiKey ? { authorization: `ApiKey ${o.apiKey}` } : {};
}

/** Strips credentials from the URL into auth options. */
function splitCredentials(o: ConnectionOptions): ConnectionOptions {
  try {
    const u = new URL(o.node);
    if (!u.username && !u.password) return o;
    return { ...o, node: redactUrl(o.node), username: o.username ?? decodeURIComponent(u.username), password: o.password ?? decodeURIComponent(u.password) };
  } catch {
    throw new ClusterError(`${redactUrl(o.node)} is not a URL`, { hint: 'pass --node http(s)://host:port' });
  }
}

type BulkHelperLike = {
  bulk(o: Record<string, unknown>): Promise<{ total: number; successful: number; failed: number; retry: number; aborted: boolean }>;
};

/** Runs the client's bulk helper; documents are pre-serialized strings so no number is re-encoded. */
async function runBulk(helpers: BulkHelperLike, o: BulkOptions, url: string, flavor: Target): Promise<BulkResult> {
  try {
    const stats = await helpers.bulk({
      datasource: o.documents,
      onDocument: (doc: BulkDocument) => [{ create: { _index: o.index, _id: doc.id } }, doc.text],
      onDrop: (d: { operation: { create?: { _id?: string } }; document?: unknown; status: number; error: { type?: string; reason?: string; caused_by?: { reason?: string } } | null }) => {
        const reason = d.error ? `${d.error.reason ?? ''}${d.error.caused_by?.reason ? ` (${d.error.caused_by.reason})` : ''}` : `HTTP ${d.status} for the whole request`;
        o.onDrop({ id: d.operation?.create?._id ?? '', status: d.status, type: d.error?.type ?? 'error', reason, document: d.document });
      },
      flushBytes: o.flushBytes ?? 5_000_000,
      concurrency: o.concurrency ?? 4,
      retries: o.retries ?? 3,
      wait: 1000,
      refreshOnCompletion: o.refresh ? o.index : false,
    });
    return { total: stats.total, successful: stats.successful, failed: stats.failed, retried: stats.retry, aborted: stats.aborted };
  } catch (err) {
    throw toClusterError(err, `bulk index into ${o.index} (${flavor})`, url);
  }
}

export function openSearchClient(options: ConnectionOptions): EngineClient {
  const o = splitCredentials(options);
  const client = new OpenSearchClient({
    node: o.node,
    ...(o.username !== undefined ? { auth: { username: o.username, password: o.password ?? '' } } : {}),
    headers: authHeaders(o),
    ssl: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure },
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    maxRetries: o.maxRetries ?? 3,
    // Event documents may carry `__proto__` keys; JSON.parse makes them plain own properties, and
    // the default guard would throw inside the bulk helper instead of reporting the document.
    disablePrototypePoisoningProtection: true,
  });
  const url = redactUrl(o.node);
  return {
    flavor: 'opensearch',
    url,
    async request(method, path, ro) {
      try {
        const res = await client.transport.request(
          { method, path, ...(ro.body !== undefined ? { body: ro.body as never } : {}), ...(ro.query ? { querystring: ro.query as never } : {}) },
          { asStream: true, ...(ro.ignore ? { ignore: [...ro.ignore] } : {}), ...(ro.headers ? { headers: ro.headers } : {}) },
        );
        return await finish(res.statusCode ?? 0, res.body as unknown as Readable, ro, url);
      } catch (err) {
        throw toClusterError(await withBody(err), ro.action, url);
      }
    },
    bulk: (bo) => runBulk(client.helpers as unknown as BulkHelperLike, bo, url, 'opensearch'),
    close: () => client.close(),
  };
}

export function elasticsearchClient(options: ConnectionOptions): EngineClient {
  const o = splitCredentials(options);
  const client = new ElasticsearchClient({
    node: o.node,
    ...(o.apiKey ? { auth: { apiKey: o.apiKey } } : o.username !== undefined ? { auth: { username: o.username, password: o.password ?? '' } } : {}),
    tls: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure },
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    maxRetries: o.maxRetries ?? 3,
  });
  const url = redactUrl(o.node);
  return {
    flavor: 'elasticsearch',
    url,
    async request(method, path, ro) {
      try {
        const res = await client.transport.request(
          { method, path, ...(ro.body !== undefined ? { body: ro.body as never } : {}), ...(ro.query ? { querystring: ro.query as never } : {}) },
          { asStream: true, meta: true, ...(ro.ignore ? { ignore: [...ro.ignore] } : {}), ...(ro.headers ? { headers: ro.headers } : {}) },
        );
        return await finish(res.statusCode ?? 0, res.body as unknown as Readable, ro, url);
      } catch (err) {
        throw toClusterError(await withBody(err), ro.action, url);
      }
    },
    bulk: (bo) => runBulk(client.helpers as unknown as BulkHelperLike, bo, url, 'elasticsearch'),
    close: () => client.close(),
  };
}

/**
 * With `asStream` the clients hand back every response unchecked, so the status is checked here:
 * an error status not in `ignore` becomes a ClusterError carrying the engine's reason.
 */
async function finish(statusCode: number, stream: Readable, ro: RequestOptions, url: string): Promise<RawResponse> {
  const text = await readStream(stream);
  if (statusCode >= 400 && !(ro.ignore ?? []).includes(statusCode)) {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* keep the text */
    }
    throw toClusterError({ meta: { statusCode, body } }, ro.action, url);
  }
  return { statusCode, body: parseBody(text, ro, url, statusCode) };
}

/** With `asStream`, an error response's body is still a stream: read it so its reason can be shown. */
async function withBody(err: unknown): Promise<unknown> {
  const meta = (err as { meta?: { body?: unknown } } | undefined)?.meta;
  const body = meta?.body as Readable | undefined;
  if (body && typeof (body as { pipe?: unknown }).pipe === 'function') {
    try {
      const text = await readStream(body);
      try {
        meta!.body = JSON.parse(text);
      } catch {
        meta!.body = text;
      }
    } catch {
      meta!.body = undefined;
    }
  }
  return err;
}

function parseBody(text: string, ro: RequestOptions, url: string, status: number): unknown {
  if (text === '') return undefined;
  try {
    return ro.lossless ? parseLossless(text) : JSON.parse(text);
  } catch {
    if (status === 404 || status === 204) return undefined;
    throw new ClusterError(`${ro.action} failed: ${url} answered with something that is not JSON (HTTP ${status}): ${JSON.stringify(text.slice(0, 120))}`, {
      action: ro.action,
      status,
      hint: 'is --node an Elasticsearch/OpenSearch endpoint, not a proxy or login page?',
    });
  }
}

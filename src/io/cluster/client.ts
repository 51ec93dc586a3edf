import { Client as ElasticsearchClient } from '@elastic/elasticsearch';
import { Connection as OpenSearchConnection, Client as OpenSearchClient } from '@opensearch-project/opensearch';
import type { Readable } from 'node:stream';
import type { Target } from '../../generate/engines.ts';
import { parseLossless } from '../lossless.ts';
import { ClusterError, decodeCredential, parseRetryAfter, redactUrl, toClusterError } from './errors.ts';

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
  /** Safe to send twice (default: every method but POST). Only such requests are retried. */
  readonly idempotent?: boolean;
}

/** Bounded retries with backoff, honouring `Retry-After`: 4 attempts, 0.25 s, 0.5 s, 1 s apart. */
export const RETRY = { attempts: 4, baseMs: 250, maxDelayMs: 10_000 } as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs a request, retrying what the engine or the network says is transient (429, 502–504, a reset
 * or refused connection, a timeout) when the request is safe to repeat. Other failures, and the
 * last transient one, are thrown as they are, saying how many attempts were made.
 */
async function withRetries(ro: RequestOptions, method: string, send: () => Promise<RawResponse>): Promise<RawResponse> {
  const idempotent = ro.idempotent ?? method !== 'POST';
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof ClusterError) || !err.details.retryable || !idempotent) throw err;
      if (attempt >= RETRY.attempts) throw new ClusterError(`${err.message} (after ${attempt} attempts)`, err.details);
      const backoff = RETRY.baseMs * 2 ** (attempt - 1);
      await sleep(Math.min(RETRY.maxDelayMs, err.details.retryAfterMs ?? backoff));
    }
  }
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
    return { ...o, node: redactUrl(o.node), username: o.username ?? decodeCredential(u.username), password: o.password ?? decodeCredential(u.password) };
  } catch {
    throw new ClusterError(`${redactUrl(o.node)} is not a URL`, { hint: 'pass --node http(s)://host:port' });
  }
}

type BulkHelperLike = {
  bulk(o: Record<string, unknown>): Promise<{ total: number; successful: number; failed: number; retry: number; aborted: boolean }>;
};

type ClientError = { name?: string; meta?: { statusCode?: number; headers?: Record<string, string> } };

/**
 * The bulk helper retries single documents the engine rejects with 429, but a whole `_bulk`
 * request answered 429/502–504, or cut by a reset, fails the run. Replay's documents carry
 * deterministic ids, so such a request is safe to send again: this wraps the client's `bulk` (the
 * method the helper calls, promise or callback style) with the same bounded retries as every other
 * request, honouring `Retry-After`.
 */
function retryWholeBulkRequests(client: { bulk: (...args: unknown[]) => unknown }): void {
  const original = client.bulk.bind(client) as (params: unknown, options?: unknown) => Promise<unknown>;
  const transient = (err: ClientError) => {
    const status = err.meta?.statusCode;
    return status === 429 || status === 502 || status === 503 || status === 504 || err.name === 'ConnectionError' || err.name === 'NoLivingConnectionsError';
  };
  client.bulk = (params: unknown, options?: unknown, callback?: unknown) => {
    const cb = (typeof options === 'function' ? options : callback) as ((err: unknown, res: unknown) => void) | undefined;
    const opts = typeof options === 'function' ? {} : options;
    const run = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await original(params, opts);
        } catch (err) {
          const e = err as ClientError;
          if (!transient(e) || attempt >= RETRY.attempts) throw err;
          const backoff = RETRY.baseMs * 2 ** (attempt - 1);
          await sleep(Math.min(RETRY.maxDelayMs, parseRetryAfter(e.meta?.headers?.['retry-after']) ?? backoff));
        }
      }
    };
    const promise = run();
    if (!cb) return promise;
    promise.then(
      (res) => cb(null, res),
      (err: ClientError) => cb(err, err.meta ?? { body: undefined }),
    );
    return undefined;
  };
}

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
      // The bulk response lists every item; only what the helper reads is kept (a tenth of the bytes to parse).
      filter_path: 'took,errors,items.*.status,items.*.error,items.*._id',
      flushBytes: o.flushBytes ?? 5_000_000,
      concurrency: o.concurrency ?? 4,
      retries: o.retries ?? 3,
      wait: 1000,
      refreshOnCompletion: o.refresh ? o.index : false,
    });
    return { total: stats.total, successful: stats.successful, failed: stats.failed, retried: stats.retry, aborted: stats.aborted };
  } catch (err) {
    const e = toClusterError(err, `bulk index into ${o.index} (${flavor})`, url);
    // A transient error reaching here has been retried by retryWholeBulkRequests until its bound.
    throw e.details.retryable ? new ClusterError(`${e.message} (after ${RETRY.attempts} attempts)`, e.details) : e;
  }
}

/**
 * The OpenSearch client's connection, except for one thing: after a response has started, the
 * client logs any later socket error with `console.log` (a stack trace in evforge's output, e.g.
 * a reset mid-response). That listener is replaced by a silent one; the response stream still
 * reports the error to whoever reads the body, which turns it into a ClusterError.
 */
class QuietConnection extends OpenSearchConnection {
  override request(...[params, callback]: Parameters<OpenSearchConnection['request']>): ReturnType<OpenSearchConnection['request']> {
    // The callback runs after request() returned: `req` is set by then.
    const req: ReturnType<OpenSearchConnection['request']> = super.request(params, (err, response) => {
      if (response && typeof req.removeAllListeners === 'function') {
        req.removeAllListeners('error');
        req.on('error', () => {});
      }
      callback(err, response);
    });
    return req;
  }
}

export function openSearchClient(options: ConnectionOptions): EngineClient {
  const o = splitCredentials(options);
  const client = new OpenSearchClient({
    node: o.node,
    Connection: QuietConnection as never,
    ...(o.username !== undefined ? { auth: { username: o.username, password: o.password ?? '' } } : {}),
    headers: authHeaders(o),
    ssl: { ...(o.ca ? { ca: o.ca } : {}), rejectUnauthorized: !o.insecure },
    requestTimeout: o.requestTimeoutMs ?? 30_000,
    // Retries are evforge's own (bounded, with backoff, only when safe): see withRetries.
    maxRetries: 0,
    // Event documents may carry `__proto__` keys; JSON.parse makes them plain own properties, and
    // the default guard would throw inside the bulk helper instead of reporting the document.
    disablePrototypePoisoningProtection: true,
  });
  retryWholeBulkRequests(client as unknown as { bulk: (...args: unknown[]) => unknown });
  const url = redactUrl(o.node);
  return {
    flavor: 'opensearch',
    url,
    request: (method, path, ro) =>
      withRetries(ro, method, async () => {
        try {
          const res = await client.transport.request(
            { method, path, ...(ro.body !== undefined ? { body: ro.body as never } : {}), ...(ro.query ? { querystring: ro.query as never } : {}) },
            { asStream: true, maxRetries: 0, ...(ro.ignore ? { ignore: [...ro.ignore] } : {}), ...(ro.headers ? { headers: ro.headers } : {}) },
          );
          return await finish(res.statusCode ?? 0, res.headers as Record<string, string> | undefined, res.body as unknown as Readable, ro, url);
        } catch (err) {
          throw toClusterError(await withBody(err), ro.action, url);
        }
      }),
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
    maxRetries: 0,
  });
  retryWholeBulkRequests(client as unknown as { bulk: (...args: unknown[]) => unknown });
  const url = redactUrl(o.node);
  return {
    flavor: 'elasticsearch',
    url,
    request: (method, path, ro) =>
      withRetries(ro, method, async () => {
        try {
          const res = await client.transport.request(
            { method, path, ...(ro.body !== undefined ? { body: ro.body as never } : {}), ...(ro.query ? { querystring: ro.query as never } : {}) },
            { asStream: true, meta: true, maxRetries: 0, ...(ro.ignore ? { ignore: [...ro.ignore] } : {}), ...(ro.headers ? { headers: ro.headers } : {}) },
          );
          return await finish(res.statusCode ?? 0, res.headers as Record<string, string> | undefined, res.body as unknown as Readable, ro, url);
        } catch (err) {
          throw toClusterError(await withBody(err), ro.action, url);
        }
      }),
    bulk: (bo) => runBulk(client.helpers as unknown as BulkHelperLike, bo, url, 'elasticsearch'),
    close: () => client.close(),
  };
}

/**
 * With `asStream` the clients hand back every response unchecked, so the status is checked here:
 * an error status not in `ignore` becomes a ClusterError carrying the engine's reason.
 */
async function finish(statusCode: number, headers: Record<string, string> | undefined, stream: Readable, ro: RequestOptions, url: string): Promise<RawResponse> {
  let text: string;
  try {
    text = await readStream(stream);
  } catch (err) {
    // Reset mid-response: a connection error like any other (retried when the request is safe to repeat).
    throw toClusterError({ name: 'ConnectionError', message: `the response was cut short (${(err as Error).message})` }, ro.action, url);
  }
  if (statusCode >= 400 && !(ro.ignore ?? []).includes(statusCode)) {
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* keep the text */
    }
    throw toClusterError({ meta: { statusCode, body, headers: headers ?? {} } }, ro.action, url);
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

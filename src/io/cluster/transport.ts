import { messageOf } from '../../guards.ts';
import {
  SniffingTransport,
  errors as esErrors,
  type TransportRequestOptions,
  type TransportRequestOptionsWithMeta,
  type TransportRequestOptionsWithOutMeta,
  type TransportRequestParams,
  type TransportResult,
} from '@elastic/elasticsearch';
import { Connection as OpenSearchConnection, Transport as OpenSearchTransport, errors as osErrors, type ApiError, type ApiResponse } from '@opensearch-project/opensearch';
import { Readable } from 'node:stream';
import { toClusterError } from './errors.ts';
import { field } from './read.ts';
import { sameAttempts, withRetries, type Transient } from './retry.ts';

/**
 * What a request tells the transport, in its options' `context` (both clients pass that through
 * from every typed API call, and the bulk helper from its request options, untouched).
 */
export type EdgeContext = {
  /** Safe to send twice although it is a POST (a search, a simulate, a bulk create with fixed ids). */
  readonly idempotent?: boolean;
  /** Hand the response back as its exact text (numbers beyond 2^53 intact), status checked. */
  readonly text?: boolean;
};

export const IDEMPOTENT: EdgeContext = { idempotent: true };
export const IDEMPOTENT_TEXT: EdgeContext = { idempotent: true, text: true };

/** Only requests safe to repeat are retried: every method but POST, and POSTs marked idempotent. */
function repeatable(method: string, context: unknown): boolean {
  return method.toUpperCase() !== 'POST' || field(context, 'idempotent') === true;
}

/** Transient for a request that may be repeated: what toClusterError calls retryable (429, 502–504, reset, refused, timeout). */
function transientFor(method: string, context: unknown): Transient {
  if (!repeatable(method, context)) return () => undefined;
  return (err) => {
    const d = toClusterError(err, '', '').details;
    return d.retryable ? (d.retryAfterMs !== undefined ? { retryAfterMs: d.retryAfterMs } : {}) : undefined;
  };
}

/** A response body as text: the clients hand a stream with `asStream` (a string from a mock connection). */
async function readText(body: unknown): Promise<string> {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  if (!(body instanceof Readable)) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function parsedOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** How a client reports a failed text request: its own error classes, so the rest of the edge reads them as any other. */
interface TextFailures {
  /** A socket error while the body was read: a connection error (retried when safe). */
  readonly cutShort: (message: string) => Error;
  /** An error status the call does not ignore, with the body the server sent. */
  readonly refused: (body: unknown) => Error;
}

/** A streamed answer as its exact text, its status checked like any other answer's. */
async function exactText(r: { readonly statusCode: number | null; readonly body: unknown }, ignore: readonly number[] | undefined, fail: TextFailures): Promise<string> {
  let text: string;
  try {
    text = await readText(r.body);
  } catch (err) {
    throw fail.cutShort(`the response was cut short (${messageOf(err)})`);
  }
  const status = r.statusCode ?? 0;
  if (status >= 400 && !(ignore ?? []).includes(status)) throw fail.refused(parsedOrText(text));
  return text;
}

/**
 * The Elasticsearch client's transport with evforge's retries: every request, typed API call or
 * bulk helper batch, is retried by the one retry helper when it is safe to repeat. A request whose
 * context asks for `text` gets its response as exact text, its status checked like any other.
 */
export class ElasticsearchEdgeTransport extends SniffingTransport {
  override request<TResponse = unknown>(params: TransportRequestParams, options?: TransportRequestOptionsWithOutMeta): Promise<TResponse>;
  override request<TResponse = unknown, TContext = unknown>(params: TransportRequestParams, options?: TransportRequestOptionsWithMeta): Promise<TransportResult<TResponse, TContext>>;
  override request<TResponse = unknown>(params: TransportRequestParams, options?: TransportRequestOptions): Promise<TResponse>;
  override request(params: TransportRequestParams, options: TransportRequestOptions = {}): Promise<unknown> {
    const once = field(options.context, 'text') === true ? () => this.textRequest(params, options) : () => super.request(params, options);
    return withRetries(once, transientFor(params.method, options.context));
  }

  private async textRequest(params: TransportRequestParams, options: TransportRequestOptions): Promise<unknown> {
    const r = await super.request(params, { ...options, asStream: true, meta: true });
    const text = await exactText(r, options.ignore, { cutShort: (m) => new esErrors.ConnectionError(m), refused: (body) => new esErrors.ResponseError({ ...r, body }) });
    return options.meta === true ? { ...r, body: text } : text;
  }
}

/** A failed OpenSearch attempt, as the transport reports it to a callback. */
class Failed extends Error {
  constructor(
    readonly error: ApiError,
    readonly result: ApiResponse,
  ) {
    super(error.message);
  }
}

/** The OpenSearch transport's request parameters and options, as its root export declares them. */
type OsRequestParams = Parameters<OpenSearchTransport['request']>[0];
type OsRequestOptions = NonNullable<Parameters<OpenSearchTransport['request']>[1]>;
type OsCallback = (err: ApiError | null, result: ApiResponse) => void;
/** What the OpenSearch transport hands back with a request: a way to abort it (evforge never does). */
type Abortable = { abort(): void };

/**
 * The OpenSearch client's transport with the same retries and `text` mode. The client's bulk helper
 * calls it with a callback, typed API calls without: both run the same attempts.
 */
export class OpenSearchEdgeTransport extends OpenSearchTransport {
  override request(params: OsRequestParams, options?: OsRequestOptions): Promise<ApiResponse> & Abortable;
  override request(params: OsRequestParams, options?: OsRequestOptions, callback?: OsCallback): Abortable;
  override request(params: OsRequestParams, options: OsRequestOptions = {}, callback?: OsCallback): (Promise<ApiResponse> & Abortable) | Abortable {
    const text = field(options.context, 'text') === true;
    const once = () =>
      new Promise<ApiResponse>((resolve, reject) => {
        super.request(params, text ? { ...options, asStream: true } : options, (err, result) => (err ? reject(new Failed(err, result)) : resolve(result)));
      }).then((r) => (text ? this.checkedText(r, options) : r));
    const transient = transientFor(params.method, options.context);
    const run = withRetries(once, (e) => transient(e instanceof Failed ? e.error : e));
    if (callback) {
      run.then(
        (r) => callback(null, r),
        (e: unknown) => {
          if (e instanceof Failed) callback(sameAttempts(e, e.error), e.result);
          else throw e;
        },
      );
      return { abort: () => {} };
    }
    const promise = run.catch((e: unknown) => {
      throw e instanceof Failed ? sameAttempts(e, e.error) : e;
    });
    return Object.assign(promise, { abort: () => {} });
  }

  private async checkedText(r: ApiResponse, options: OsRequestOptions): Promise<ApiResponse> {
    const text = await exactText(r, options.ignore, {
      cutShort: (m) => new Failed(new osErrors.ConnectionError(m, r), r),
      refused: (body) => {
        const error = new osErrors.ResponseError({ ...r, body });
        return new Failed(error, error.meta);
      },
    });
    return { ...r, body: text };
  }
}

/**
 * The OpenSearch client's connection, except for one thing: after a response has started, the
 * client logs any later socket error with `console.log` (a stack trace in evforge's output, e.g.
 * a reset mid-response). That listener is replaced by a silent one; the response stream still
 * reports the error to whoever reads the body, which turns it into a ClusterError.
 */
export class QuietConnection extends OpenSearchConnection {
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

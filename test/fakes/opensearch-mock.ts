/**
 * MOCK CONNECTION for the OpenSearch client, answering from `@elastic/elasticsearch-mock` routes
 * (the same router as the Elasticsearch client's mock connection; the OpenSearch client ships no
 * mock of its own). A subclass of the client's own Connection: the client, its transport (evforge's,
 * with its retries) and its serializer all run; only the socket is replaced by the routes.
 *
 * Limits: no socket means no TLS, no timeout, no reset, no header a route could set (answers carry
 * `content-type: application/json` only); bodies reach a route parsed (JSON, NDJSON for bulk) or,
 * when not JSON (Security Analytics YAML), as text.
 */
import { Readable } from 'node:stream';
import type { ClientRequest } from 'node:http';
import { createRequire } from 'node:module';
import { Connection } from '@opensearch-project/opensearch';
import type { MockPattern } from '@elastic/elasticsearch-mock';
import type { Mock } from './elasticsearch.ts';

const require = createRequire(import.meta.url);
/** The error class the mock routes answer with (the client's CommonJS build, as the mock loads it). */
const { ResponseError }: typeof import('@elastic/elasticsearch').errors = require('@elastic/elasticsearch').errors;

type Params = Parameters<Connection['request']>[0];
type Callback = Parameters<Connection['request']>[1];

function parseBody(body: unknown, contentType: string): MockPattern['body'] {
  const text = typeof body === 'string' ? body : Buffer.isBuffer(body) ? body.toString('utf8') : undefined;
  if (text === undefined || text === '') return undefined;
  try {
    return contentType.includes('ndjson') ? text.split('\n').filter(Boolean).map((l) => JSON.parse(l)) : JSON.parse(text);
  } catch {
    // Not JSON (a YAML rule): the route reads the text.
    return { text };
  }
}

/** The OpenSearch client's Connection class, answering from `mock`'s routes. */
export function openSearchMockConnection(mock: Mock): typeof Connection {
  return class MockConnection extends Connection {
    override request(params: Params, callback: Callback): ClientRequest {
      // What the transport passes at run time: its own request params (the type says http's).
      const p = params as unknown as { method: string; path: string; querystring?: string; body?: unknown; headers?: Record<string, string> };
      const contentType = String(p.headers?.['content-type'] ?? p.headers?.['Content-Type'] ?? '');
      const url = new URL(p.path, 'http://mock.invalid');
      const querystring = Object.fromEntries(new URLSearchParams(typeof p.querystring === 'string' ? p.querystring : ''));
      const pattern: MockPattern = { method: p.method, path: decodeURIComponent(url.pathname), querystring };
      const body = parseBody(p.body, contentType);
      if (body !== undefined) pattern.body = body;
      const resolve = mock.get(pattern);
      let status = 200;
      let payload: unknown = resolve ? resolve(pattern) : { error: 'Mock not found', params: pattern };
      if (!resolve) status = 404;
      if (payload instanceof ResponseError) {
        status = payload.statusCode ?? 500;
        payload = payload.body;
      }
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const response = Object.assign(Readable.from([Buffer.from(text)]), {
        statusCode: status,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) },
      });
      setImmediate(() => callback(null, response as never));
      return { abort: () => {}, on: () => {}, removeAllListeners: () => {} } as unknown as ClientRequest;
    }
  };
}
